import crypto from "node:crypto";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";

/*
 * The tamper-evident audit chain. Every INSERT into audit_logs gets, from the audit_chain_append trigger
 * (migration 20261207135640_audit_chain), the next `seq`, the previous entry's hash as `prev_hash`, and
 * `hash` = SHA-256(prev_hash, "\n", each field as "<bytes>:<text>" or "-" for NULL). The trigger locks the
 * chain's head row until its transaction ends, so appends are serialised in commit order.
 *
 * The verifier recomputes every hash here, in JavaScript, from the fields' texts as PostgreSQL prints
 * them (so a replaced SQL function cannot vouch for itself), and walks the links from the anchor (the last
 * entry pruned by retention) to the head (the last entry appended). Whoever can write the database can
 * also rewrite the whole chain consistently: exported checkpoints, kept elsewhere, catch that, and a
 * truncated tail that took the head row with it.
 */

export const GENESIS_HASH = "0".repeat(64);
const BATCH = 1_000;

/** One entry as the chain sees it: the hashed fields as text, in the order they are hashed. */
export interface ChainRow {
  seq: bigint;
  id: string;
  prev_hash: string;
  hash: string;
  fields: (string | null)[];
  /** Older than a cutoff asked for (pruning); false otherwise. */
  expired: boolean;
}

type RawChainRow = Omit<ChainRow, "fields" | "expired"> & { expired: boolean | null } & Record<(typeof HASHED)[number], string | null>;

/** The hashed columns, in order, as SQL that prints each the way the trigger hashed it. */
const HASHED = [
  "id",
  "created_at",
  "actor_id",
  "actor_email",
  "channel",
  "action",
  "target_user_id",
  "target_email",
  "ip_address",
  "user_agent",
  "result",
  "error_message",
  "details",
] as const;

const HASHED_SQL = Prisma.raw(
  [
    "a.id::text AS id",
    `to_char(a.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS created_at`,
    "a.actor_id::text AS actor_id",
    "a.actor_email",
    "a.channel",
    "a.action",
    "a.target_user_id::text AS target_user_id",
    "a.target_email",
    "a.ip_address",
    "a.user_agent",
    "a.result",
    "a.error_message",
    "a.details::text AS details",
  ].join(", "),
);

/** SHA-256 of an entry, as the trigger computes it. */
export function entryHash(prevHash: string, fields: readonly (string | null)[]): string {
  const hash = crypto.createHash("sha256").update(`${prevHash}\n`);
  for (const field of fields) hash.update(field === null ? "-" : `${Buffer.byteLength(field, "utf8")}:${field}`);
  return hash.digest("hex");
}

type Db = PrismaClient | Prisma.TransactionClient;

/** Up to `limit` entries after `afterSeq`, in chain order; `expiredBefore` is a `timestamp` SQL value. */
export async function chainRows(db: Db, afterSeq: bigint, limit: number, expiredBefore: Prisma.Sql = Prisma.sql`NULL::timestamp`): Promise<ChainRow[]> {
  const rows = await db.$queryRaw<RawChainRow[]>`
    SELECT a.seq, a.prev_hash, a.hash, ${HASHED_SQL}, a.created_at < ${expiredBefore} AS expired
    FROM audit_logs a WHERE a.seq > ${afterSeq} ORDER BY a.seq LIMIT ${limit}`;
  return rows.map((row) => ({
    seq: BigInt(row.seq),
    id: row.id as string,
    prev_hash: row.prev_hash,
    hash: row.hash,
    fields: HASHED.map((column) => row[column]),
    expired: row.expired === true,
  }));
}

export interface ChainEnd {
  seq: bigint;
  hash: string;
}

export async function chainEnds(db: Db): Promise<{ head: ChainEnd; anchor: ChainEnd }> {
  const rows = await db.auditChain.findMany();
  const end = (name: string): ChainEnd => {
    const row = rows.find((found) => found.name === name);
    // The migration creates both rows; a missing one is itself tampering.
    return row ? { seq: row.seq, hash: row.hash } : { seq: -1n, hash: "" };
  };
  return { head: end("head"), anchor: end("anchor") };
}

export type ChainProblemKind = "edited" | "removed" | "reordered" | "broken_link" | "truncated" | "checkpoint";

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The position the problem is found at (the entry, or where the missing ones were). */
  seq: string;
  entry_id: string | null;
  message: string;
}

/** A point of the chain exported earlier (`npm run audit:verify -- --export-checkpoint`). */
export interface Checkpoint {
  seq: bigint;
  hash: string;
}

export type CheckpointStatus = "ok" | "pruned" | "mismatch" | "missing";

export interface ChainReport {
  ok: boolean;
  /** Entries whose hash and link were checked. */
  checked: number;
  anchor: { seq: string; hash: string };
  head: { seq: string; hash: string };
  /** The first problem in chain order; null when the chain is whole. */
  problem: ChainProblem | null;
  checkpoints: { seq: string; hash: string; status: CheckpointStatus }[];
}

const problem = (kind: ChainProblemKind, seq: bigint, entryId: string | null, message: string): ChainProblem => ({
  kind,
  seq: seq.toString(),
  entry_id: entryId,
  message,
});

/** Why `row`'s link to its predecessor `previous` is broken (both hashes are valid on their own). */
async function brokenLink(db: Db, previous: ChainEnd & { id: string | null }, row: ChainRow): Promise<ChainProblem> {
  const later = await db.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_logs WHERE hash = ${row.prev_hash} AND seq > ${row.seq} LIMIT 1`;
  if (later.length) {
    return problem("reordered", row.seq, row.id, `Entry ${row.seq} was moved: it was written after entry ${BigInt(later[0].seq)}, which now comes later.`);
  }
  if (row.seq !== previous.seq + 1n) {
    const first = previous.seq + 1n;
    const missing = first === row.seq - 1n ? `Entry ${first} was` : `Entries ${first} to ${row.seq - 1n} were`;
    return problem("removed", first, null, `${missing} removed (before entry ${row.seq}).`);
  }
  return problem(
    "broken_link",
    previous.seq,
    previous.id,
    previous.id
      ? `Entry ${previous.seq} was changed and re-hashed after entry ${row.seq} was written, or entries between them were removed and the rest renumbered.`
      : `Entry ${row.seq} does not follow the retention anchor (entry ${previous.seq}): entries before it were removed, or the anchor was changed.`,
  );
}

/** Checks each entry's hash and its link to the one before, from the anchor to the head; stops at the first problem. */
async function walk(db: Db, anchor: ChainEnd, head: ChainEnd): Promise<{ checked: number; problem: ChainProblem | null }> {
  let previous: ChainEnd & { id: string | null } = { ...anchor, id: null };
  let checked = 0;
  for (;;) {
    const rows = await chainRows(db, previous.seq, BATCH);
    for (const row of rows) {
      if (entryHash(row.prev_hash, row.fields) !== row.hash) {
        return { checked, problem: problem("edited", row.seq, row.id, `Entry ${row.seq} was edited after it was written: its fields no longer match its hash.`) };
      }
      if (row.prev_hash !== previous.hash) return { checked, problem: await brokenLink(db, previous, row) };
      if (row.seq !== previous.seq + 1n) {
        return { checked, problem: problem("reordered", row.seq, row.id, `Entry ${row.seq} was renumbered: it follows entry ${previous.seq} directly.`) };
      }
      checked += 1;
      previous = { seq: row.seq, hash: row.hash, id: row.id };
    }
    if (rows.length < BATCH) break;
  }
  if (head.seq > previous.seq) {
    return { checked, problem: problem("truncated", previous.seq + 1n, null, `Entries ${previous.seq + 1n} to ${head.seq} were removed from the end of the log.`) };
  }
  if (head.seq !== previous.seq || head.hash !== previous.hash) {
    return { checked, problem: problem("broken_link", previous.seq, previous.id, `The chain's head (entry ${head.seq}) does not match the last entry (${previous.seq}): the last entry was changed and re-hashed, or the head was.`) };
  }
  return { checked, problem: null };
}

async function checkpointStatus(db: Db, anchor: ChainEnd, checkpoint: Checkpoint): Promise<CheckpointStatus> {
  if (checkpoint.seq === anchor.seq) return checkpoint.hash === anchor.hash ? "ok" : "mismatch";
  if (checkpoint.seq < anchor.seq) return "pruned";
  const found = await db.$queryRaw<{ hash: string }[]>`SELECT hash FROM audit_logs WHERE seq = ${checkpoint.seq}`;
  if (!found.length) return "missing";
  return found[0].hash === checkpoint.hash ? "ok" : "mismatch";
}

/** Verifies the whole chain and each checkpoint given; the report names the first entry edited, removed or re-ordered. */
export async function verifyChain(db: Db, checkpoints: readonly Checkpoint[] = []): Promise<ChainReport> {
  const { head, anchor } = await chainEnds(db);
  const result = await walk(db, anchor, head);
  const statuses = [];
  for (const checkpoint of checkpoints) {
    statuses.push({ seq: checkpoint.seq.toString(), hash: checkpoint.hash, status: await checkpointStatus(db, anchor, checkpoint) });
  }
  const failed = statuses.find((status) => status.status === "missing" || status.status === "mismatch");
  const checkpointProblem =
    failed &&
    problem(
      "checkpoint",
      BigInt(failed.seq),
      null,
      failed.status === "missing"
        ? `Entry ${failed.seq} of an exported checkpoint is gone: the log was truncated or the entry removed.`
        : `Entry ${failed.seq} no longer has the hash of an exported checkpoint: the chain was rewritten.`,
    );
  const found = result.problem ?? checkpointProblem ?? null;
  return {
    ok: found === null,
    checked: result.checked,
    anchor: { seq: anchor.seq.toString(), hash: anchor.hash },
    head: { seq: head.seq.toString(), hash: head.hash },
    problem: found,
    checkpoints: statuses,
  };
}

/** The chain's head, to keep outside the database and verify against later. */
export async function currentCheckpoint(db: Db): Promise<{ seq: string; hash: string; exported_at: string }> {
  const { head } = await chainEnds(db);
  return { seq: head.seq.toString(), hash: head.hash, exported_at: new Date().toISOString() };
}
