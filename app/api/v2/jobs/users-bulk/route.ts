import { apiRoute, readJson } from "@/lib/api/handler";
import { jobView } from "@/lib/jobs/jobs";
import { kickJobs } from "@/lib/jobs/runner";
import { createUsersBulkJob } from "@/lib/jobs/users-bulk-job";
import { usersBulkJobSchema } from "@/lib/schemas/user-bulk";

/** A bulk action as a job: 201 with the pending job; `GET /api/v2/jobs/{id}` gives its progress, `/results` its users. */
export const POST = apiRoute(async ({ actor, request }) => {
  const job = jobView(await createUsersBulkJob(actor, await readJson(request, usersBulkJobSchema)));
  void kickJobs();
  return Response.json(job, { status: 201, headers: { Location: `/api/v2/jobs/${job.id}` } });
});
