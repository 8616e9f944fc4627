import { apiRoute, readQuery } from "@/lib/api/handler";
import { listJobResults } from "@/lib/jobs/job-results";
import { jobResultsQuerySchema } from "@/lib/schemas/user-bulk";

/** A bulk job's per-user results so far, a page at a time (`next` is the following page's `from`). */
export const GET = apiRoute<{ id: string }>(async ({ actor, request, params }) =>
  Response.json(await listJobResults(actor, params.id, readQuery(request, jobResultsQuerySchema))),
);
