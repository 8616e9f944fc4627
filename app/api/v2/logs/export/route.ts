import { apiRoute, readQuery } from "@/lib/api/handler";
import { exportAuditLog, exportResponse } from "@/lib/audit/export-audit";
import { exportAuditSchema } from "@/lib/schemas/audit";

/** The filtered log as CSV or NDJSON, streamed (`logs:read`; the logs page's filters and scope). */
export const GET = apiRoute(async ({ actor, request }) => exportResponse(await exportAuditLog(actor, readQuery(request, exportAuditSchema))));
