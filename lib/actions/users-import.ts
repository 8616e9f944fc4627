"use server";

import { z } from "zod";
import { getJob } from "@/lib/jobs/jobs";
import { kickJobs } from "@/lib/jobs/runner";
import { createImportJobFromUpload, importAfterDryRun } from "@/lib/jobs/users-import-job";
import { consoleImportSchema } from "@/lib/schemas/user-import";
import { adminAction } from "./safe-action";

/* The import page (components/users/import-users.tsx): a staged upload becomes a job, followed with readJobAction. */

export const startImportAction = adminAction(consoleImportSchema, async (actor, input) => {
  const job = await getJob(actor, (await createImportJobFromUpload(actor, input)).id);
  void kickJobs();
  return job;
});

export const importAfterDryRunAction = adminAction(z.object({ id: z.string({ error: "Say which dry run." }).min(1).max(40) }), async (actor, { id }) => {
  const job = await getJob(actor, (await importAfterDryRun(actor, id)).id);
  void kickJobs();
  return job;
});
