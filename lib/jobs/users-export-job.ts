import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { can, loadActor, requirePermission, type Actor } from "@/lib/auth/actor";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { DomainError, fieldError } from "@/lib/errors";
import type { Job, Prisma } from "@/lib/generated/prisma/client";
import type { UsersExportJobInput } from "@/lib/schemas/user-export";
import { exportColumns, exportUsers } from "@/lib/users/export-users";
import { userListConditions } from "@/lib/users/list-users";
import { DOWNLOAD_LINK_TTL_MS, downloadLink, verifyDownloadLink } from "./download-link";

export const USERS_EXPORT = "users_export";
export type JobStatus = "pending" | "processing" | "completed" | "failed";

/** A job as `GET /api/v2/jobs/{id}` answers it: Auth0's fields, `location` while the file can be downloaded. */
export interface JobView {
  id: string;
  type: string;
  status: JobStatus;
  created_at: string;
  connection_id?: string;
  format?: string;
  limit?: number;
  fields?: unknown;
  /** Rows written so far (all of them once completed). */
  rows_exported: number;
  location?: string;
  /** When `location` stops working. */
  location_expires_at?: string;
  /** Why a failed job failed. */
  error?: string;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const newJobId = () => `job_${Array.from(crypto.randomBytes(16), (byte) => ID_ALPHABET[byte % 62]).join("")}`;
const NOT_FOUND = "No job has this id, or it was created by another admin.";

export function jobView(job: Job, now = new Date()): JobView {
  const params = job.params as Partial<UsersExportJobInput>;
  const downloadable = job.status === "completed" && job.resultPath && job.expiresAt && job.expiresAt >= now;
  return {
    id: job.id,
    type: job.type,
    status: job.status as JobStatus,
    created_at: job.createdAt.toISOString(),
    ...(params.connection_id !== undefined && { connection_id: params.connection_id }),
    format: params.format,
    ...(params.limit !== undefined && { limit: params.limit }),
    ...(params.fields !== undefined && { fields: params.fields }),
    rows_exported: job.progress,
    ...(downloadable && { location: downloadLink(job.id, job.expiresAt!), location_expires_at: job.expiresAt!.toISOString() }),
    ...(job.error !== null && { error: job.error }),
  };
}

/**
 * `POST /api/v2/jobs/users-exports`: checks what can be checked at once (permission, fields, the query,
 * the connection), then queues the job; the server's job runner writes the file (lib/jobs/runner.ts).
 */
export async function createUsersExportJob(actor: Actor, input: UsersExportJobInput): Promise<JobView> {
  requirePermission(actor, "users:read");
  exportColumns(input.fields);
  userListConditions({ ...input, search: undefined });
  const prisma = await getPrisma();
  if (input.connection_id && !(await prisma.connection.findUnique({ where: { id: input.connection_id }, select: { id: true } }))) {
    throw fieldError("connection_id", `No connection has the id "${input.connection_id}".`);
  }
  const job = await prisma.job.create({
    data: { id: newJobId(), type: USERS_EXPORT, actorId: actor.id, params: JSON.parse(JSON.stringify(input)) as Prisma.InputJsonObject },
  });
  return jobView(job);
}

/** One job, for its creator or an Administrator; anyone else gets the same 404 as for a job that does not exist. */
export async function getJob(actor: Actor, id: string, now = new Date()): Promise<JobView> {
  const prisma = await getPrisma();
  const job = await prisma.job.findFirst({ where: can(actor, "config:manage") ? { id } : { id, actorId: actor.id } });
  if (!job) throw new DomainError("not_found", NOT_FOUND);
  return jobView(job, now);
}

export const exportsDir = () => path.join(getConfig().dataDir, "exports");

/**
 * Runs a claimed export as its admin, as they are now (a blocked admin or a removed role fails the job),
 * into a file in the data directory; `heartbeat` is called with the rows written after each batch.
 */
export async function runUsersExportJob(job: Pick<Job, "id" | "actorId" | "params">, heartbeat: (rows: number) => Promise<void>, now = () => new Date()) {
  const actor = await loadActor(job.actorId, "api");
  const input = job.params as unknown as UsersExportJobInput;
  const exported = await exportUsers(actor, { ...input, search: undefined }, { onProgress: heartbeat });
  const file = path.join(exportsDir(), `${job.id}.${input.format === "csv" ? "csv" : "ndjson"}`);
  await fs.promises.mkdir(exportsDir(), { recursive: true });
  await pipeline(Readable.from(exported.chunks), fs.createWriteStream(`${file}.part`));
  await fs.promises.rename(`${file}.part`, file);
  // Whole seconds: the link carries its expiry in seconds.
  return { file, expiresAt: new Date(Math.floor((now().getTime() + DOWNLOAD_LINK_TTL_MS) / 1000) * 1000) };
}

/** The file behind a signed link (403 for a forged or expired link, 404 once the file is gone). */
export async function jobDownload(jobId: string, params: URLSearchParams, now = new Date()) {
  verifyDownloadLink(jobId, params, now);
  const prisma = await getPrisma();
  const job = await prisma.job.findUnique({ where: { id: jobId } });
  if (!job || job.status !== "completed" || !job.resultPath || !fs.existsSync(job.resultPath)) {
    throw new DomainError("not_found", "This export's file is no longer kept. Create a new export job.");
  }
  const csv = job.resultPath.endsWith(".csv");
  return {
    stream: Readable.toWeb(fs.createReadStream(job.resultPath)) as ReadableStream<Uint8Array>,
    contentType: csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    filename: path.basename(job.resultPath),
  };
}
