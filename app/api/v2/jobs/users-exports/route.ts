import { apiRoute, readJson } from "@/lib/api/handler";
import { jobView } from "@/lib/jobs/jobs";
import { kickJobs } from "@/lib/jobs/runner";
import { createUsersExportJob } from "@/lib/jobs/users-export-job";
import { usersExportJobSchema } from "@/lib/schemas/user-export";

/** Auth0's export job: 201 with the pending job; `GET /api/v2/jobs/{id}` gives its `location` once completed. */
export const POST = apiRoute(async ({ actor, request }) => {
  const job = jobView(await createUsersExportJob(actor, await readJson(request, usersExportJobSchema)));
  void kickJobs();
  return Response.json(job, { status: 201, headers: { Location: `/api/v2/jobs/${job.id}` } });
});
