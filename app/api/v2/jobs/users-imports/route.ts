import { apiRoute } from "@/lib/api/handler";
import { readMultipart } from "@/lib/api/multipart";
import { jobView } from "@/lib/jobs/jobs";
import { kickJobs } from "@/lib/jobs/runner";
import { createUsersImportJob } from "@/lib/jobs/users-import-job";
import { IMPORT_MAX_BYTES, usersImportJobSchema } from "@/lib/schemas/user-import";

/** Auth0's bulk import (multipart, the file in `users`): 201 with the pending job; `GET /api/v2/jobs/{id}` follows it. */
export const POST = apiRoute(async ({ actor, request }) => {
  const { input, file } = await readMultipart(request, usersImportJobSchema, { fileField: "users", maxBytes: IMPORT_MAX_BYTES });
  const job = jobView(await createUsersImportJob(actor, input, file));
  void kickJobs();
  return Response.json(job, { status: 201, headers: { Location: `/api/v2/jobs/${job.id}` } });
});
