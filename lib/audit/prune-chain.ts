import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { chainRows, entryHash } from "./chain";

/**
 * Retention for the audit log (lib/retention/prune.ts) that keeps the chain verifiable: it deletes only the
 * oldest entries in chain order, up to the first one still within the retention (an older entry written
 * after a younger one waits for it), and moves the anchor to the last entry deleted in the same
 * transaction, so that the first kept entry chains to the anchor's hash. It checks what it deletes first:
 * a batch with an edited, missing or re-ordered entry is not deleted (that would erase the evidence), and
 * the pruning fails with the reason until someone has looked (npm run audit:verify).
 * One process prunes the audit log at a time (the anchor row is locked; others skip it).
 */
export async function pruneAuditBatch(prisma: PrismaClient, expiredBefore: Prisma.Sql, limit: number): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const anchors = await tx.$queryRaw<{ seq: bigint; hash: string }[]>`
      SELECT seq, hash FROM audit_chain WHERE name = 'anchor' FOR UPDATE SKIP LOCKED`;
    if (!anchors.length) return 0;
    let previous = { seq: BigInt(anchors[0].seq), hash: anchors[0].hash };
    const rows = await chainRows(tx, previous.seq, limit, expiredBefore);
    let last: typeof previous | null = null;
    for (const row of rows) {
      if (!row.expired) break;
      if (row.seq !== previous.seq + 1n || row.prev_hash !== previous.hash || entryHash(row.prev_hash, row.fields) !== row.hash) {
        throw new Error(`The audit chain is broken at entry ${row.seq}: audit entries are not pruned until it is verified (npm run audit:verify).`);
      }
      previous = last = { seq: row.seq, hash: row.hash };
    }
    if (!last) return 0;
    const deleted = await tx.$executeRaw`DELETE FROM audit_logs WHERE seq > ${BigInt(anchors[0].seq)} AND seq <= ${last.seq}`;
    await tx.$executeRaw`UPDATE audit_chain SET seq = ${last.seq}, hash = ${last.hash} WHERE name = 'anchor'`;
    return deleted;
  });
}
