import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { pruneAuditBatch } from "@/lib/audit/prune-chain";
import { purgeDeletedUsersStatement } from "@/lib/users/deleted-users";
import type { RetentionSettings } from "./settings";

/*
 * Deletes what is older than its retention (lib/retention/settings.ts), table by table, in batches of
 * one short statement each, so that a large backlog never holds locks for long and never blocks the
 * writes of the console or the delivery worker. `FOR UPDATE SKIP LOCKED` lets several worker
 * processes prune at once without waiting for each other. Work still under way is never pruned: an
 * undispatched event, an event with a pending or in-flight delivery or a delivery attempted within
 * the retention, a mail still being sent, a sign-in wait still running. The audit log is pruned from its
 * oldest entry in chain order, in one transaction per batch that moves the chain's anchor
 * (lib/audit/prune-chain.ts).
 */

const DAY_MS = 86_400_000;
/** Rows per statement; events take their deliveries and attempts with them, so fewer at a time. */
export const PRUNE_BATCH = 1_000;
const EVENT_BATCH = 200;

export type PrunedTable = "hook_executions" | "events" | "mail_messages" | "account_tokens" | "sign_in_throttles" | "deleted_users" | "jobs" | "audit_logs";
export type PruneCounts = Record<PrunedTable, number>;

/** A `timestamp` (UTC, as Prisma writes it) for an epoch in milliseconds. */
const utcTimestamp = (ms: number) => Prisma.sql`(to_timestamp(${ms}::float8 / 1000) AT TIME ZONE 'UTC')`;
/** A `timestamptz` for an epoch in milliseconds. */
const instant = (ms: number) => Prisma.sql`to_timestamp(${ms}::float8 / 1000)`;

type Batch = { days: keyof RetentionSettings; limit: number } & (
  | { statement: (cutoffMs: number, limit: number) => Prisma.Sql }
  | { run: (prisma: PrismaClient, cutoffMs: number, limit: number) => Promise<number> }
);

/** One batch for a table: deletes at most `limit` rows older than the cutoff (epoch ms), by one statement. */
const BATCHES: Record<PrunedTable, Batch> = {
  hook_executions: {
    days: "hookExecutionsDays",
    limit: PRUNE_BATCH,
    statement: (cutoff, limit) => Prisma.sql`
      DELETE FROM hook_executions WHERE id IN (
        SELECT id FROM hook_executions WHERE created_at < ${utcTimestamp(cutoff)} LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  },
  // Deliveries and their attempts go with their event (ON DELETE CASCADE).
  events: {
    days: "eventsDays",
    limit: EVENT_BATCH,
    statement: (cutoff, limit) => Prisma.sql`
      DELETE FROM events WHERE id IN (
        SELECT e.id FROM events e
        WHERE e.created_at < ${utcTimestamp(cutoff)} AND e.dispatched_at IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM deliveries d
            WHERE d.event_id = e.id AND (d.status IN ('pending', 'in_flight') OR d.updated_at >= ${utcTimestamp(cutoff)}))
        LIMIT ${limit} FOR UPDATE OF e SKIP LOCKED)`,
  },
  // A mail's outbox event has the mail's id.
  mail_messages: {
    days: "mailDays",
    limit: PRUNE_BATCH,
    statement: (cutoff, limit) => Prisma.sql`
      DELETE FROM mail_messages WHERE id IN (
        SELECT m.id FROM mail_messages m
        WHERE m.created_at < ${utcTimestamp(cutoff)}
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = m.id AND d.status IN ('pending', 'in_flight'))
        LIMIT ${limit} FOR UPDATE OF m SKIP LOCKED)`,
  },
  // Counted from the link's expiry: an expired link is useless, kept only to say it expired.
  account_tokens: {
    days: "mailDays",
    limit: PRUNE_BATCH,
    statement: (cutoff, limit) => Prisma.sql`
      DELETE FROM account_tokens WHERE id IN (
        SELECT id FROM account_tokens WHERE expires_at < ${utcTimestamp(cutoff)} LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  },
  sign_in_throttles: {
    days: "signInThrottlesDays",
    limit: PRUNE_BATCH,
    statement: (cutoff, limit) => Prisma.sql`
      DELETE FROM sign_in_throttles WHERE key IN (
        SELECT key FROM sign_in_throttles
        WHERE updated_at < ${instant(cutoff)} AND (not_before IS NULL OR not_before < ${instant(cutoff)})
        LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  },
  // Deleted users past their restore window are purged; each purge is audited (user.purge) in the same statement.
  // Fewer at a time: each purge appends an audit entry, and the chain's trigger updates its head once per entry.
  deleted_users: {
    days: "deletedUsersDays",
    limit: EVENT_BATCH,
    statement: (cutoff, limit) => purgeDeletedUsersStatement(utcTimestamp(cutoff), limit),
  },
  // Finished jobs only, and only once their result file is gone (the job runner removes it an hour after it finished).
  // Fewer at a time: a bulk job takes its per-user results with it (ON DELETE CASCADE).
  jobs: {
    days: "jobsDays",
    limit: EVENT_BATCH,
    statement: (cutoff, limit) => Prisma.sql`
      DELETE FROM jobs WHERE id IN (
        SELECT id FROM jobs
        WHERE status IN ('completed', 'failed', 'cancelled') AND completed_at < ${instant(cutoff)} AND result_path IS NULL
        LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  },
  // Last, so that a broken audit chain (which stops its pruning with an error) leaves the others pruned.
  audit_logs: {
    days: "auditDays",
    limit: PRUNE_BATCH,
    run: (prisma, cutoff, limit) => pruneAuditBatch(prisma, utcTimestamp(cutoff), limit),
  },
};

export const PRUNED_TABLES = Object.keys(BATCHES) as PrunedTable[];

export interface PruneOptions {
  /** The moment retention counts back from (tests fix it); default now. */
  now?: Date;
  /** Checked between batches: pruning stops early when it returns true (the worker is stopping). */
  shouldStop?: () => boolean;
  /** Rows per statement instead of the table's default (tests use small batches). */
  batchSize?: number;
}

/**
 * Deletes every row past its table's retention, one batch at a time until a batch comes back short.
 * A retention of 0 days keeps the table's rows for ever. Returns how many rows each table lost.
 */
export async function pruneExpiredRows(prisma: PrismaClient, settings: RetentionSettings, options: PruneOptions = {}): Promise<PruneCounts> {
  const now = (options.now ?? new Date()).getTime();
  const counts = Object.fromEntries(PRUNED_TABLES.map((table) => [table, 0])) as PruneCounts;
  for (const table of PRUNED_TABLES) {
    const batch = BATCHES[table];
    const { days, limit: defaultLimit } = batch;
    if (settings[days] === 0) continue;
    const cutoff = now - settings[days] * DAY_MS;
    const limit = options.batchSize ?? defaultLimit;
    for (;;) {
      if (options.shouldStop?.()) return counts;
      const deleted = "run" in batch ? await batch.run(prisma, cutoff, limit) : await prisma.$executeRaw(batch.statement(cutoff, limit));
      counts[table] += deleted;
      if (deleted < limit) break;
    }
  }
  return counts;
}
