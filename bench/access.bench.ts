/**
 * Issue 13's "Evaluate-access p95 ≤ 50 ms": `evaluateAccess` (the API's domain function) for a department
 * admin over 1,000 users with the demo hooks (Filter, Access, Memberships), for `read:user`, `list:user`
 * and `create:user` in a membership, against the request's own check in the same run (`getUser`: the row
 * and the Access Hook, what the evaluation of `read:user` repeats), alternating, one call at a time.
 *
 * `flock /tmp/bench.lock npm run bench -- access`
 */
import { evaluateAccess } from "@/lib/access/evaluate-access";
import { loadActor } from "@/lib/auth/actor";
import { seedDemoData } from "@/lib/seed/demo-data";
import { getUser } from "@/lib/users/get-user";
import { openFreshBenchDatabase } from "./lib/db";
import { ms, ratio, table, verdict } from "./lib/format";
import { loadLine } from "./lib/machine";
import { summarize } from "./lib/stats";
import { timeAlternating } from "./lib/timing";

const ITERATIONS = Number(process.env.BENCH_ACCESS_ITERATIONS ?? 200);
const AIM_P95_MS = 50;

export async function benchEvaluateAccess(): Promise<{ name: string; lines: string[] }> {
  const bench = await openFreshBenchDatabase({ database: "delegate_bench_access" });
  try {
    const prisma = bench.db.prisma;
    await seedDemoData(prisma, { users: 1_000, hooks: true });
    const ian = await loadActor((await prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } })).id, "system");
    const kelly = await loadActor((await prisma.user.findFirstOrThrow({ where: { email: "kelly@example.com" } })).id, "system");
    const [financeUser] = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM users WHERE app_metadata @> '{"memberships":["Finance"]}'::jsonb AND NOT (app_metadata ? 'roles') LIMIT 1`;
    const load = loadLine("before");
    const samples = await timeAlternating(
      {
        "getUser (Kelly's own read)": () => getUser(kelly, financeUser.id),
        "evaluate read:user": () => evaluateAccess(ian, { admin_id: kelly.id, user_id: financeUser.id, action: "read:user" }),
        "evaluate list:user": () => evaluateAccess(ian, { admin_id: kelly.id, user_id: financeUser.id, action: "list:user" }),
        "evaluate create:user in Finance": () => evaluateAccess(ian, { admin_id: kelly.id, action: "create:user", membership: "Finance" }),
      },
      { warmup: 20, iterations: ITERATIONS },
    );
    const baseline = summarize(samples["getUser (Kelly's own read)"].wall);
    const rows = Object.entries(samples).map(([name, sample]) => {
      const summary = summarize(sample.wall);
      return [name, String(summary.n), ms(summary.p50), ms(summary.p95), ratio(summary.p95 / baseline.p95)];
    });
    const worstP95 = Math.max(...Object.entries(samples).filter(([name]) => name.startsWith("evaluate")).map(([, s]) => summarize(s.wall).p95));
    return {
      name: "Evaluate access: one admin, one user, one action, with the demo hooks (1,000 users, PostgreSQL server)",
      lines: [
        load,
        ...table(["call", "n", "p50", "p95", "p95 / getUser's"], rows),
        "",
        `worst evaluation p95 ${ms(worstP95)} ${verdict(worstP95 <= AIM_P95_MS, `p95 ≤ ${AIM_P95_MS} ms`)}`,
        loadLine("after"),
      ],
    };
  } finally {
    await bench.close();
  }
}
