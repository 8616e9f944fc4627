/**
 * What issue 9's compatibility costs. (1) The Access Hook asked `read:user` for every row of a listed
 * page: a page of 100 with the demo Access Hook against the same page without it (PostgreSQL, rounds of
 * each in turn). (2) Modules cost only the hooks that require them: runHook of a hook that requires
 * lodash and uuid against the same hook without require, and the seed Write Hook as today's plain cost.
 *
 * `npm run bench -- hooks-compat`; BENCH_DATABASE_URL names the server (the database is delegate_hooks_compat_bench).
 */
import { loadActor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { DEMO_ACCESS_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { runHook } from "@/lib/hooks/sandbox";
import { SEED_WRITE_HOOK } from "@/lib/hooks/seed-write-hook";
import { listUsersSchema } from "@/lib/schemas/user";
import { seedDemoData } from "@/lib/seed/demo-data";
import { listUsers } from "@/lib/users/list-users";
import { openFreshBenchDatabase } from "./lib/db";
import { ms, ratio, verdict } from "./lib/format";
import { loadLine } from "./lib/machine";
import { percentile } from "./lib/stats";
import { timeAlternating, timeMs } from "./lib/timing";

const USERS = 1_000;
const ROUNDS = 6;
const PAGES_PER_ROUND = 25;

export async function benchAccessHookPage() {
  const lines = [loadLine("at start")];
  const bench = await openFreshBenchDatabase({ database: "delegate_hooks_compat_bench" });
  try {
    await seedDemoData(bench.db.prisma, { users: USERS, hooks: false });
    const ian = await loadActor((await bench.db.prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } })).id, "console");
    const input = listUsersSchema.parse({ per_page: 100 });
    const samples: Record<"without" | "with", number[]> = { without: [], with: [] };
    const phase = async (name: "without" | "with", record: boolean) => {
      await bench.db.prisma.hookVersion.deleteMany({ where: { kind: "access" } });
      await bench.db.prisma.hook.deleteMany({ where: { kind: "access" } });
      if (name === "with") await saveHook(ian, { kind: "access", code: DEMO_ACCESS_HOOK, enabled: true, timeoutMs: 500 });
      clearAllMemos();
      for (let i = 0; i < PAGES_PER_ROUND; i++) {
        const { ms: wall, value } = await timeMs(() => listUsers(ian, input));
        if (value.users.length !== 100) throw new Error(`expected a full page, got ${value.users.length}`);
        if (record) samples[name].push(wall);
      }
    };
    await phase("with", false);
    await phase("without", false);
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of round % 2 === 0 ? (["without", "with"] as const) : (["with", "without"] as const)) await phase(name, true);
    }
    const p50 = (name: "without" | "with") => percentile(samples[name], 50);
    const p95 = (name: "without" | "with") => percentile(samples[name], 95);
    lines.push(`page of 100 of ${USERS + 4} users (Ian, IT: the demo Access Hook allows every row), ${ROUNDS} rounds of ${PAGES_PER_ROUND} pages each way`);
    lines.push("contender                 p50         p95");
    for (const name of ["without", "with"] as const) lines.push(`${`${name} Access Hook`.padEnd(26)}${ms(p50(name)).padEnd(12)}${ms(p95(name))}`);
    const slowdown = p50("with") / p50("without");
    lines.push(`with / without (p50): ${ratio(slowdown)} ${verdict(slowdown <= 2, "≤ 2×")}`);
  } finally {
    await bench.close();
  }
  lines.push(loadLine("at end"));
  return { name: "Access Hook on every listed row", lines };
}

const WITH_MODULES = `function (ctx, callback) {
  var _ = require('lodash');
  var uuid = require('uuid');
  callback(null, { id: uuid.v4(), departments: _.uniq(ctx.departments).sort() });
}`;
const WITHOUT_MODULES = `function (ctx, callback) {
  var seen = {};
  var departments = ctx.departments.filter(function (d) { return seen[d] ? false : (seen[d] = true); }).sort();
  callback(null, { id: 'no-uuid-' + departments.length, departments: departments });
}`;

export async function benchModules() {
  const lines = [loadLine("at start")];
  const args = [{ departments: ["IT", "HR", "IT", "Finance"] }];
  const writeContext = {
    method: "create",
    payload: { email: "jane@example.com", password: "x", connection: "Username-Password-Authentication", memberships: ["IT"], app_metadata: {} },
    request: { user: { app_metadata: { department: "IT" } } },
  };
  const run = (code: string, runArgs: unknown[], modules?: object) => async () => {
    const outcome = await runHook({ hookName: "Bench Hook", code, args: runArgs, timeoutMs: 2_000, ...(modules && { modules }) });
    if (!outcome.ok) throw new Error(outcome.error?.message);
  };
  const samples = await timeAlternating(
    {
      "require lodash + uuid": run(WITH_MODULES, args, {}),
      "same hook, no require": run(WITHOUT_MODULES, args),
      "seed Write Hook (plain)": run(SEED_WRITE_HOOK, [writeContext]),
    },
    { warmup: 30, iterations: 300 },
  );
  lines.push("runHook, 300 calls each after 30 warm-up calls, alternating, fresh isolation per call");
  lines.push("contender                 p50         p99");
  for (const [name, { wall }] of Object.entries(samples)) lines.push(`${name.padEnd(26)}${ms(percentile(wall, 50)).padEnd(12)}${ms(percentile(wall, 99))}`);
  lines.push(loadLine("at end"));
  return { name: "Modules cost only the hooks that require them", lines };
}
