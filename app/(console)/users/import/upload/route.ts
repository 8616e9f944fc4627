import { z } from "zod";
import { errorResponse } from "@/lib/api/handler";
import { readMultipart } from "@/lib/api/multipart";
import { getSessionActor } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { forbidden, unauthorized } from "@/lib/errors";
import { crossSiteActionProblem } from "@/lib/http/forwarded-host";
import { stageImportUpload } from "@/lib/jobs/users-import-job";
import { IMPORT_MAX_BYTES } from "@/lib/schemas/user-import";

/**
 * The import page's upload, for the signed-in admin (a server action's body is limited to 1 MB): the file is
 * kept and read once, and its columns, first rows and proposed mapping come back. Only from the console's own
 * pages (same Origin), as its server actions.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const origin = request.headers.get("origin");
    const crossSite = origin === null ? "Upload the file from the console." : crossSiteActionProblem(request.headers, getConfig().DELEGATE_TRUSTED_PROXY_HOPS);
    if (crossSite) throw forbidden(crossSite);
    const actor = await getSessionActor();
    if (!actor) throw unauthorized("Your session has ended. Sign in again.");
    const { file } = await readMultipart(request, z.object({}), { fileField: "users", maxBytes: IMPORT_MAX_BYTES });
    return Response.json(await stageImportUpload(actor, file));
  } catch (error) {
    return errorResponse(error);
  }
}
