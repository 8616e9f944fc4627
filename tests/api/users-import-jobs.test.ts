import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as cancelRoute from "@/app/api/v2/jobs/[id]/cancel/route";
import * as errorsRoute from "@/app/api/v2/jobs/[id]/errors/route";
import * as importRoute from "@/app/api/v2/jobs/[id]/import/route";
import * as jobRoute from "@/app/api/v2/jobs/[id]/route";
import * as importsRoute from "@/app/api/v2/jobs/users-imports/route";
import { openApiDocument } from "@/lib/api/openapi";
import type { Actor } from "@/lib/auth/actor";
import { JobStopped, kickJobs, runNextJob } from "@/lib/jobs/runner";
import { jobDownload } from "@/lib/jobs/jobs";
import { createImportJobFromUpload, createUsersImportJob, runUsersImport, stageImportUpload } from "@/lib/jobs/users-import-job";
import { usersImportJobSchema } from "@/lib/schemas/user-import";
import { clearAllMemos } from "@/lib/cache/memo";
import { DEMO_HOOKS } from "@/lib/hooks/demo-hooks";
import type { HookKind } from "@/lib/hooks/kinds";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, tokenFor, type ApiResponse } from "./api-client";

/*
 * Issue 14: Auth0's bulk import as a job. Every row is a console create or update (the demo hooks run: the
 * Write Hook's refusal is the row's message), a dry run writes nothing, a resumed job neither repeats nor
 * skips a row, a cancelled job stops.
 */

process.env.DELEGATE_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "delegate-imports-"));
process.env.NEXTAUTH_SECRET = "users-import-jobs-test-secret-0123456789abcdef";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
const tokens = {} as Record<"kelly" | "ian" | "aud", string>;
let connectionId: string;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  connectionId = (await db().prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } })).id;
  for (const name of ["kelly", "ian", "aud"] as const) tokens[name] = await tokenFor(admins[name], admins.ian);
  for (const [kind, code] of Object.entries(DEMO_HOOKS)) await saveHook(admins.ian, { kind: kind as HookKind, code, enabled: true, timeoutMs: 1_000 });
  clearAllMemos();
});

/** POSTs a multipart import as a client would: the file in `users`, the options as text fields. */
async function postImport(token: string, file: { name: string; text: string }, fields: Record<string, string> = {}): Promise<ApiResponse> {
  const form = new FormData();
  form.set("users", new File([file.text], file.name));
  form.set("connection_id", connectionId);
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const request = new Request("http://localhost/api/v2/jobs/users-imports", { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  const response = await importsRoute.POST(request, { params: Promise.resolve({}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

const readJob = (token: string, id: string) => call(jobRoute.GET, "GET", { token, id });
const countUsers = (emailSuffix: string) => db().prisma.user.count({ where: { email: { endsWith: emailSuffix } } });

describe("POST /api/v2/jobs/users-imports", () => {
  it("imports a CSV with a BOM and ; separators through the Write Hook, memberships split on ;", async () => {
    const csv = "\uFEFFemail;password;given_name;memberships\r\nann@bom.test;Imported-pass-1!;Ann;Finance\r\nbob@bom.test;Imported-pass-1!;Bob;\"HR;Sales\"\r\n";
    const created = await postImport(tokens.ian, { name: "users.csv", text: csv });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "users_import", status: "pending", connection_id: connectionId, upsert: false, dry_run: false, rows_done: 0 });
    expect(created.body.summary).toEqual({ inserted: 0, updated: 0, unchanged: 0, failed: 0, total: 2 });
    expect(created.body.mapping).toEqual({ email: "email", password: "password", given_name: "given_name", memberships: "memberships" });
    await kickJobs();
    const done = await readJob(tokens.ian, created.body.id);
    expect(done.body).toMatchObject({ status: "completed", rows_done: 2, summary: { inserted: 2, updated: 0, unchanged: 0, failed: 0, total: 2 } });
    const bob = await db().prisma.user.findFirstOrThrow({ where: { email: "bob@bom.test" } });
    // The seed's Write Hook keeps the first membership as the department (and drops given_name).
    expect(bob.appMetadata).toEqual({ department: "HR" });
    expect(bob.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "user.create", targetEmail: "bob@bom.test" } });
    expect(audit.details).toMatchObject({ import_job: created.body.id, import_row: 2, connection: DEMO_CONNECTION, memberships: ["HR", "Sales"] });
    expect(await db().prisma.event.count({ where: { type: "user.create.complete", payload: { path: ["event", "user", "email"], equals: "bob@bom.test" } } })).toBe(1);
  });

  it("dry-runs first: outcomes per row with the Write Hook's refusal and an update's diff, nothing written; then imports the valid rows", async () => {
    const ndjson = [
      { email: "fin.new@dry.test", password: "Imported-pass-1!", memberships: ["Finance"] },
      { email: "nodept@dry.test", password: "Imported-pass-1!" },
      { email: "kelly@example.com", user_metadata: { desk: "B2" } },
      { email: "kelly@example.com", user_metadata: {} },
      { email: "not-an-email", password: "Imported-pass-1!" },
    ]
      .map((row) => JSON.stringify(row))
      .join("\n");
    const auditBefore = await db().prisma.auditLog.count();
    const created = await postImport(tokens.ian, { name: "users.ndjson", text: ndjson }, { dry_run: "true", upsert: "true" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ dry_run: true, upsert: true, upsert_by: "email" });
    await kickJobs();
    const dry = await readJob(tokens.ian, created.body.id);
    expect(dry.body.status).toBe("completed");
    expect(dry.body.summary).toEqual({ inserted: 1, updated: 1, unchanged: 1, failed: 2, total: 5 });
    expect(dry.body.rows).toEqual([
      { row: 1, outcome: "create", email: "fin.new@dry.test" },
      { row: 2, outcome: "refused", email: "nodept@dry.test", code: "HOOK_REFUSED", message: "The user must be created within a department." },
      { row: 3, outcome: "update", email: "kelly@example.com", user_id: admins.kelly.id, changes: [{ field: "user_metadata.desk", to: "B2" }] },
      { row: 4, outcome: "unchanged", email: "kelly@example.com", user_id: admins.kelly.id },
      { row: 5, outcome: "refused", email: "not-an-email", code: "INVALID_FORMAT", field: "email", message: "email: Enter a valid email address, like name@example.com." },
    ]);
    expect(await countUsers("@dry.test")).toBe(0);
    expect(await db().prisma.auditLog.count()).toBe(auditBefore);
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: admins.kelly.id } })).userMetadata).toEqual({});

    const errors = await call(errorsRoute.GET, "GET", { token: tokens.ian, id: created.body.id });
    expect(errors.status).toBe(200);
    expect(errors.body).toEqual([
      { user: { email: "nodept@dry.test" }, row: 2, errors: [{ code: "HOOK_REFUSED", message: "The user must be created within a department." }] },
      { user: { email: "not-an-email" }, row: 5, errors: [{ code: "INVALID_FORMAT", message: "email: Enter a valid email address, like name@example.com.", path: "email" }] },
    ]);

    const real = await call(importRoute.POST, "POST", { token: tokens.ian, id: created.body.id });
    expect(real.status).toBe(201);
    expect(real.body).toMatchObject({ type: "users_import", status: "pending", dry_run: false, dry_run_job: created.body.id });
    await kickJobs();
    const imported = await readJob(tokens.ian, real.body.id);
    expect(imported.body).toMatchObject({ status: "completed", summary: { inserted: 1, updated: 1, unchanged: 1, failed: 2, total: 5 } });
    expect(imported.body.rows).toBeUndefined();
    const documented = openApiDocument().components.schemas.UsersImportJob.properties;
    for (const key of [...Object.keys(created.body), ...Object.keys(dry.body), ...Object.keys(imported.body)]) expect(documented, key).toHaveProperty(key);
    expect(await countUsers("@dry.test")).toBe(1);
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: admins.kelly.id } })).userMetadata).toEqual({ desk: "B2" });
    const file = await jobDownload(real.body.id, new URL(imported.body.location).searchParams);
    const text = await new Response(file.stream).text();
    const fin = await db().prisma.user.findFirstOrThrow({ where: { email: "fin.new@dry.test" } });
    expect(text).toBe(
      "row,email,outcome,user_id,code,field,message,changes\r\n" +
        `1,fin.new@dry.test,created,${fin.id},,,,\r\n` +
        "2,nodept@dry.test,refused,,HOOK_REFUSED,,The user must be created within a department.,\r\n" +
        `3,kelly@example.com,updated,${admins.kelly.id},,,,"[{""to"":""B2"",""field"":""user_metadata.desk""}]"\r\n` +
        `4,kelly@example.com,unchanged,${admins.kelly.id},,,,\r\n` +
        '5,not-an-email,refused,,INVALID_FORMAT,email,"email: Enter a valid email address, like name@example.com.",\r\n',
    );
    await db().prisma.user.update({ where: { id: admins.kelly.id }, data: { userMetadata: {} } });
  });

  it("lets a department admin import only what she could create by hand", async () => {
    const csv = "email,password,memberships\r\nfin.ok@dept.test,Imported-pass-1!,Finance\r\nsales.no@dept.test,Imported-pass-1!,Sales\r\n";
    const created = await postImport(tokens.kelly, { name: "d.csv", text: csv });
    await kickJobs();
    const done = await readJob(tokens.kelly, created.body.id);
    expect(done.body.summary).toEqual({ inserted: 1, updated: 0, unchanged: 0, failed: 1, total: 2 });
    const errors = await call(errorsRoute.GET, "GET", { token: tokens.kelly, id: created.body.id });
    expect(errors.body).toEqual([
      { user: { email: "sales.no@dept.test", memberships: "Sales" }, row: 2, errors: [{ code: "HOOK_REFUSED", message: "You can only create users within your own department." }] },
    ]);
    expect(await db().prisma.user.findMany({ where: { email: { endsWith: "@dept.test" } }, select: { email: true } })).toEqual([{ email: "fin.ok@dept.test" }]);
    expect((await readJob(tokens.aud, created.body.id)).status).toBe(404);
  });

  it("refuses an existing user without upsert, and by user_id updates the email", async () => {
    const existing = await db().prisma.user.create({ data: { connectionId, email: "old@upsert.test", passwordHash: null, appMetadata: { department: "IT" } } });
    const noUpsert = await postImport(tokens.ian, { name: "u.json", text: JSON.stringify([{ email: "old@upsert.test", password: "Imported-pass-1!", memberships: ["IT"] }]) }, { dry_run: "true" });
    await kickJobs();
    expect((await readJob(tokens.ian, noUpsert.body.id)).body.rows).toEqual([
      { row: 1, outcome: "refused", email: "old@upsert.test", code: "DUPLICATED_USER", field: "email", message: `A user with the email old@upsert.test already exists in ${DEMO_CONNECTION}. Import with upsert to update it.` },
    ]);
    const byId = await postImport(tokens.ian, { name: "u.json", text: JSON.stringify([{ user_id: existing.id, email: "new@upsert.test" }]) }, { upsert: "true", upsert_by: "user_id" });
    await kickJobs();
    expect((await readJob(tokens.ian, byId.body.id)).body.summary).toMatchObject({ updated: 1, failed: 0 });
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: existing.id } })).email).toBe("new@upsert.test");
  });

  it("answers 400 with a message for a file it cannot read, a bad mapping or options, 413 for a file too large, 403 for an Auditor", async () => {
    const uploads = () => fs.readdirSync(path.join(process.env.DELEGATE_DATA_DIR!, "imports"));
    const uploadsBefore = uploads();
    const unreadable = await postImport(tokens.ian, { name: "u.csv", text: 'email,name\r\na@x.test,"unclosed\r\n' });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.message).toMatch(/^The CSV file cannot be read: .*Check the quotes and the number of columns on that line\.$/);
    const badJson = await postImport(tokens.ian, { name: "u.json", text: "[{\"email\": 1}," });
    expect(badJson.status).toBe(400);
    expect(badJson.body.message).toMatch(/^The JSON file cannot be read: /);
    const noEmail = await postImport(tokens.ian, { name: "u.csv", text: "mail_box,name\r\na@x.test,A\r\n" });
    expect(noEmail.body).toMatchObject({ statusCode: 400, message: "Map a column to email: every user needs one." });
    const mapped = await postImport(tokens.ian, { name: "u.csv", text: "mail_box,name\r\na@x.test,A\r\n" }, { mapping: '{"mail_box":"email","name":"emial"}' });
    expect(mapped.status).toBe(400);
    expect(mapped.body.message).toMatch(/^mapping\.name: Map each column to one of email, email_verified, .*, or to "" to leave it out\.$/);
    const empty = await postImport(tokens.ian, { name: "u.csv", text: "email\r\n" });
    expect(empty.body.message).toBe("The file holds no users: a CSV file needs a header row and one row per user.");
    const badOption = await postImport(tokens.ian, { name: "u.csv", text: "email\r\na@x.test\r\n" }, { upsert: "maybe" });
    expect(badOption.status).toBe(400);
    const tooLarge = await importsRoute.POST(
      new Request("http://localhost/api/v2/jobs/users-imports", { method: "POST", headers: { authorization: `Bearer ${tokens.ian}`, "content-length": String(60 * 1024 * 1024) }, body: "x" }),
      { params: Promise.resolve({}) },
    );
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { message: string }).message).toBe("The request has 62,914,560 bytes; the file may have at most 50 MB. Split it into several files.");
    const notMultipart = await call(importsRoute.POST, "POST", { token: tokens.ian, body: { connection_id: connectionId } });
    expect(notMultipart.body).toMatchObject({ statusCode: 400, message: 'Send the request as multipart/form-data, with the file in the field "users".' });
    const auditor = await postImport(tokens.aud, { name: "u.csv", text: "email\r\na@x.test\r\n" });
    expect(auditor.status).toBe(403);
    // A refused upload is not kept: no file appeared (another test's job may remove its own meanwhile).
    expect(uploads().filter((file) => !uploadsBefore.includes(file))).toEqual([]);
  });
});

describe("the console's staged upload", () => {
  it("answers the columns, first rows (passwords masked) and mapping; the upload is only its admin's", async () => {
    const staged = await stageImportUpload(admins.kelly, new File(["Mail;Pass;Dept\r\nx1@staged.test;Secret-pass-1;Finance\r\n"], "s.csv"));
    expect(staged).toMatchObject({ format: "csv", columns: ["Mail", "Pass", "Dept"], total: 1, mapping: { Mail: "email", Pass: "", Dept: "" } });
    expect(staged.sample).toEqual([{ Mail: "x1@staged.test", Pass: "Secret-pass-1", Dept: "Finance" }]);
    const masked = await stageImportUpload(admins.kelly, new File(["email,password\r\nx2@staged.test,Secret-pass-1\r\n"], "s.csv"));
    expect(masked.sample).toEqual([{ email: "x2@staged.test", password: "•••" }]);
    const input = { connection_id: connectionId, upsert: false, upsert_by: "email" as const, dry_run: true, mapping: { email: "email" as const, password: "password" as const }, upload_id: masked.upload_id };
    await expect(createImportJobFromUpload(admins.ian, input)).rejects.toThrow("This upload is no longer kept, or is another admin's. Upload the file again.");
    const job = await createImportJobFromUpload(admins.kelly, input);
    expect(job).toMatchObject({ type: "users_import", status: "pending", actorId: admins.kelly.id });
    await db().prisma.job.update({ where: { id: job.id }, data: { status: "cancelled" } });
  });

  it("removes uploads a day old that no waiting or running job reads, and keeps the others", async () => {
    const dir = path.join(process.env.DELEGATE_DATA_DIR!, "imports");
    const old = await stageImportUpload(admins.kelly, new File(["email\r\nold@staged.test\r\n"], "o.csv"));
    const queued = await createUsersImportJob(admins.kelly, usersImportJobSchema.parse({ connection_id: connectionId }), new File(["email\r\nq@staged.test\r\n"], "q.csv"));
    const oldFile = path.join(dir, `${admins.kelly.id}.${old.upload_id}.upload`);
    const queuedFile = (queued.params as { file: string }).file;
    const aged = new Date(Date.now() - 24 * 60 * 60 * 1000 - 1000);
    for (const file of [oldFile, queuedFile]) fs.utimesSync(file, aged, aged);
    const fresh = await stageImportUpload(admins.kelly, new File(["email\r\nnew@staged.test\r\n"], "n.csv"));
    expect(fs.existsSync(oldFile)).toBe(false);
    expect(fs.existsSync(queuedFile)).toBe(true);
    expect(fs.existsSync(path.join(dir, `${admins.kelly.id}.${fresh.upload_id}.upload`))).toBe(true);
    await db().prisma.job.update({ where: { id: queued.id }, data: { status: "cancelled" } });
  });
});

describe("resume and cancel", () => {
  const rows = (prefix: string, n: number, domain: string) =>
    `email,password,memberships\r\n${Array.from({ length: n }, (_, i) => `${prefix}${i + 1}@${domain},Imported-pass-1!,IT`).join("\r\n")}\r\n`;
  /** Queued without the route's kick, so that the test decides when and how it runs. */
  const queueImport = async (text: string) => ({
    body: { id: (await createUsersImportJob(admins.ian, usersImportJobSchema.parse({ connection_id: connectionId }), new File([text], "r.csv"))).id },
  });

  it("resumes a job whose process stopped after 3 rows: the rest are written, none twice", async () => {
    const created = await queueImport(rows("r", 12, "resume.test"));
    const [claimed] = await db().prisma.$queryRaw<{ id: string; actorId: string; params: never; progress: number; summary: never }[]>`
      UPDATE jobs SET status = 'processing' WHERE id = ${created.body.id} RETURNING id, actor_id::text AS "actorId", params, progress, summary`;
    const stopped = new Error("the process stopped");
    const run = runUsersImport({ job: claimed, heartbeat: async () => {}, now: () => new Date() }, { afterRow: async (done) => { if (done === 3) throw stopped; } });
    await expect(run).rejects.toBe(stopped);
    // The rows under way when it stopped ended, each with its record: as many users as recorded rows.
    const written = await countUsers("@resume.test");
    expect(written).toBeGreaterThanOrEqual(3);
    expect(written).toBeLessThan(12);
    expect(await db().prisma.jobRow.count({ where: { jobId: created.body.id } })).toBe(written);
    await db().prisma.$executeRaw`UPDATE jobs SET updated_at = now() - interval '2 minutes' WHERE id = ${created.body.id}`;
    expect(await runNextJob()).toBe(true);
    const done = await readJob(tokens.ian, created.body.id);
    expect(done.body).toMatchObject({ status: "completed", rows_done: 12, summary: { inserted: 12, updated: 0, unchanged: 0, failed: 0, total: 12 } });
    expect(await countUsers("@resume.test")).toBe(12);
    expect(await db().prisma.auditLog.count({ where: { action: "user.create", targetEmail: { endsWith: "@resume.test" } } })).toBe(12);
    const recorded = await db().prisma.jobRow.findMany({ where: { jobId: created.body.id }, orderBy: { rowIndex: "asc" }, select: { rowIndex: true, outcome: true } });
    expect(recorded.map((row) => `${row.rowIndex}:${row.outcome}`)).toEqual(Array.from({ length: 12 }, (_, i) => `${i}:created`));
  });

  it("cancels a waiting job (it never runs) and a running one between rows; a finished job is 409", async () => {
    const waiting = await queueImport(rows("wait", 2, "cancel.test"));
    const cancelled = await call(cancelRoute.POST, "POST", { token: tokens.ian, id: waiting.body.id });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: waiting.body.id, status: "cancelled" });
    await kickJobs();
    expect(await countUsers("@cancel.test")).toBe(0);
    expect((await call(cancelRoute.POST, "POST", { token: tokens.ian, id: waiting.body.id })).body).toMatchObject({
      statusCode: 409,
      message: "This job is already cancelled: only a pending or running job can be cancelled.",
    });

    const running = await queueImport(rows("run", 5, "cancel.test"));
    const [claimed] = await db().prisma.$queryRaw<{ id: string; actorId: string; params: never; progress: number; summary: never }[]>`
      UPDATE jobs SET status = 'processing' WHERE id = ${running.body.id} RETURNING id, actor_id::text AS "actorId", params, progress, summary`;
    // The runner's heartbeat throws once the job is cancelled (lib/jobs/runner.ts); this one does so at every row.
    const heartbeat = async () => {
      const { status } = await db().prisma.job.findUniqueOrThrow({ where: { id: running.body.id } });
      if (status === "cancelled") throw new JobStopped(running.body.id);
    };
    const run = runUsersImport(
      { job: claimed, heartbeat, now: () => new Date() },
      { concurrency: 1, afterRow: async (done) => { if (done === 2) await call(cancelRoute.POST, "POST", { token: tokens.ian, id: running.body.id }); } },
    );
    await expect(run).rejects.toBeInstanceOf(JobStopped);
    // One row at a time: the cancellation after row 2 is seen at row 2's own heartbeat, and row 3 never starts.
    expect(await countUsers("@cancel.test")).toBe(2);
    expect(await db().prisma.jobRow.count({ where: { jobId: running.body.id } })).toBe(2);
    expect((await readJob(tokens.ian, running.body.id)).body).toMatchObject({ status: "cancelled" });
  });
});
