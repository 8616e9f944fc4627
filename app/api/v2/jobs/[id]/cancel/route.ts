import { apiRoute } from "@/lib/api/handler";
import { cancelJob } from "@/lib/jobs/jobs";

/** Cancels a pending or running job (its creator or an Administrator; 404 for anyone else, 409 once it has finished). */
export const POST = apiRoute<{ id: string }>(async ({ actor, params }) => Response.json(await cancelJob(actor, params.id)));
