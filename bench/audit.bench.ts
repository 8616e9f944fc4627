/**
 * Issue 13, "Audit that proves": what the hash chain costs. Audit appends (recordAudit, each its own
 * transaction, concurrency 8) with the chain's trigger against the same appends with the trigger disabled;
 * then `verifyChain` and the NDJSON export over 100,000 entries. On the PostgreSQL server of
 * BENCH_DATABASE_URL (database BENCH_AUDIT_DATABASE, default delegate_bench_audit).
 */
import { verifyChain } from "@/lib/audit/chain";
import { exportAuditLog } from "@/lib/audit/export-audit";
import { recordAudit } from "@/lib/audit/record";
import { loadActor } from "@/lib/auth/actor";
import { exportAuditSchema } from "@/lib/schemas/audit";
import { seedDemoData } from "@/lib/seed/demo-data";
import { openFreshBenchDatabase } from "./lib/db";
import { perSecond, ratio, table } from "./lib/format";
import { runConcurrently, timeMs } from "./lib/timing";

const APPENDS = 1_000;
const CONCURRENCY = 8;
const ENTRIES = 100_000;
/** Entries per INSERT when filling: the trigger updates the head row once per entry, so one statement of many
 * thousands slows down more than linearly (each update of the same row within a transaction adds a version). */
const FILL_BATCH = 500;

export async function benchAudit() {
  const bench = await openFreshBenchDatabase({ database: process.env.BENCH_AUDIT_DATABASE || "delegate_bench_audit", poolSize: 10 });
  const lines: string[] = [];
  try {
    const prisma = bench.db.prisma;
    await seedDemoData(prisma, { users: 0, hooks: false });
    const actor = { id: null, email: "bench@example.com", channel: "system" as const };
    const append = (i: number) => prisma.$transaction((tx) => recordAudit(tx, actor, { action: "bench.append", details: { i, note: "a change" } }));
    // Without the chain: no trigger and no unique index on seq (the table as it was before issue 13).
    const withoutChain = async () => {
      await prisma.$executeRawUnsafe("ALTER TABLE audit_logs DISABLE TRIGGER audit_chain_append");
      await prisma.$executeRawUnsafe("DROP INDEX audit_logs_seq_key");
    };
    const withChain = async () => {
      await prisma.$executeRawUnsafe("DELETE FROM audit_logs WHERE seq = 0");
      await prisma.$executeRawUnsafe('CREATE UNIQUE INDEX "audit_logs_seq_key" ON "audit_logs"("seq")');
      await prisma.$executeRawUnsafe("ALTER TABLE audit_logs ENABLE TRIGGER audit_chain_append");
    };

    // Warm-up (JIT, connections), not measured.
    await runConcurrently(200, CONCURRENCY, append);
    const rows: string[][] = [];
    for (let round = 1; round <= 2; round++) {
      await withoutChain();
      const plain = await runConcurrently(APPENDS, CONCURRENCY, append);
      await withChain();
      const chained = await runConcurrently(APPENDS, CONCURRENCY, append);
      rows.push([String(round), perSecond(APPENDS / (plain / 1000), "entries"), perSecond(APPENDS / (chained / 1000), "entries"), ratio(plain / chained)]);
    }
    lines.push(`Audit appends, ${APPENDS} each (recordAudit in its own transaction, concurrency ${CONCURRENCY}):`);
    lines.push(...table(["round", "without the chain", "with the chain", "rate with / without"], rows));

    // The entries appended without the trigger are not in the chain: start the log again, all chained.
    await prisma.$executeRaw`TRUNCATE audit_logs`;
    await prisma.$executeRaw`UPDATE audit_chain SET seq = 0, hash = ${"0".repeat(64)}`;
    const fill = await timeMs(async () => {
      for (let first = 1; first <= ENTRIES; first += FILL_BATCH) {
        await prisma.$executeRawUnsafe(`
          INSERT INTO audit_logs (id, created_at, actor_email, channel, action, target_email, result, details)
          SELECT gen_random_uuid(), timezone('UTC', now()), 'bench@example.com', 'api', 'user.update', 'user' || i || '@bench.example', 'success',
            jsonb_build_object('changes', jsonb_build_array(jsonb_build_object('field', 'name', 'from', 'A' || i, 'to', 'B' || i)))
          FROM generate_series(${first}, ${first + FILL_BATCH - 1}) i`);
      }
    });
    const verified = await timeMs(() => verifyChain(prisma));
    if (!verified.value.ok || verified.value.checked !== ENTRIES) throw new Error(`verify: ${JSON.stringify(verified.value)}`);
    const ian = await prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } });
    const admin = await loadActor(ian.id, "console");
    const exported = await timeMs(async () => {
      const { stream } = await exportAuditLog(admin, exportAuditSchema.parse({ format: "ndjson" }));
      return (await new Response(stream).arrayBuffer()).byteLength;
    });
    lines.push(
      `${ENTRIES.toLocaleString("en")} entries: appended through the trigger in INSERTs of ${FILL_BATCH} ${(fill.ms / 1000).toFixed(2)} s; ` +
        `npm run audit:verify's verifyChain ${(verified.ms / 1000).toFixed(2)} s (${perSecond(ENTRIES / (verified.ms / 1000), "entries")}); ` +
        `NDJSON export ${(exported.ms / 1000).toFixed(2)} s (${(exported.value / 1e6).toFixed(1)} MB).`,
    );
  } finally {
    await bench.close();
  }
  return { name: "Audit chain: appends, verify, export (issue 13)", lines };
}
