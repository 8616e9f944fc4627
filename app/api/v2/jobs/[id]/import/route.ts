import { apiRoute } from "@/lib/api/handler";
import { jobView } from "@/lib/jobs/jobs";
import { kickJobs } from "@/lib/jobs/runner";
import { importAfterDryRun } from "@/lib/jobs/users-import-job";

/** Delegate's "Import the N valid rows": a finished dry run's file, imported with its options (201, a new job). */
export const POST = apiRoute<{ id: string }>(async ({ actor, params }) => {
  const job = jobView(await importAfterDryRun(actor, params.id));
  void kickJobs();
  return Response.json(job, { status: 201, headers: { Location: `/api/v2/jobs/${job.id}` } });
});
