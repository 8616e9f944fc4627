import { apiRoute } from "@/lib/api/handler";
import { getJob } from "@/lib/jobs/jobs";

/** A job's status (its creator or an Administrator; 404 for anyone else). */
export const GET = apiRoute<{ id: string }>(async ({ actor, params }) => Response.json(await getJob(actor, params.id)));
