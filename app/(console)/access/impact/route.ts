import { impactPreviewStream } from "@/lib/access/impact-stream";
import { errorResponse, readJson } from "@/lib/api/handler";
import { getSessionActor } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { forbidden, unauthorized } from "@/lib/errors";
import { crossSiteActionProblem } from "@/lib/http/forwarded-host";
import { impactPreviewSchema } from "@/lib/schemas/impact";

/**
 * The hook editor's Preview impact, for the signed-in admin: NDJSON progress lines, then the result.
 * Only from the console's own pages (same Origin, JSON body), as its server actions.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const origin = request.headers.get("origin");
    const crossSite = origin === null ? "Send the preview from the console." : crossSiteActionProblem(request.headers, getConfig().DELEGATE_TRUSTED_PROXY_HOPS);
    if (crossSite) throw forbidden(crossSite);
    const actor = await getSessionActor();
    if (!actor) throw unauthorized("Your session has ended. Sign in again.");
    return await impactPreviewStream(actor, await readJson(request, impactPreviewSchema), request.signal);
  } catch (error) {
    return errorResponse(error);
  }
}
