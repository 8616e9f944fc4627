import { apiRoute } from "@/lib/api/handler";
import { importErrors } from "@/lib/jobs/users-import-job";

/** An import's refused rows, as Auth0 lists them: `[{ user, errors: [{ code, message, path }] }]`. */
export const GET = apiRoute<{ id: string }>(async ({ actor, params }) => Response.json(await importErrors(actor, params.id)));
