import { errorResponse } from "@/lib/api/handler";
import { getSessionActor } from "@/lib/auth/session";
import { parseInput, unauthorized } from "@/lib/errors";
import { exportUsersSchema } from "@/lib/schemas/user-export";
import { exportStream, exportUsers } from "@/lib/users/export-users";

/** The users page's Export links: the current list (search, filters, order) as CSV or NDJSON, streamed. */
export async function GET(request: Request): Promise<Response> {
  try {
    const actor = await getSessionActor();
    if (!actor) throw unauthorized("Your session has ended. Sign in again.");
    const input = parseInput(exportUsersSchema, Object.fromEntries(new URL(request.url).searchParams));
    const exported = await exportUsers(actor, input);
    return new Response(exportStream(exported.chunks), {
      headers: {
        "Content-Type": exported.contentType,
        "Content-Disposition": `attachment; filename="${exported.filename}"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
