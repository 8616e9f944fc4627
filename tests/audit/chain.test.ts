import { beforeEach, describe, expect, it } from "vitest";
import { currentCheckpoint, entryHash, GENESIS_HASH, verifyChain } from "@/lib/audit/chain";
import { recordAudit } from "@/lib/audit/record";
import { pruneExpiredRows } from "@/lib/retention/prune";
import { useTestDatabase } from "../helpers/db";

/*
 * Issue 13, "Audit that proves": the audit log is a hash chain; the verifier names the first entry
 * edited, removed or re-ordered in SQL, a truncated tail against an exported checkpoint, and pruning
 * keeps the chain verifiable.
 */

const db = useTestDatabase();
const DAY = 86_400_000;
const NOW = new Date("2026-12-07T12:00:00.000Z");
const system = { id: null, email: null, channel: "system" as const };

beforeEach(async () => {
  await db().prisma.$executeRaw`TRUNCATE audit_logs`;
  await db().prisma.$executeRaw`UPDATE audit_chain SET seq = 0, hash = ${GENESIS_HASH}`;
});

/** Entries 1..n, a day apart, the first `n` days before NOW. */
async function entries(n: number, firstDaysAgo = n) {
  for (let i = 0; i < n; i++) {
    await db().prisma.auditLog.create({
      data: { channel: "system", action: `test.${i + 1}`, result: "success", createdAt: new Date(NOW.getTime() - (firstDaysAgo - i) * DAY), details: { n: i + 1, text: "Zoë 🎉" } },
    });
  }
  return chain();
}

/** The entries with their chain columns (outside the Prisma model), in chain order. */
const chain = () =>
  db().prisma.$queryRaw<{ id: string; seq: bigint; prevHash: string; hash: string }[]>`
    SELECT id::text AS id, seq, prev_hash AS "prevHash", hash FROM audit_logs ORDER BY seq`;

const verify = () => verifyChain(db().prisma);

describe("the audit chain", () => {
  it("links every entry to the one before, and the verifier recomputes each hash in JavaScript", async () => {
    const rows = await entries(5);
    expect(rows.map((row) => row.seq)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(rows[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, checked: 5, problem: null, head: { seq: "5", hash: rows[4].hash }, anchor: { seq: "0" } });
  });

  it("stays whole under concurrent appends, in the order they commit", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => db().prisma.$transaction((tx) => recordAudit(tx, system, { action: "test.concurrent", details: { i } }))),
    );
    const seqs = (await chain()).map((row) => Number(row.seq));
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await verify()).toMatchObject({ ok: true, checked: 20 });
  });

  it("rolls the head back with a transaction that appended and failed", async () => {
    await entries(2);
    await expect(
      db().prisma.$transaction(async (tx) => {
        await recordAudit(tx, system, { action: "test.rolled_back" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await recordAudit(db().prisma, system, { action: "test.after" });
    expect(await verify()).toMatchObject({ ok: true, checked: 3, head: { seq: "3" } });
  });

  it("names exactly the entry edited in SQL", async () => {
    const rows = await entries(6);
    await db().prisma.$executeRaw`UPDATE audit_logs SET actor_email = 'someone-else@example.com' WHERE seq = 4`;
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problem).toEqual({
      kind: "edited",
      seq: "4",
      entry_id: rows[3].id,
      message: "Entry 4 was edited after it was written: its fields no longer match its hash.",
    });
    expect(report.checked).toBe(3);
  });

  it("names an edit of the details, however small", async () => {
    await entries(3);
    await db().prisma.$executeRaw`UPDATE audit_logs SET details = jsonb_set(details, '{n}', '20') WHERE seq = 2`;
    expect((await verify()).problem).toMatchObject({ kind: "edited", seq: "2" });
  });

  it("names an entry edited and re-hashed at its successor's broken link", async () => {
    const rows = await entries(5);
    await db().prisma.$executeRaw`UPDATE audit_logs SET action = 'test.forged' WHERE seq = 2`;
    await db().prisma.$executeRaw`UPDATE audit_logs SET hash = audit_entry_hash(prev_hash, audit_logs) WHERE seq = 2`;
    expect((await verify()).problem).toMatchObject({ kind: "broken_link", seq: "2", entry_id: rows[1].id });
  });

  it("names a removed entry", async () => {
    await entries(6);
    await db().prisma.$executeRaw`DELETE FROM audit_logs WHERE seq = 3`;
    expect((await verify()).problem).toEqual({ kind: "removed", seq: "3", entry_id: null, message: "Entry 3 was removed (before entry 4)." });
  });

  it("names the first entry removed at the start of the chain", async () => {
    await entries(4);
    await db().prisma.$executeRaw`DELETE FROM audit_logs WHERE seq <= 2`;
    expect((await verify()).problem).toMatchObject({ kind: "removed", seq: "1", message: "Entries 1 to 2 were removed (before entry 3)." });
  });

  it("names the first of a re-ordered pair", async () => {
    const rows = await entries(6);
    await db().prisma.$executeRaw`UPDATE audit_logs SET seq = 1000 WHERE seq = 3`;
    await db().prisma.$executeRaw`UPDATE audit_logs SET seq = 3 WHERE seq = 4`;
    await db().prisma.$executeRaw`UPDATE audit_logs SET seq = 4 WHERE seq = 1000`;
    expect((await verify()).problem).toEqual({
      kind: "reordered",
      seq: "3",
      entry_id: rows[3].id,
      message: "Entry 3 was moved: it was written after entry 4, which now comes later.",
    });
  });

  it("detects a truncated tail from the head, and against a checkpoint when the head was moved back too", async () => {
    const rows = await entries(6);
    const checkpoint = await currentCheckpoint(db().prisma);
    expect(checkpoint).toMatchObject({ seq: "6", hash: rows[5].hash });
    await db().prisma.$executeRaw`DELETE FROM audit_logs WHERE seq >= 5`;
    expect((await verify()).problem).toMatchObject({ kind: "truncated", seq: "5", message: "Entries 5 to 6 were removed from the end of the log." });

    await db().prisma.$executeRaw`UPDATE audit_chain SET seq = 4, hash = ${rows[3].hash} WHERE name = 'head'`;
    expect(await verify()).toMatchObject({ ok: true });
    const report = await verifyChain(db().prisma, [{ seq: 6n, hash: checkpoint.hash }, { seq: 2n, hash: rows[1].hash }]);
    expect(report.ok).toBe(false);
    expect(report.checkpoints.map((found) => found.status)).toEqual(["missing", "ok"]);
    expect(report.problem).toMatchObject({ kind: "checkpoint", seq: "6" });
  });

  it("detects a chain rewritten from a checkpoint's entry on", async () => {
    await entries(3);
    const checkpoint = await currentCheckpoint(db().prisma);
    await db().prisma.$executeRaw`UPDATE audit_logs SET hash = ${"f".repeat(64)} WHERE seq = 3`;
    await db().prisma.$executeRaw`UPDATE audit_chain SET hash = ${"f".repeat(64)} WHERE name = 'head'`;
    const report = await verifyChain(db().prisma, [{ seq: BigInt(checkpoint.seq), hash: checkpoint.hash }]);
    expect(report.checkpoints).toEqual([{ seq: "3", hash: checkpoint.hash, status: "mismatch" }]);
  });

  it("hashes each field with its length, so moving text between fields changes the hash", () => {
    expect(entryHash(GENESIS_HASH, ["ab", "c"])).not.toBe(entryHash(GENESIS_HASH, ["a", "bc"]));
    expect(entryHash(GENESIS_HASH, [null])).not.toBe(entryHash(GENESIS_HASH, [""]));
  });
});

describe("pruning the audit chain", () => {
  const prune = (options: { batchSize?: number } = {}) =>
    pruneExpiredRows(db().prisma, { auditDays: 400, hookExecutionsDays: 0, eventsDays: 0, mailDays: 0, signInThrottlesDays: 0, deletedUsersDays: 0, jobsDays: 0 }, { now: NOW, ...options });

  it("deletes the oldest entries in chain order, anchors the first kept one, and the chain still verifies", async () => {
    const rows = await entries(6, 403);
    // 403, 402 and 401 days old are past 400 days; 400 (exactly at the cutoff), 399 and 398 are kept.
    expect((await prune({ batchSize: 2 })).audit_logs).toBe(3);
    const kept = await chain();
    expect(kept.map((row) => row.seq)).toEqual([4n, 5n, 6n]);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, checked: 3, anchor: { seq: "3", hash: rows[2].hash } });
  });

  it("keeps an old entry written after a younger one until the younger is pruned", async () => {
    await db().prisma.auditLog.create({ data: { channel: "system", action: "young", result: "success", createdAt: new Date(NOW.getTime() - 10 * DAY) } });
    await db().prisma.auditLog.create({ data: { channel: "system", action: "old", result: "success", createdAt: new Date(NOW.getTime() - 500 * DAY) } });
    expect((await prune()).audit_logs).toBe(0);
    expect(await db().prisma.auditLog.count()).toBe(2);
  });

  it("refuses to prune over a broken chain, so the evidence stays", async () => {
    await entries(5, 500);
    await db().prisma.$executeRaw`UPDATE audit_logs SET action = 'test.forged' WHERE seq = 2`;
    await expect(prune()).rejects.toThrow("The audit chain is broken at entry 2: audit entries are not pruned until it is verified (npm run audit:verify).");
    expect(await db().prisma.auditLog.count()).toBe(5);
    expect((await verify()).problem).toMatchObject({ kind: "edited", seq: "2" });
  });

  it("detects entries removed before the anchor's successor after pruning", async () => {
    await entries(6, 403);
    await prune();
    await db().prisma.$executeRaw`DELETE FROM audit_logs WHERE seq = 4`;
    expect((await verify()).problem).toMatchObject({ kind: "removed", seq: "4", message: "Entry 4 was removed (before entry 5)." });
  });
});
