import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadActor, requirePermission, type Actor } from "@/lib/auth/actor";
import { csvField } from "@/lib/audit/export-audit";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { DomainError, fieldError } from "@/lib/errors";
import { Prisma, type Job } from "@/lib/generated/prisma/client";
import { IMPORT_MAX_BYTES, type ImportMapping, type UsersImportJobInput } from "@/lib/schemas/user-import";
import { importRecord, rowRecordStatement, type RowOutcome } from "@/lib/users/import/import-row";
import { checkMapping, inspectImportFile, proposedMapping, readImportRecords, type ImportFormat } from "@/lib/users/import/read-file";
import { DOWNLOAD_LINK_TTL_MS } from "./download-link";
import { findOwnJob } from "./own-job";
import { jobFilesDir, queueJob } from "./queue";
import type { JobHandler, JobRun } from "./registry";

export const USERS_IMPORT = "users_import";

/** Uploaded files, kept until their job has run (a dry run's until the import that follows it). */
export const importsDir = () => path.join(getConfig().dataDir, "imports");

interface ImportParams {
  file: string;
  format: ImportFormat;
  connection_id: string;
  connection: string;
  upsert: boolean;
  upsert_by: "email" | "user_id";
  dry_run: boolean;
  mapping: ImportMapping;
  channel: string;
  external_id?: string;
  /** The dry run this import follows ("Import the N valid rows"). */
  dry_run_job?: string;
}

export interface ImportSummary {
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  total: number;
  /** When the current run started, and the rows done then: the rate and time left of the progress bar. */
  run_started_at?: string;
  run_started_progress?: number;
}

const SUMMARY_KEY: Record<RowOutcome, keyof ImportSummary> = {
  create: "inserted",
  created: "inserted",
  update: "updated",
  updated: "updated",
  unchanged: "unchanged",
  refused: "failed",
};

async function queueImport(actor: Actor, params: ImportParams, total: number): Promise<Job> {
  const job = await queueJob(actor, USERS_IMPORT, params);
  const summary: ImportSummary = { inserted: 0, updated: 0, unchanged: 0, failed: 0, total };
  const prisma = await getPrisma();
  return prisma.job.update({ where: { id: job.id }, data: { summary: summary as unknown as Prisma.InputJsonObject } });
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An upload is its admin's: the file's name carries their id, so another admin's upload id finds nothing. */
const uploadPath = (actor: Actor, uploadId: string) => path.join(importsDir(), `${actor.id}.${uploadId}.upload`);

const SECRET_FIELDS = new Set(["password", "password_hash", "custom_password_hash"]);
/** How long an upload no job is running is kept: a mapping screen left open, a dry run not followed by its import. */
const UPLOAD_KEPT_MS = 24 * 60 * 60 * 1000;

/** Removes uploads older than a day that no pending or running job reads. */
export async function removeOldUploads(now = Date.now()): Promise<number> {
  const prisma = await getPrisma();
  const running = await prisma.job.findMany({ where: { type: USERS_IMPORT, status: { in: ["pending", "processing"] } }, select: { params: true } });
  const inUse = new Set(running.map((job) => (job.params as unknown as ImportParams).file));
  const names = await fs.promises.readdir(importsDir()).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const file = path.join(importsDir(), name);
    const stat = await fs.promises.stat(file).catch(() => null);
    if (!stat || inUse.has(file) || now - stat.mtimeMs < UPLOAD_KEPT_MS) continue;
    await fs.promises.rm(file, { force: true });
    removed++;
  }
  return removed;
}

/**
 * Keeps an uploaded file in the data directory after reading it once (a file that cannot be read is refused
 * and not kept): the console's first step, and the API's before it queues the job. The sample's passwords and
 * hashes (by the proposed mapping) are masked.
 */
export async function stageImportUpload(actor: Actor, upload: Blob) {
  requirePermission(actor, "users:write");
  await removeOldUploads();
  if (upload.size > IMPORT_MAX_BYTES) {
    throw new DomainError("too_large", `The file has ${upload.size.toLocaleString("en")} bytes; an import takes at most 50 MB. Split it into several files.`);
  }
  await fs.promises.mkdir(importsDir(), { recursive: true });
  const uploadId = crypto.randomUUID();
  const file = uploadPath(actor, uploadId);
  await fs.promises.writeFile(file, Buffer.from(await upload.arrayBuffer()));
  try {
    const inspected = await inspectImportFile(file);
    const mapping = proposedMapping(inspected.columns);
    const sample = inspected.sample.map((record) =>
      Object.fromEntries(Object.entries(record).map(([column, value]) => [column, SECRET_FIELDS.has(mapping[column] ?? "") ? "•••" : value])),
    );
    return { upload_id: uploadId, format: inspected.format, columns: inspected.columns, sample, total: inspected.total, mapping };
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    throw error;
  }
}
export type StagedImport = Awaited<ReturnType<typeof stageImportUpload>>;

/** Queues the import of a staged upload with its options (the console's mapping screen, and the API). */
export async function createImportJobFromUpload(actor: Actor, input: UsersImportJobInput & { upload_id: string }): Promise<Job> {
  requirePermission(actor, "users:write");
  const file = uploadPath(actor, input.upload_id);
  if (!UPLOAD_ID.test(input.upload_id) || !fs.existsSync(file)) {
    throw new DomainError("not_found", "This upload is no longer kept, or is another admin's. Upload the file again.");
  }
  const prisma = await getPrisma();
  const connection = await prisma.connection.findUnique({ where: { id: input.connection_id }, select: { id: true, name: true } });
  if (!connection) throw fieldError("connection_id", `No connection has the id "${input.connection_id}".`);
  const inspected = await inspectImportFile(file);
  const mapping = input.mapping ?? proposedMapping(inspected.columns);
  checkMapping(mapping, inspected.columns);
  const params: ImportParams = {
    file,
    format: inspected.format,
    connection_id: connection.id,
    connection: connection.name,
    upsert: input.upsert,
    upsert_by: input.upsert_by,
    dry_run: input.dry_run,
    mapping,
    channel: actor.channel,
    ...(input.external_id !== undefined && { external_id: input.external_id }),
  };
  return queueImport(actor, params, inspected.total);
}

/**
 * `POST /api/v2/jobs/users-imports`: checks what can be checked at once (permission, that the file can be
 * read, the connection, the mapping), keeps the file in the data directory and queues the job.
 */
export async function createUsersImportJob(actor: Actor, input: UsersImportJobInput, upload: Blob): Promise<Job> {
  const staged = await stageImportUpload(actor, upload);
  try {
    return await createImportJobFromUpload(actor, { ...input, upload_id: staged.upload_id });
  } catch (error) {
    await fs.promises.rm(uploadPath(actor, staged.upload_id), { force: true });
    throw error;
  }
}

/** "Import the N valid rows": the file of a finished dry run, imported with its options. */
export async function importAfterDryRun(actor: Actor, dryRunId: string): Promise<Job> {
  requirePermission(actor, "users:write");
  const dryRun = await findOwnJob(actor, dryRunId);
  const params = dryRun.params as unknown as ImportParams;
  if (dryRun.type !== USERS_IMPORT || !params.dry_run) throw new DomainError("validation", "This job is not the dry run of an import.");
  if (dryRun.status !== "completed") throw new DomainError("conflict", "The dry run has not finished: wait for it, then import.");
  if (!fs.existsSync(params.file)) throw new DomainError("not_found", "The dry run's file is no longer kept. Upload the file again.");
  const file = uploadPath(actor, crypto.randomUUID());
  await fs.promises.copyFile(params.file, file);
  const summary = dryRun.summary as unknown as ImportSummary;
  return queueImport(actor, { ...params, file, dry_run: false, channel: actor.channel, dry_run_job: dryRun.id }, summary.total);
}

async function countsOf(jobId: string, total: number): Promise<ImportSummary> {
  const prisma = await getPrisma();
  const groups = await prisma.jobRow.groupBy({ by: ["outcome"], where: { jobId }, _count: { _all: true } });
  const summary: ImportSummary = { inserted: 0, updated: 0, unchanged: 0, failed: 0, total };
  for (const group of groups) (summary[SUMMARY_KEY[group.outcome as RowOutcome]] as number) += group._count._all;
  return summary;
}

const RESULT_COLUMNS = ["row", "email", "outcome", "user_id", "code", "field", "message", "changes"];

/** Every row and its outcome, as CSV, from the rows recorded (in order, 2,000 at a time). */
async function writeResultFile(jobId: string): Promise<string> {
  const prisma = await getPrisma();
  await fs.promises.mkdir(jobFilesDir(), { recursive: true });
  const file = path.join(jobFilesDir(), `${jobId}-result.csv`);
  const out = fs.createWriteStream(`${file}.part`);
  out.write(`${RESULT_COLUMNS.join(",")}\r\n`);
  for (let after = -1; ; ) {
    const rows = await prisma.jobRow.findMany({ where: { jobId, rowIndex: { gt: after } }, orderBy: { rowIndex: "asc" }, take: 2_000 });
    if (rows.length === 0) break;
    for (const row of rows) {
      const changes = row.outcome === "refused" || row.details === null ? "" : JSON.stringify(row.details);
      const cells = [String(row.rowIndex + 1), row.email ?? "", row.outcome, row.userId ?? "", row.code ?? "", row.field ?? "", row.message ?? "", changes];
      if (!out.write(`${cells.map(csvField).join(",")}\r\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    after = rows[rows.length - 1].rowIndex;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  await fs.promises.rename(`${file}.part`, file);
  return file;
}

/** Rows imported at a time: a row's argon2id hashing, hooks and statement overlap the others'. */
export const IMPORT_ROW_CONCURRENCY = 8;

export interface ImportRunOptions {
  /** A test seam: called after each row is recorded (a test stops a run there, as a stopped process would). */
  afterRow?: (rowsDone: number) => Promise<void>;
  concurrency?: number;
}

/** Rows for the same user wait for each other (an upsert of a user created a row earlier sees it). */
function rowKey(record: Record<string, unknown>, mapping: ImportMapping, index: number): string {
  for (const [column, field] of Object.entries(mapping)) {
    if (field === "email" && typeof record[column] === "string") return (record[column] as string).trim().toLowerCase();
  }
  return `#${index}`;
}

/**
 * Runs an import (or its dry run): every row not yet recorded, a few at a time, each in its own transaction
 * with its record, so that a resumed run skips exactly the rows done. The heartbeat before each row throws
 * once the job is cancelled (lib/jobs/runner.ts): no row starts after it, the rows under way end, the run stops.
 */
export async function runUsersImport({ job, heartbeat, now }: JobRun, options: ImportRunOptions = {}) {
  const params = job.params as unknown as ImportParams;
  const actor = await loadActor(job.actorId, params.channel === "console" ? "console" : "api");
  const prisma = await getPrisma();
  const total = (job.summary as unknown as ImportSummary | null)?.total ?? 0;
  const recorded = new Set((await prisma.jobRow.findMany({ where: { jobId: job.id }, select: { rowIndex: true } })).map((row) => row.rowIndex));
  const summary: ImportSummary = { ...(await countsOf(job.id, total)), run_started_at: now().toISOString(), run_started_progress: recorded.size };
  const context = {
    actor,
    jobId: job.id,
    dryRun: params.dry_run,
    connection: { id: params.connection_id, name: params.connection },
    upsertBy: params.upsert ? params.upsert_by : null,
    mapping: params.mapping,
  };
  const concurrency = options.concurrency ?? IMPORT_ROW_CONCURRENCY;
  const inFlight = new Set<Promise<void>>();
  const byKey = new Map<string, Promise<void>>();
  let failure: { error: unknown } | null = null;
  let done = recorded.size;
  let index = -1;
  for await (const record of readImportRecords(params.file, params.format)) {
    index++;
    if (recorded.has(index)) continue;
    while (inFlight.size >= concurrency && !failure) await Promise.race(inFlight);
    if (failure) break;
    try {
      await heartbeat(done, { ...summary });
    } catch (error) {
      failure = { error };
      break;
    }
    const rowIndex = index;
    const key = rowKey(record, params.mapping, rowIndex);
    const previous = byKey.get(key);
    const task: Promise<void> = (async () => {
      if (previous) await previous;
      const result = await importRecord(context, rowIndex, record);
      if (!result.written) await prisma.$executeRaw(Prisma.sql`${rowRecordStatement(job.id, rowIndex, result)} ON CONFLICT DO NOTHING`);
      (summary[SUMMARY_KEY[result.outcome]] as number)++;
      done++;
      await options.afterRow?.(done);
    })()
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        inFlight.delete(task);
        if (byKey.get(key) === task) byKey.delete(key);
      });
    inFlight.add(task);
    byKey.set(key, task);
  }
  await Promise.all(inFlight);
  if (failure) throw (failure as { error: unknown }).error;
  const resultPath = await writeResultFile(job.id);
  if (!params.dry_run) await fs.promises.rm(params.file, { force: true });
  // Whole seconds: the link carries its expiry in seconds.
  const expiresAt = new Date(Math.floor((now().getTime() + DOWNLOAD_LINK_TTL_MS) / 1000) * 1000);
  return { progress: done, summary: { ...summary }, resultPath, expiresAt };
}

const MAX_ROWS_IN_VIEW = 1_000;

export const usersImportJob: JobHandler = {
  type: USERS_IMPORT,
  run: (run) => runUsersImport(run),
  view(job) {
    const params = job.params as unknown as Partial<ImportParams>;
    const { run_started_at, run_started_progress, ...summary } = (job.summary ?? {}) as unknown as ImportSummary;
    const seconds = run_started_at ? ((job.completedAt ?? job.updatedAt).getTime() - Date.parse(run_started_at)) / 1000 : 0;
    const rate = seconds > 0 ? (job.progress - (run_started_progress ?? 0)) / seconds : 0;
    return {
      connection_id: params.connection_id,
      connection: params.connection,
      upsert: params.upsert,
      upsert_by: params.upsert_by,
      dry_run: params.dry_run,
      ...(params.external_id !== undefined && { external_id: params.external_id }),
      ...(params.dry_run_job !== undefined && { dry_run_job: params.dry_run_job }),
      mapping: params.mapping,
      rows_done: job.progress,
      summary,
      ...(job.status === "processing" && rate > 0 && { rows_per_second: Math.round(rate * 10) / 10, seconds_left: Math.ceil((summary.total - job.progress) / rate) }),
    };
  },
  async details(job) {
    const params = job.params as unknown as Partial<ImportParams>;
    if (!params.dry_run) return {};
    const prisma = await getPrisma();
    const rows = await prisma.jobRow.findMany({ where: { jobId: job.id }, orderBy: { rowIndex: "asc" }, take: MAX_ROWS_IN_VIEW + 1 });
    return {
      rows: rows.slice(0, MAX_ROWS_IN_VIEW).map((row) => ({
        row: row.rowIndex + 1,
        outcome: row.outcome,
        ...(row.email !== null && { email: row.email }),
        ...(row.userId !== null && { user_id: row.userId }),
        ...(row.code !== null && { code: row.code }),
        ...(row.message !== null && { message: row.message }),
        ...(row.field !== null && { field: row.field }),
        ...(row.outcome === "update" && row.details !== null && { changes: row.details }),
      })),
      ...(rows.length > MAX_ROWS_IN_VIEW && { rows_truncated: true }),
    };
  },
};

/** `GET /api/v2/jobs/{id}/errors`: the refused rows as Auth0 lists them, `{ user, errors: [{ code, message, path }] }`. */
export async function importErrors(actor: Actor, jobId: string) {
  const job = await findOwnJob(actor, jobId);
  if (job.type !== USERS_IMPORT) throw new DomainError("validation", "Only import jobs have errors to list.");
  const prisma = await getPrisma();
  const rows = await prisma.jobRow.findMany({ where: { jobId, outcome: "refused" }, orderBy: { rowIndex: "asc" }, take: 10_000 });
  return rows.map((row) => ({
    user: row.details ?? { email: row.email },
    row: row.rowIndex + 1,
    errors: [{ code: row.code ?? "INVALID_FORMAT", message: row.message ?? "", ...(row.field !== null && { path: row.field }) }],
  }));
}
