import { errorResponse } from "@/lib/api/handler";
import { jobDownload } from "@/lib/jobs/jobs";

/** A finished export's file: the signed link is the credential (403 when forged or expired), no token. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await context.params;
    const file = await jobDownload(id, new URL(request.url).searchParams);
    return new Response(file.stream, {
      headers: { "Content-Type": file.contentType, "Content-Disposition": `attachment; filename="${file.filename}"`, "Cache-Control": "no-store" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
