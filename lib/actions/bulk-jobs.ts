"use server";

import { z } from "zod";
import { cancelJob, getJob } from "@/lib/jobs/jobs";
import { listJobResults } from "@/lib/jobs/job-results";
import { kickJobs } from "@/lib/jobs/runner";
import { createUsersBulkJob } from "@/lib/jobs/users-bulk-job";
import { jobResultsQuerySchema, usersBulkJobSchema } from "@/lib/schemas/user-bulk";
import { adminAction } from "./safe-action";

/* The users list's bulk bar: a bulk action runs as a job (lib/jobs/users-bulk-job.ts), followed until it ends. */

const jobIdSchema = z.object({ id: z.string({ error: "Say which job." }).min(1, "Say which job.").max(40) });

export const startUsersBulkJobAction = adminAction(usersBulkJobSchema, async (actor, input) => {
  const job = await getJob(actor, (await createUsersBulkJob(actor, input)).id);
  void kickJobs();
  return job;
});

export const readJobAction = adminAction(jobIdSchema, (actor, { id }) => getJob(actor, id));

export const cancelJobAction = adminAction(jobIdSchema, (actor, { id }) => cancelJob(actor, id));

export const jobResultsAction = adminAction(jobIdSchema.extend({ query: jobResultsQuerySchema }), (actor, { id, query }) =>
  listJobResults(actor, id, query),
);
