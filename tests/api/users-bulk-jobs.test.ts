import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as cancelRoute from "@/app/api/v2/jobs/[id]/cancel/route";
import * as resultsRoute from "@/app/api/v2/jobs/[id]/results/route";
import * as jobRoute from "@/app/api/v2/jobs/[id]/route";
import * as bulkRoute from "@/app/api/v2/jobs/users-bulk/route";
import { openApiDocument } from "@/lib/api/openapi";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import type { HookKind } from "@/lib/hooks/kinds";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { queueJob } from "@/lib/jobs/queue";
import { kickJobs, runNextJob } from "@/lib/jobs/runner";
import { USERS_BULK, usersBulkJob } from "@/lib/jobs/users-bulk-job";
import { usersBulkJobSchema } from "@/lib/schemas/user-bulk";
import { listUsersSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { BULK_BATCH } from "@/lib/users/bulk-users";
import { listUsers } from "@/lib/users/list-users";
import { membershipsOf } from "@/lib/users/profile";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, tokenFor } from "./api-client";

/*
 * Issue 14, bulk actions: one action over chosen users or over "all matching" the admin's list, as a job.
 * Each user goes through the single action's checks (the Access Hook with that action's name, the
 * Memberships Query Hook's options), its result is kept per user, and a job claimed again resumes after its
 * last result.
 */

process.env.DELEGATE_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "delegate-bulk-jobs-"));
process.env.NEXTAUTH_SECRET = "users-bulk-jobs-test-secret-0123456789abcdef";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
const tokens = {} as Record<"kelly" | "olga" | "ian", string>;
let connectionId: string;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  connectionId = (await db().prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } })).id;
  for (const name of ["kelly", "olga", "ian"] as const) tokens[name] = await tokenFor(admins[name], admins.ian);
});

let serial = 0;
/** Users of this test only (emails `<name>@<tag>.bulk.test`), with their memberships; their ids by name. */
async function makeUsers(specs: Record<string, string[]>): Promise<{ tag: string; ids: Record<string, string> }> {
  const tag = `b${++serial}${crypto.randomBytes(3).toString("hex")}`;
  const ids: Record<string, string> = {};
  for (const [name, memberships] of Object.entries(specs)) {
    const user = await db().prisma.user.create({ data: { connectionId, email: `${name}@${tag}.bulk.test`, appMetadata: { memberships } } });
    ids[name] = user.id;
  }
  return { tag, ids };
}

/** Deploys a hook for the test; `undo` removes every version of that kind again. */
async function withHook(kind: HookKind, code: string, test: () => Promise<void>) {
  const remove = async () => {
    await db().prisma.hookVersion.deleteMany({ where: { kind } });
    await db().prisma.hook.deleteMany({ where: { kind } });
    clearAllMemos();
  };
  await remove();
  await saveHook(admins.ian, { kind, code, enabled: true, timeoutMs: 10_000 });
  try {
    await test();
  } finally {
    await remove();
  }
}

async function startAndFinish(token: string, body: unknown) {
  const created = await call(bulkRoute.POST, "POST", { token, body });
  expect(created.status, created.text).toBe(201);
  await kickJobs();
  const read = await call(jobRoute.GET, "GET", { token, id: created.body.id });
  return { created: created.body, job: read.body };
}

/** Every result of a job as `email: done` or `email: failed (message)`, sorted by email. */
async function resultLines(token: string, id: string): Promise<string[]> {
  const answer = await call(resultsRoute.GET, "GET", { token, id, query: { take: 1000 } });
  expect(answer.status, answer.text).toBe(200);
  return (answer.body.results as { email: string | null; user_id: string; status: string; message?: string }[])
    .map((row) => `${row.email ?? row.user_id}: ${row.status}${row.message ? ` (${row.message})` : ""}`)
    .sort();
}

const blockedOf = async (ids: Record<string, string>) =>
  Object.fromEntries(
    await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, (await db().prisma.user.findUniqueOrThrow({ where: { id } })).blocked])),
  );

describe("POST /api/v2/jobs/users-bulk", () => {
  it("blocks the chosen users as a job: 201 pending, then completed with its summary and a result per user", async () => {
    const { tag, ids } = await makeUsers({ ann: ["HR"], bob: ["HR"] });
    const { created, job } = await startAndFinish(tokens.ian, { action: "block", user_ids: [ids.bob, ids.ann.toUpperCase()] });
    expect(created).toMatchObject({ type: "users_bulk", status: "pending", action: "block", user_ids: 2, summary: { done: 0, failed: 0, total: 2 } });
    expect(created.id).toMatch(/^job_[A-Za-z0-9]{16}$/);
    expect(job).toMatchObject({ id: created.id, status: "completed", action: "block", user_ids: 2, summary: { done: 2, failed: 0, total: 2 } });
    expect(await resultLines(tokens.ian, created.id)).toEqual([`ann@${tag}.bulk.test: done`, `bob@${tag}.bulk.test: done`]);
    expect(await blockedOf(ids)).toEqual({ ann: true, bob: true });
    const documented = openApiDocument().components.schemas.UsersBulkJob.properties;
    for (const key of [...Object.keys(created), ...Object.keys(job)]) expect(documented, key).toHaveProperty(key);
    const audits = await db().prisma.auditLog.count({ where: { action: "user.block", targetUserId: { in: Object.values(ids) }, result: "success" } });
    expect(audits).toBe(2);
  });

  it("refuses bad input with 400 and the reason, before any job exists", async () => {
    const id = crypto.randomUUID();
    const cases: [unknown, string][] = [
      [{ action: "explode", user_ids: [id] }, "action must be one of block, unblock, delete, add_membership, remove_membership, send_password_reset."],
      [{ action: "block" }, "Send either user_ids (chosen users) or query (every user of the list), not both."],
      [{ action: "block", user_ids: [id], query: {} }, "Send either user_ids (chosen users) or query (every user of the list), not both."],
      [{ action: "block", user_ids: [] }, "Choose at least one user."],
      [{ action: "block", user_ids: ["not-a-user"] }, "This is not a valid id."],
      [{ action: "add_membership", user_ids: [id] }, "Choose the membership to add."],
      [{ action: "block", membership: "HR", user_ids: [id] }, "Only add_membership and remove_membership take a membership."],
      [{ action: "block", query: { q: "email:(" } }, "q: This parenthesis is never closed (at character 7)."],
      [{ action: "block", query: { sort: "email" } }, 'Unrecognized key: "sort"'],
      [{ action: "block", user_ids: [id], surprise: true }, 'Unrecognized key: "surprise"'],
    ];
    const before = await db().prisma.job.count({ where: { type: USERS_BULK } });
    for (const [body, message] of cases) {
      const answer = await call(bulkRoute.POST, "POST", { token: tokens.ian, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.message, JSON.stringify(body)).toContain(message);
    }
    expect(await db().prisma.job.count({ where: { type: USERS_BULK } })).toBe(before);
  });

  it("is refused to an Auditor (403): bulk actions change users", async () => {
    const auditor = await tokenFor(admins.aud, admins.ian);
    const answer = await call(bulkRoute.POST, "POST", { token: auditor, body: { action: "block", user_ids: [crypto.randomUUID()] } });
    expect([answer.status, answer.body.message]).toEqual([403, "Your role does not allow changing users."]);
  });
});

describe("each user through the single action's checks", () => {
  it("blocks the others when the Access Hook denies one user (block:user), with the hook's message as that user's result", async () => {
    const { tag, ids } = await makeUsers({ ann: ["HR"], bob: ["HR"], cat: ["HR"] });
    const denyBob = `function (ctx, cb) { if (ctx.payload.action === 'block:user' && ctx.payload.user.email.indexOf('bob@') === 0) return cb(new Error('Bob stays: he is on call.')); cb(); }`;
    await withHook("access", denyBob, async () => {
      const { job } = await startAndFinish(tokens.ian, { action: "block", user_ids: Object.values(ids) });
      expect(job).toMatchObject({ status: "completed", summary: { done: 2, failed: 1, total: 3 } });
      expect(await resultLines(tokens.ian, job.id)).toEqual([
        `ann@${tag}.bulk.test: done`,
        `bob@${tag}.bulk.test: failed (Bob stays: he is on call.)`,
        `cat@${tag}.bulk.test: done`,
      ]);
      const failed = await call(resultsRoute.GET, "GET", { token: tokens.ian, id: job.id, query: { status: "failed" } });
      expect(failed.body).toEqual({ results: [{ user_id: ids.bob, email: `bob@${tag}.bulk.test`, status: "failed", message: "Bob stays: he is on call." }], next: null });
    });
    expect(await blockedOf(ids)).toEqual({ ann: true, bob: false, cat: true });
  });

  it("adds and removes a membership, refusing the user whose memberships the Memberships Query Hook does not offer", async () => {
    const { tag, ids } = await makeUsers({ ann: ["Finance"], bob: ["Finance", "Legal"] });
    await withHook("memberships", "function (ctx, cb) { cb(null, ['Finance', 'IT']); }", async () => {
      const refused = `bob@${tag}.bulk.test: failed (Not a membership you can assign: Legal.)`;
      const added = await startAndFinish(tokens.ian, { action: "add_membership", membership: "IT", user_ids: Object.values(ids) });
      expect(added.job).toMatchObject({ status: "completed", action: "add_membership", membership: "IT", summary: { done: 1, failed: 1, total: 2 } });
      expect(await resultLines(tokens.ian, added.job.id)).toEqual([`ann@${tag}.bulk.test: done`, refused]);
      const removed = await startAndFinish(tokens.ian, { action: "remove_membership", membership: "Finance", user_ids: Object.values(ids) });
      expect(await resultLines(tokens.ian, removed.job.id)).toEqual([`ann@${tag}.bulk.test: done`, refused]);
      // A membership the admin may not assign is refused at once.
      const legal = await call(bulkRoute.POST, "POST", { token: tokens.ian, body: { action: "add_membership", membership: "Legal", user_ids: [ids.ann] } });
      expect([legal.status, legal.body.message]).toEqual([400, "Not a membership you can assign: Legal."]);
    });
    const memberships = async (id: string) => membershipsOf({ app_metadata: (await db().prisma.user.findUniqueOrThrow({ where: { id } })).appMetadata as Record<string, unknown> });
    expect(await memberships(ids.ann)).toEqual(["IT"]);
    expect(await memberships(ids.bob)).toEqual(["Finance", "Legal"]);
  });

  it("refuses a membership change the Write Hook does not keep, and changes nothing for that user", async () => {
    const { tag, ids } = await makeUsers({ ann: ["HR"], bob: ["Finance"] });
    // Like the seed's hook, it stores one department: the first membership sent.
    const firstOnly = "function (ctx, cb) { cb(null, { app_metadata: { memberships: ctx.payload.memberships.slice(0, 1) } }); }";
    await withHook("write", firstOnly, async () => {
      const { job } = await startAndFinish(tokens.ian, { action: "add_membership", membership: "HR", user_ids: Object.values(ids) });
      expect(job).toMatchObject({ status: "completed", summary: { done: 1, failed: 1, total: 2 } });
      expect(await resultLines(tokens.ian, job.id)).toEqual([
        `ann@${tag}.bulk.test: done`,
        `bob@${tag}.bulk.test: failed (The Write Hook did not keep this change: HR is not among the user's memberships after it ran. Nothing was changed.)`,
      ]);
    });
    const stored = await db().prisma.user.findUniqueOrThrow({ where: { id: ids.bob } });
    expect(stored.appMetadata).toEqual({ memberships: ["Finance"] });
    expect(await db().prisma.auditLog.count({ where: { targetUserId: ids.bob, result: "success" } })).toBe(0);
  });

  it("sends password reset mails, each audited like the single action", async () => {
    const { tag, ids } = await makeUsers({ ann: ["HR"], bob: ["HR"] });
    const { job } = await startAndFinish(tokens.ian, { action: "send_password_reset", user_ids: Object.values(ids) });
    expect(job).toMatchObject({ status: "completed", summary: { done: 2, failed: 0, total: 2 } });
    const mails = await db().prisma.mailMessage.findMany({ where: { to: { endsWith: `@${tag}.bulk.test` } }, orderBy: { to: "asc" } });
    expect(mails.map((mail) => [mail.kind, mail.to])).toEqual([
      ["password_reset", `ann@${tag}.bulk.test`],
      ["password_reset", `bob@${tag}.bulk.test`],
    ]);
    expect(await db().prisma.auditLog.count({ where: { action: "user.send_password_reset", targetUserId: { in: Object.values(ids) } } })).toBe(2);
  });

  it("deletes the chosen users; an id that no longer exists is that user's result", async () => {
    const { tag, ids } = await makeUsers({ ann: ["HR"] });
    const gone = crypto.randomUUID();
    const { job } = await startAndFinish(tokens.ian, { action: "delete", user_ids: [ids.ann, gone] });
    expect(job).toMatchObject({ status: "completed", summary: { done: 1, failed: 1, total: 2 } });
    expect(await resultLines(tokens.ian, job.id)).toEqual([`${gone}: failed (The user does not exist or you cannot see it.)`, `ann@${tag}.bulk.test: done`].sort());
    expect(await db().prisma.user.count({ where: { id: ids.ann } })).toBe(0);
  });
});

describe("all users matching the list", () => {
  it("is exactly the department admin's scoped list, resolved when the job runs: a matching user outside her scope is never touched", async () => {
    const { tag, ids } = await makeUsers({ fin1: ["Finance"], fin2: ["Finance", "HR"], hr: ["HR"] });
    await withHook("filter", DEMO_FILTER_HOOK, async () => {
      const listed = await listUsers(admins.kelly, listUsersSchema.parse({ search: tag }));
      expect(listed.users.map((user) => user.email).sort()).toEqual([`fin1@${tag}.bulk.test`, `fin2@${tag}.bulk.test`]);
      const { created, job } = await startAndFinish(tokens.kelly, { action: "block", query: { search: tag } });
      expect(created).toMatchObject({ query: { search: tag }, summary: { done: 0, failed: 0, total: null } });
      expect(job).toMatchObject({ status: "completed", summary: { done: 2, failed: 0, total: 2 } });
      expect(await resultLines(tokens.kelly, job.id)).toEqual(listed.users.map((user) => `${user.email}: done`).sort());
    });
    expect(await blockedOf(ids)).toEqual({ fin1: true, fin2: true, hr: false });
  });

  it("leaves out users created after the job started", async () => {
    const { tag, ids } = await makeUsers({ ann: ["HR"] });
    const params = usersBulkJobSchema.parse({ action: "block", query: { search: tag } });
    const job = await queueJob(admins.ian, USERS_BULK, params);
    const startedAt = new Date(Date.now() - 60_000);
    await db().prisma.job.update({ where: { id: job.id }, data: { summary: { done: 0, failed: 0, total: 1, started_at: startedAt.toISOString() } } });
    await db().prisma.user.update({ where: { id: ids.ann }, data: { createdAt: new Date(startedAt.getTime() - 1) } });
    const late = await makeUsers({ late: ["HR"] });
    await db().prisma.user.update({ where: { id: late.ids.late }, data: { email: `late@${tag}.bulk.test`, createdAt: new Date(startedAt.getTime() + 1) } });
    await kickJobs();
    expect(await resultLines(tokens.ian, job.id)).toEqual([`ann@${tag}.bulk.test: done`]);
    expect(await blockedOf({ ...ids, ...late.ids })).toEqual({ ann: true, late: false });
  });
});

describe("a job claimed again", () => {
  it("resumes after its last result and never acts twice on a user", async () => {
    const { tag, ids } = await makeUsers({ ann: ["HR"], bob: ["HR"], cat: ["HR"] });
    const params = usersBulkJobSchema.parse({ action: "block", user_ids: Object.values(ids) });
    const [first] = params.user_ids!;
    const job = await queueJob(admins.ian, USERS_BULK, params);
    // A process stopped a minute ago after the first user's result (left unblocked here, to see it is not done again).
    const firstEmail = (await db().prisma.user.findUniqueOrThrow({ where: { id: first } })).email;
    await db().prisma.jobResult.create({ data: { jobId: job.id, seq: 0, userId: first, email: firstEmail, ok: true } });
    await db().prisma.job.update({
      where: { id: job.id },
      data: { status: "processing", progress: 1, summary: { done: 1, failed: 0, total: 3, started_at: new Date().toISOString() }, updatedAt: new Date(Date.now() - 61_000) },
    });
    expect(await runNextJob()).toBe(true);
    const read = await call(jobRoute.GET, "GET", { token: tokens.ian, id: job.id });
    expect(read.body).toMatchObject({ status: "completed", summary: { done: 3, failed: 0, total: 3 } });
    const results = await db().prisma.jobResult.findMany({ where: { jobId: job.id }, orderBy: { seq: "asc" } });
    expect(results.map((row) => [row.seq, row.userId])).toEqual(params.user_ids!.map((id, seq) => [seq, id]));
    expect(await blockedOf(ids)).toEqual(Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, id !== first])));
    expect(await db().prisma.auditLog.count({ where: { action: "user.block", targetUserId: first } })).toBe(0);
    expect(results.map((row) => row.email)).toEqual(params.user_ids!.map((id) => `${Object.keys(ids).find((name) => ids[name] === id)}@${tag}.bulk.test`));
  });
});

describe("the job's admin", () => {
  it("is read again before each batch of users: blocking them stops the job with the reason, the next users untouched", async () => {
    const emails = Array.from({ length: BULK_BATCH + 1 }, (_, i) => `u${String(i).padStart(3, "0")}@batch${++serial}.bulk.test`);
    await db().prisma.user.createMany({ data: emails.map((email) => ({ connectionId, email, appMetadata: { memberships: ["Sales"] } })) });
    const users = await db().prisma.user.findMany({ where: { email: { in: emails } }, orderBy: { id: "asc" }, select: { id: true } });
    const params = usersBulkJobSchema.parse({ action: "block", user_ids: users.map((user) => user.id) });
    const job = await queueJob(admins.olga, USERS_BULK, params);
    try {
      // Olga is blocked once the first batch is done, before the next one starts.
      const heartbeat = async (progress: number) => {
        if (progress === BULK_BATCH) await db().prisma.user.update({ where: { id: admins.olga.id }, data: { blocked: true } });
      };
      const run = usersBulkJob.run({ job, heartbeat, now: () => new Date() });
      await expect(run).rejects.toThrow("Your account is blocked. Contact your administrator.");
      expect(await db().prisma.jobResult.count({ where: { jobId: job.id, ok: true } })).toBe(BULK_BATCH);
      expect(await db().prisma.user.count({ where: { email: { in: emails }, blocked: true } })).toBe(BULK_BATCH);
      expect((await db().prisma.user.findUniqueOrThrow({ where: { id: users[BULK_BATCH].id } })).blocked).toBe(false);
    } finally {
      await db().prisma.user.update({ where: { id: admins.olga.id }, data: { blocked: false } });
      await db().prisma.job.deleteMany({ where: { id: job.id } });
    }
  });
});

describe("cancelling a running job", () => {
  it("stops it within a second: the users done before stay done, the rest are left as they were", async () => {
    const { ids } = await makeUsers(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`u${String(i).padStart(2, "0")}`, ["HR"]])));
    // Each block takes a quarter of a second, so that the job is still running when it is cancelled.
    const slow = "function (ctx, cb) { if (ctx.payload.action === 'block:user') { var end = Date.now() + 250; while (Date.now() < end) {} } cb(); }";
    await withHook("access", slow, async () => {
      const created = await call(bulkRoute.POST, "POST", { token: tokens.ian, body: { action: "block", user_ids: Object.values(ids) } });
      const running = kickJobs();
      await expect
        .poll(async () => (await call(jobRoute.GET, "GET", { token: tokens.ian, id: created.body.id })).body.summary.done, { timeout: 30_000, interval: 50 })
        .toBeGreaterThanOrEqual(1);
      const cancelled = await call(cancelRoute.POST, "POST", { token: tokens.ian, id: created.body.id });
      expect(cancelled.body.status).toBe("cancelled");
      await running;
      const read = await call(jobRoute.GET, "GET", { token: tokens.ian, id: created.body.id });
      expect(read.body.status).toBe("cancelled");
      const results = await db().prisma.jobResult.findMany({ where: { jobId: created.body.id } });
      const blocked = Object.values(await blockedOf(ids)).filter(Boolean).length;
      expect(results.length).toBeLessThan(12);
      expect([read.body.summary.done, blocked]).toEqual([results.length, results.length]);
    });
  });
});

describe("who may read a job's results", () => {
  it("its creator and Administrators; another admin gets 404, and an export job has none", async () => {
    const { ids } = await makeUsers({ ann: ["Sales"] });
    const { job } = await startAndFinish(tokens.olga, { action: "unblock", user_ids: [ids.ann] });
    expect((await call(resultsRoute.GET, "GET", { token: tokens.ian, id: job.id })).status).toBe(200);
    const kelly = await call(resultsRoute.GET, "GET", { token: tokens.kelly, id: job.id });
    expect([kelly.status, kelly.body.message]).toEqual([404, "No job has this id, or it was created by another admin."]);
    const badPage = await call(resultsRoute.GET, "GET", { token: tokens.olga, id: job.id, query: { take: 5000 } });
    expect([badPage.status, badPage.body.message]).toEqual([400, "take: take must be at most 1000."]);
    const exportJob = await queueJob(admins.olga, "users_export", { format: "csv" });
    try {
      const none = await call(resultsRoute.GET, "GET", { token: tokens.olga, id: exportJob.id });
      expect([none.status, none.body.message]).toEqual([400, "A users_export job has no per-user results."]);
    } finally {
      await db().prisma.job.delete({ where: { id: exportJob.id } });
    }
  });

  it("pages through the results in the job's order with take and next", async () => {
    const { ids } = await makeUsers({ ann: ["HR"], bob: ["HR"], cat: ["HR"] });
    const { job } = await startAndFinish(tokens.ian, { action: "unblock", user_ids: Object.values(ids) });
    const sorted = Object.values(ids).sort();
    const first = await call(resultsRoute.GET, "GET", { token: tokens.ian, id: job.id, query: { take: 2 } });
    expect([first.body.results.map((row: { user_id: string }) => row.user_id), first.body.next]).toEqual([sorted.slice(0, 2), 2]);
    const second = await call(resultsRoute.GET, "GET", { token: tokens.ian, id: job.id, query: { take: 2, from: 2 } });
    expect([second.body.results.map((row: { user_id: string }) => row.user_id), second.body.next]).toEqual([sorted.slice(2), null]);
  });
});
