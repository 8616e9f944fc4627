/**
 * Issue 14, bulk actions at a million users: how many users a `users_bulk` job goes through per second. Seeds
 * BENCH_BULK_USERS users (default 1,000,000, a fifth in each of five departments) with generate_series, then runs
 * jobs through the runner as the server does, each over "all matching" the search `user0001` (the 1,000 users
 * user0001000…user0001999): Ian (Administrator, no hooks) blocks them, unblocks them and deletes them; then with
 * the demo Filter and Access Hooks Kelly (Finance) blocks those of her scoped list. Each user is the single action
 * (its own transaction, audit entry and events) plus its result row. On the PostgreSQL server of
 * BENCH_DATABASE_URL (database BENCH_BULK_DATABASE, default delegate_bench_bulk).
 */
import { loadActor } from "@/lib/auth/actor";
import { DEMO_ACCESS_HOOK, DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { startHookThreads } from "@/lib/hooks/sandbox-threads";
import { kickJobs } from "@/lib/jobs/runner";
import { createUsersBulkJob } from "@/lib/jobs/users-bulk-job";
import { usersBulkJobSchema } from "@/lib/schemas/user-bulk";
import { DEMO_CONNECTION, seedDemoData } from "@/lib/seed/demo-data";
import { openFreshBenchDatabase } from "./lib/db";
import { perSecond, table } from "./lib/format";
import { timeMs } from "./lib/timing";

const USERS = Number(process.env.BENCH_BULK_USERS || 1_000_000);
const SEED_BATCH = 50_000;
const SEARCH = "user0001";

export async function benchUsersBulk() {
  const bench = await openFreshBenchDatabase({ database: process.env.BENCH_BULK_DATABASE || "delegate_bench_bulk", poolSize: 4 });
  const lines: string[] = [];
  try {
    const prisma = bench.db.prisma;
    await seedDemoData(prisma, { users: 0, hooks: false });
    const connection = await prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
    for (let first = 1; first <= USERS; first += SEED_BATCH) {
      await bench.pool.query(
        `INSERT INTO users (id, connection_id, email, name, app_metadata, created_at, updated_at)
         SELECT gen_random_uuid(), $1, 'user' || lpad(i::text, 7, '0') || '@bench.example', 'User ' || i,
           jsonb_build_object('memberships', jsonb_build_array((ARRAY['Finance','IT','Sales','HR','Marketing'])[1 + i % 5])),
           now() - interval '1 day', now()
         FROM generate_series($2::int, $3::int) i`,
        [connection.id, first, Math.min(USERS, first + SEED_BATCH - 1)],
      );
    }
    await bench.pool.query("VACUUM ANALYZE users");
    await startHookThreads();
    const load = async (email: string) => loadActor((await prisma.user.findFirstOrThrow({ where: { email } })).id, "console");
    const [ian, kelly] = [await load("ian@example.com"), await load("kelly@example.com")];

    const rows: string[][] = [];
    const run = async (label: string, actor: typeof ian, body: Record<string, unknown>) => {
      const { ms, value: job } = await timeMs(async () => {
        const created = await createUsersBulkJob(actor, usersBulkJobSchema.parse(body));
        await kickJobs();
        return prisma.job.findUniqueOrThrow({ where: { id: created.id } });
      });
      const summary = job.summary as { done: number; failed: number; total: number };
      rows.push([label, String(summary.total), String(summary.done), String(summary.failed), `${(ms / 1000).toFixed(1)} s`, perSecond((summary.done + summary.failed) / (ms / 1000), "users")]);
    };
    const query = { search: SEARCH };
    await run(`Ian blocks all matching "${SEARCH}" (no hooks)`, ian, { action: "block", query });
    await run("Ian unblocks them (no hooks)", ian, { action: "unblock", query });
    await saveHook(ian, { kind: "filter", code: DEMO_FILTER_HOOK, enabled: true, timeoutMs: 2_000 });
    await saveHook(ian, { kind: "access", code: DEMO_ACCESS_HOOK, enabled: true, timeoutMs: 2_000 });
    await run("Kelly blocks her scoped list's matches (demo Filter and Access Hooks)", kelly, { action: "block", query });
    await run("Ian deletes all matching (demo hooks; IT sees everyone)", ian, { action: "delete", query });
    lines.push(`${USERS.toLocaleString("en")} seeded users; each job run by the job runner in this process, one user at a time.`);
    lines.push(...table(["job", "total", "done", "refused", "time", "throughput"], rows));
    return { name: "Bulk jobs (users_bulk) through the runner", lines };
  } finally {
    await bench.close();
  }
}
