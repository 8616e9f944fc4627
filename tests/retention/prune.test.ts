import crypto from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { startDeliveryWorker } from "@/lib/delivery/worker";
import { Prisma } from "@/lib/generated/prisma/client";
import { pruneExpiredRows } from "@/lib/retention/prune";
import { retentionSettings, type RetentionSettings } from "@/lib/retention/settings";
import { useTestDatabase } from "../helpers/db";

/*
 * Issue 7, item 20: every kind of record is deleted once past its own retention, and not a second
 * earlier; work still under way is never deleted.
 */

const db = useTestDatabase();
const DAY = 86_400_000;
const NOW = new Date("2026-12-07T12:00:00.000Z");
/** Different for each table, so that a table pruned with another's setting fails. */
const SETTINGS: RetentionSettings = { auditDays: 400, hookExecutionsDays: 30, eventsDays: 20, mailDays: 10, signInThrottlesDays: 1, deletedUsersDays: 15, jobsDays: 25 };
/** Just inside a retention of `days` (kept) and just outside it (deleted). */
const inside = (days: number) => new Date(NOW.getTime() - days * DAY + 1000);
const outside = (days: number) => new Date(NOW.getTime() - days * DAY - 1000);
const utc = (date: Date) => Prisma.sql`(to_timestamp(${date.getTime()}::float8 / 1000) AT TIME ZONE 'UTC')`;

beforeEach(async () => {
  await db().prisma.$executeRaw`TRUNCATE audit_logs, hook_executions, events, mail_messages, account_tokens, sign_in_throttles, jobs CASCADE`;
  // An empty audit log starts a new chain (the migration's state).
  await db().prisma.$executeRaw`UPDATE audit_chain SET seq = 0, hash = ${"0".repeat(64)}`;
});

const audit = (createdAt: Date) => db().prisma.auditLog.create({ data: { channel: "system", action: "test", result: "success", createdAt } });
const execution = (createdAt: Date) => db().prisma.hookExecution.create({ data: { kind: "write", durationMs: 1, outcome: "success", createdAt } });
const event = (createdAt: Date, dispatchedAt: Date | null = createdAt) =>
  db().prisma.event.create({ data: { id: crypto.randomUUID(), type: "test", payload: {}, createdAt, dispatchedAt } });

async function delivery(eventId: string, status: string, updatedAt: Date) {
  const row = await db().prisma.delivery.create({
    data: { eventId, destination: "post_registration", status, attempts: { create: { attemptNumber: 1, durationMs: 1, succeeded: status === "succeeded" } } },
  });
  await db().prisma.$executeRaw`UPDATE deliveries SET updated_at = ${utc(updatedAt)} WHERE id = ${row.id}::uuid`;
  return row;
}

const mail = (createdAt: Date, id = crypto.randomUUID()) =>
  db().prisma.mailMessage.create({ data: { id, kind: "invitation", to: "someone@example.com", subject: "Hello", links: [], createdAt } });

async function accountToken(expiresAt: Date) {
  const connection = await db().prisma.connection.upsert({ where: { id: "con_retention" }, create: { id: "con_retention", name: "retention" }, update: {} });
  const user = await db().prisma.user.create({ data: { connectionId: connection.id, email: `${crypto.randomUUID()}@example.com` } });
  return db().prisma.accountToken.create({
    data: { id: crypto.randomUUID(), kind: "invitation", userId: user.id, tokenHash: crypto.randomUUID(), email: user.email, expiresAt },
  });
}

const throttle = (key: string, updatedAt: Date, notBefore: Date | null = null) =>
  db().prisma.signInThrottle.create({ data: { key, failures: 5, windowStart: updatedAt, notBefore, updatedAt } });

const prune = (settings: Partial<RetentionSettings> = {}, options: { batchSize?: number; shouldStop?: () => boolean } = {}) =>
  pruneExpiredRows(db().prisma, { ...SETTINGS, ...settings }, { now: NOW, ...options });

describe("pruning past the retention", () => {
  it("deletes audit entries older than the audit retention and keeps those a second younger", async () => {
    await audit(outside(400));
    const kept = await audit(inside(400));
    expect((await prune()).audit_logs).toBe(1);
    expect((await db().prisma.auditLog.findMany()).map((row) => row.id)).toEqual([kept.id]);
  });

  it("deletes hook executions past their retention", async () => {
    const kept = await execution(inside(30));
    await execution(outside(30));
    expect((await prune()).hook_executions).toBe(1);
    expect((await db().prisma.hookExecution.findMany()).map((row) => row.id)).toEqual([kept.id]);
  });

  it("deletes finished events with their deliveries and attempts, never work under way", async () => {
    const young = await event(inside(20));
    const finished = await event(outside(20));
    await delivery(finished.id, "failed", outside(20));
    const undispatched = await event(outside(20), null);
    const pending = await event(outside(20));
    await delivery(pending.id, "pending", outside(20));
    const inFlight = await event(outside(20));
    await delivery(inFlight.id, "in_flight", outside(20));
    const redelivered = await event(outside(20));
    await delivery(redelivered.id, "succeeded", inside(20));

    expect((await prune()).events).toBe(1);
    const events = await db().prisma.event.findMany({ select: { id: true } });
    expect(new Set(events.map((row) => row.id))).toEqual(new Set([young.id, undispatched.id, pending.id, inFlight.id, redelivered.id]));
    expect(await db().prisma.delivery.count({ where: { eventId: finished.id } })).toBe(0);
    expect(await db().prisma.delivery.count()).toBe(3);
    expect(await db().prisma.deliveryAttempt.count()).toBe(3);
  });

  it("deletes mails past their retention unless still being sent, and account links that expired that long ago", async () => {
    const kept = await mail(inside(10));
    await mail(outside(10));
    const sending = await mail(outside(10));
    // A mail's outbox event has the mail's id.
    await db().prisma.event.create({ data: { id: sending.id, type: "mail", payload: {}, createdAt: NOW, dispatchedAt: NOW } });
    await delivery(sending.id, "pending", inside(10));
    const link = await accountToken(inside(10));
    await accountToken(outside(10));

    const counts = await prune();
    expect([counts.mail_messages, counts.account_tokens]).toEqual([1, 1]);
    expect(new Set((await db().prisma.mailMessage.findMany()).map((row) => row.id))).toEqual(new Set([kept.id, sending.id]));
    expect((await db().prisma.accountToken.findMany()).map((row) => row.id)).toEqual([link.id]);
  });

  it("deletes sign-in throttles a day after the last attempt, unless their wait still runs", async () => {
    await throttle("ip:kept", inside(1));
    await throttle("ip:gone", outside(1));
    await throttle("email-ip:waiting", outside(1), inside(1));
    expect((await prune()).sign_in_throttles).toBe(1);
    expect((await db().prisma.signInThrottle.findMany({ orderBy: { key: "asc" } })).map((row) => row.key)).toEqual(["email-ip:waiting", "ip:kept"]);
  });

  it("deletes finished jobs past their retention, counted from when they finished; never a job under way or one whose file is kept", async () => {
    const job = (id: string, status: string, completedAt: Date | null, resultPath: string | null = null) =>
      db().prisma.job.create({ data: { id, type: "users_export", status, actorId: crypto.randomUUID(), createdAt: outside(60), completedAt, resultPath } });
    await job("job_completedOutside", "completed", outside(25));
    await job("job_failedOutside", "failed", outside(25));
    await job("job_cancelledOutsid", "cancelled", outside(25));
    await job("job_completedInside", "completed", inside(25));
    await job("job_pendingOld", "pending", null);
    await job("job_processingOld", "processing", null);
    await job("job_fileStillKept", "completed", outside(25), "/tmp/kept.csv");
    expect((await prune()).jobs).toBe(3);
    expect((await db().prisma.job.findMany({ orderBy: { id: "asc" } })).map((row) => row.id)).toEqual([
      "job_completedInside",
      "job_fileStillKept",
      "job_pendingOld",
      "job_processingOld",
    ]);
  });

  it("keeps a table's rows for ever with a retention of 0 days", async () => {
    await audit(new Date("2000-01-01T00:00:00Z"));
    expect((await prune({ auditDays: 0 })).audit_logs).toBe(0);
    expect(await db().prisma.auditLog.count()).toBe(1);
  });

  it("works through a backlog in batches until none is left, and stops between batches when asked", async () => {
    for (let i = 0; i < 5; i++) await audit(outside(400));
    let batches = 0;
    const stopAfterTwo = () => batches++ >= 2;
    // Only the audit log, so that every check between batches is one of its own.
    const auditOnly = { hookExecutionsDays: 0, eventsDays: 0, mailDays: 0, signInThrottlesDays: 0, deletedUsersDays: 0, jobsDays: 0 };
    expect((await prune(auditOnly, { batchSize: 2, shouldStop: stopAfterTwo })).audit_logs).toBe(4);
    expect(await db().prisma.auditLog.count()).toBe(1);
    expect((await prune({}, { batchSize: 2 })).audit_logs).toBe(1);
    expect(await db().prisma.auditLog.count()).toBe(0);
  });

  it("runs in the delivery worker", async () => {
    const now = Date.now();
    await audit(new Date(now - 401 * DAY));
    const kept = await audit(new Date(now - 399 * DAY));
    const worker = startDeliveryWorker({
      prisma: db().prisma,
      databaseUrl: db().kind === "server" ? process.env.TEST_DATABASE_URL : undefined,
      logger: { info: () => {}, warn: () => {}, error: console.error },
      pruning: { firstAfterMs: 0, intervalMs: 60_000, settings: SETTINGS },
    });
    try {
      await expect.poll(() => db().prisma.auditLog.count(), { timeout: 10_000 }).toBe(1);
      expect((await db().prisma.auditLog.findFirstOrThrow()).id).toBe(kept.id);
    } finally {
      await worker.stop();
    }
  });
});

describe("retention settings", () => {
  const names = [
    "DELEGATE_RETENTION_AUDIT_DAYS",
    "DELEGATE_RETENTION_HOOK_EXECUTIONS_DAYS",
    "DELEGATE_RETENTION_EVENTS_DAYS",
    "DELEGATE_RETENTION_MAIL_DAYS",
    "DELEGATE_RETENTION_SIGN_IN_THROTTLES_DAYS",
    "DELEGATE_RETENTION_DELETED_USERS_DAYS",
    "DELEGATE_RETENTION_JOBS_DAYS",
  ];
  const withEnv = (values: Record<string, string>) => {
    for (const name of names) delete process.env[name];
    Object.assign(process.env, values);
    resetConfigForTests();
  };

  it("default to 400 days of audit, 30 of the rest and a day of sign-in throttles, each configurable", () => {
    try {
      withEnv({});
      expect(retentionSettings()).toEqual({ auditDays: 400, hookExecutionsDays: 30, eventsDays: 30, mailDays: 30, signInThrottlesDays: 1, deletedUsersDays: 30, jobsDays: 30 });
      withEnv({ DELEGATE_RETENTION_AUDIT_DAYS: "730", DELEGATE_RETENTION_EVENTS_DAYS: "0", DELEGATE_RETENTION_DELETED_USERS_DAYS: "7", DELEGATE_RETENTION_JOBS_DAYS: "90" });
      expect(retentionSettings()).toMatchObject({ auditDays: 730, eventsDays: 0, deletedUsersDays: 7, jobsDays: 90 });
      withEnv({ DELEGATE_RETENTION_MAIL_DAYS: "-1" });
      expect(() => retentionSettings()).toThrow("DELEGATE_RETENTION_MAIL_DAYS");
    } finally {
      withEnv({});
    }
  });
});
