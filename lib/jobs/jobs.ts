import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Job } from "@/lib/generated/prisma/client";
import { downloadLink, verifyDownloadLink } from "./download-link";
import { findOwnJob } from "./own-job";
import type { JobStatus } from "./queue";
import { jobHandler } from "./registry";

/** What every job answers on `GET /api/v2/jobs/{id}`, beside the fields its type adds. */
export interface JobViewBase {
  id: string;
  type: string;
  status: JobStatus;
  created_at: string;
  /** A link to the job's result file while it can be downloaded. */
  location?: string;
  /** When `location` stops working. */
  location_expires_at?: string;
  /** Why a failed job failed. */
  error?: string;
}

/** A job as the API answers it: the common fields, then its type's own. */
export function jobView(job: Job, now = new Date()): JobViewBase & Record<string, unknown> {
  const downloadable = job.status === "completed" && job.resultPath && job.expiresAt && job.expiresAt >= now;
  return {
    id: job.id,
    type: job.type,
    status: job.status as JobStatus,
    created_at: job.createdAt.toISOString(),
    ...jobHandler(job.type)?.view(job),
    ...(downloadable && { location: downloadLink(job.id, job.expiresAt!), location_expires_at: job.expiresAt!.toISOString() }),
    ...(job.error !== null && { error: job.error }),
  };
}


export async function getJob(actor: Actor, id: string, now = new Date()) {
  const job = await findOwnJob(actor, id);
  return { ...jobView(job, now), ...(await jobHandler(job.type)?.details?.(job)) };
}

/**
 * Cancels a pending or running job (its creator or an Administrator). A running job stops at its next
 * heartbeat (within a second); what it had done stays done, and its results so far stay readable.
 */
export async function cancelJob(actor: Actor, id: string, now = new Date()) {
  const job = await findOwnJob(actor, id);
  const prisma = await getPrisma();
  const { count } = await prisma.job.updateMany({
    where: { id: job.id, status: { in: ["pending", "processing"] } },
    data: { status: "cancelled", completedAt: now, updatedAt: now },
  });
  const current = await prisma.job.findUniqueOrThrow({ where: { id: job.id } });
  if (count === 0) throw new DomainError("conflict", `This job is already ${current.status}: only a pending or running job can be cancelled.`);
  return jobView(current, now);
}

const CONTENT_TYPES: Record<string, string> = {
  ".csv": "text/csv; charset=utf-8",
  ".ndjson": "application/x-ndjson; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/** The file behind a signed link (403 for a forged or expired link, 404 once the file is gone). */
export async function jobDownload(jobId: string, params: URLSearchParams, now = new Date()) {
  verifyDownloadLink(jobId, params, now);
  const prisma = await getPrisma();
  const job = await prisma.job.findUnique({ where: { id: jobId } });
  if (!job || job.status !== "completed" || !job.resultPath || !fs.existsSync(job.resultPath)) {
    throw new DomainError("not_found", "This job's file is no longer kept (download links last an hour). Create the job again.");
  }
  return {
    stream: Readable.toWeb(fs.createReadStream(job.resultPath)) as ReadableStream<Uint8Array>,
    contentType: CONTENT_TYPES[path.extname(job.resultPath)] ?? "application/octet-stream",
    filename: path.basename(job.resultPath),
  };
}
