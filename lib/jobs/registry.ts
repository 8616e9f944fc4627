import type { Job } from "@/lib/generated/prisma/client";
import { usersBulkJob } from "./users-bulk-job";
import { usersExportJob } from "./users-export-job";
import { usersImportJob } from "./users-import-job";

/** What a job's run hands back to the runner, which stores it on the job row as `completed`. */
export interface JobOutcome {
  /** Rows done, shown as the job's progress. */
  progress: number;
  summary?: Record<string, unknown>;
  /** A result file in `jobFilesDir()`, downloadable through a signed link until `expiresAt`. */
  resultPath?: string;
  expiresAt?: Date;
}

export interface JobRun {
  job: Pick<Job, "id" | "actorId" | "params" | "progress" | "summary">;
  /** Reports rows done after a batch; the runner stores it at most once a second as the heartbeat. */
  heartbeat(progress: number, summary?: Record<string, unknown>): Promise<void>;
  now(): Date;
}

/**
 * One kind of background job. `run` may be called again for a job a stopped process had claimed: it is handed
 * the last stored `progress` and `summary` and must either resume from them or start over.
 * A `DomainError` thrown by `run` fails the job with its message; anything else with a generic one.
 */
export interface JobHandler {
  type: string;
  run(run: JobRun): Promise<JobOutcome>;
  /** The type's own fields in `GET /api/v2/jobs/{id}`. */
  view(job: Job): Record<string, unknown>;
  /** Fields read from elsewhere (an import's dry-run rows), added to `GET /api/v2/jobs/{id}` only. */
  details?(job: Job): Promise<Record<string, unknown>>;
}

const HANDLERS: readonly JobHandler[] = [usersExportJob, usersBulkJob, usersImportJob];

export function jobHandler(type: string): JobHandler | undefined {
  return HANDLERS.find((handler) => handler.type === type);
}
