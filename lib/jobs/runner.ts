import fs from "node:fs";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { jobHandler } from "./registry";

/*
 * Jobs run inside the server process, one at a time, oldest first. A job is claimed with
 * `FOR UPDATE SKIP LOCKED`, so several processes on one PostgreSQL server never run the same job. A running
 * job raises `updated_at` after every batch (at most once a second); a job still `processing` without a
 * heartbeat for a minute belongs to a process that stopped, and is claimed again. At start and every 30 s
 * the runner looks for work, so a restart loses no job, and removes files whose download link has expired.
 */

const STALE_SECONDS = 60;
const TICK_MS = 30_000;
const HEARTBEAT_MS = 1_000;
const UNEXPECTED = "The job failed on the server. If it persists, check the server log.";

/** Thrown by a heartbeat when the job is no longer this runner's to finish (it was cancelled): the run stops, the row stays as it is. */
export class JobStopped extends Error {
  constructor(readonly jobId: string) {
    super(`Job ${jobId} is no longer processing.`);
  }
}

interface RunnerState {
  active: Promise<void> | null;
  again: boolean;
  timer?: NodeJS.Timeout;
}
const store = globalThis as unknown as { delegateJobRunner?: RunnerState };
const state = (): RunnerState => (store.delegateJobRunner ??= { active: null, again: false });

interface ClaimedJob {
  id: string;
  type: string;
  actorId: string;
  params: Prisma.JsonValue;
  progress: number;
  summary: Prisma.JsonValue;
}

async function claimNextJob(): Promise<ClaimedJob | null> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<ClaimedJob[]>`
    UPDATE jobs SET status = 'processing', updated_at = now()
    WHERE id = (
      SELECT id FROM jobs
      WHERE status = 'pending' OR (status = 'processing' AND updated_at < now() - make_interval(secs => ${STALE_SECONDS}))
      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, type, actor_id::text AS "actorId", params, progress, summary`;
  return rows[0] ?? null;
}

/** Runs the oldest waiting job, if any; false when there was none. */
export async function runNextJob(now = () => new Date()): Promise<boolean> {
  const job = await claimNextJob();
  if (!job) return false;
  const prisma = await getPrisma();
  let beat = 0;
  // Only a row still `processing` is written: a cancelled job keeps its status, and its run stops at the next heartbeat.
  const stillProcessing = { id: job.id, status: "processing" };
  const heartbeat = async (progress: number, summary?: Record<string, unknown>) => {
    if (Date.now() - beat < HEARTBEAT_MS) return;
    beat = Date.now();
    const { count } = await prisma.job.updateMany({
      where: stillProcessing,
      data: { progress, ...(summary && { summary: summary as Prisma.InputJsonObject }), updatedAt: new Date() },
    });
    if (count === 0) {
      // Cancelled: its counts as they are now, so that the job says what it did before it stopped.
      await prisma.job.updateMany({ where: { id: job.id, status: "cancelled" }, data: { progress, ...(summary && { summary: summary as Prisma.InputJsonObject }) } });
      throw new JobStopped(job.id);
    }
  };
  try {
    const handler = jobHandler(job.type);
    if (!handler) throw new DomainError("validation", `Unknown job type "${job.type}".`);
    const outcome = await handler.run({ job, heartbeat, now });
    await prisma.job.updateMany({
      where: stillProcessing,
      data: {
        status: "completed",
        progress: outcome.progress,
        ...(outcome.summary && { summary: outcome.summary as Prisma.InputJsonObject }),
        resultPath: outcome.resultPath,
        expiresAt: outcome.expiresAt,
        completedAt: now(),
        updatedAt: new Date(),
      },
    });
  } catch (error) {
    if (error instanceof JobStopped) return true;
    if (!(error instanceof DomainError)) console.error(`Job ${job.id} failed:`, error);
    await prisma.job.updateMany({
      where: stillProcessing,
      data: { status: "failed", error: error instanceof DomainError ? error.message : UNEXPECTED, completedAt: now(), updatedAt: new Date() },
    });
  }
  return true;
}

/** Runs every waiting job in the background; resolves when none is left (tests await it). */
export function kickJobs(): Promise<void> {
  const runner = state();
  if (runner.active) {
    runner.again = true;
    return runner.active;
  }
  runner.active = (async () => {
    do {
      runner.again = false;
      try {
        while (await runNextJob()) {
          // one job after the other
        }
      } catch (error) {
        console.error("The job runner could not claim a job:", error);
      }
    } while (runner.again);
  })().finally(() => {
    runner.active = null;
  });
  return runner.active;
}

/** Deletes the result files of jobs whose download link has expired. */
export async function removeExpiredFiles(now = new Date()): Promise<number> {
  const prisma = await getPrisma();
  const expired = await prisma.job.findMany({ where: { resultPath: { not: null }, expiresAt: { lt: now } }, select: { id: true, resultPath: true } });
  for (const job of expired) {
    await fs.promises.rm(job.resultPath!, { force: true });
    await prisma.job.update({ where: { id: job.id }, data: { resultPath: null } });
  }
  return expired.length;
}

/** Started with the server (instrumentation.ts): waiting jobs now, then a look every 30 s. */
export function startJobRunner(): void {
  const runner = state();
  if (runner.timer) return;
  const tick = () => {
    void kickJobs();
    removeExpiredFiles().catch((error: unknown) => console.error("Could not remove expired export files:", error));
  };
  runner.timer = setInterval(tick, TICK_MS);
  runner.timer.unref();
  tick();
}
