import { errorResponse } from "@/lib/api/handler";
import { exportAuditLog, exportResponse } from "@/lib/audit/export-audit";
import { getSessionActor } from "@/lib/auth/session";
import { parseInput, unauthorized } from "@/lib/errors";
import { exportAuditSchema } from "@/lib/schemas/audit";

/** The logs page's download links: the same export as the API's, for the signed-in admin. */
export async function GET(request: Request): Promise<Response> {
  try {
    const actor = await getSessionActor();
    if (!actor) throw unauthorized("Your session has ended. Sign in again.");
    const input = parseInput(exportAuditSchema, Object.fromEntries(new URL(request.url).searchParams));
    return exportResponse(await exportAuditLog(actor, input));
  } catch (error) {
    return errorResponse(error);
  }
}
