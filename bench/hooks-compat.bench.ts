/**
 * What issue 9's compatibility costs. (1) The Access Hook asked `read:user` for every row of a listed
 * page: a page of 100 with the demo Access Hook against the same page without it (PostgreSQL, rounds of
 * each in turn). (2) Modules cost only the hooks that require them: runHook of a hook that requires
 * lodash and uuid against the same hook without require, and the seed Write Hook as today's plain cost.
 * (3) A Filter Hook returning an Auth0 user-search query (Auth0's published sample) against the same
 * restriction as Delegate's JSON filter: 25 users of 100,000 listed by Kelly (Finance).
 *
 * `npm run bench -- hooks-compat`; BENCH_DATABASE_URL names the server (the database is delegate_hooks_compat_bench).
 */
import { loadActor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { DEMO_ACCESS_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { runHook } from "@/lib/hooks/sandbox";
import { startHookThreads } from "@/lib/hooks/sandbox-threads";
import { SEED_WRITE_HOOK } from "@/lib/hooks/seed-write-hook";
import { listUsersSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION, DEMO_DEPARTMENTS, seedDemoData } from "@/lib/seed/demo-data";
import { listUsers } from "@/lib/users/list-users";
import { AUTH0_FILTER_HOOK_SAMPLE } from "../tests/helpers/published-filter-hook";
import { openFreshBenchDatabase } from "./lib/db";
import { ms, ratio, verdict } from "./lib/format";
import { loadLine } from "./lib/machine";
import { percentile, summarize } from "./lib/stats";
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

const FILTER_USERS = 100_000;
const FILTER_ROUNDS = 8;
const FILTER_PAGES_PER_ROUND = 25;

/** The JSON filter with the sample's meaning: IT sees everyone, anyone else their own department. */
const JSON_FILTER_HOOK = `function(ctx, callback) {
  var department = ctx.request.user.app_metadata && ctx.request.user.app_metadata.department;
  if (!department || !department.length) {
    return callback(new Error('The current user is not part of any department.'));
  }
  if (department === 'IT') {
    return callback();
  }
  return callback(null, { field: 'app_metadata.department', equals: department });
}`;

export async function benchLuceneFilterHook() {
  const lines = [loadLine("at start")];
  const bench = await openFreshBenchDatabase({ database: "delegate_hooks_compat_bench" });
  try {
    await seedDemoData(bench.db.prisma, { users: 0, hooks: false });
    const connection = await bench.db.prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
    // 100,000 users, one department each in app_metadata (as the seed's Write Hook writes it), a fifth in each.
    const departments = `ARRAY[${DEMO_DEPARTMENTS.map((d) => `'${d}'`).join(",")}]`;
    await bench.pool.query(
      `INSERT INTO users (id, connection_id, email, email_verified, password_hash, name, app_metadata, user_metadata, created_at, updated_at)
       SELECT gen_random_uuid(), $2, 'user' || g || '@' || (ARRAY['example.com','example.org','example.net'])[1 + g % 3], g % 3 <> 0, 'x',
              'User ' || g, jsonb_build_object('department', (${departments})[1 + g % 5], 'memberships', jsonb_build_array((${departments})[1 + g % 5])),
              jsonb_build_object('title', 'Analyst'), now(), now()
         FROM generate_series(1, $1::int) AS g`,
      [FILTER_USERS, connection.id],
    );
    await bench.pool.query("VACUUM ANALYZE users");
    // As the server does at start: the hook threads are up before the first request.
    await startHookThreads();
    const load = async (email: string) => loadActor((await bench.db.prisma.user.findFirstOrThrow({ where: { email } })).id, "console");
    const [ian, kelly] = [await load("ian@example.com"), await load("kelly@example.com")];
    const input = listUsersSchema.parse({ per_page: 25 });
    const hooks = { "Lucene query (Auth0's sample)": AUTH0_FILTER_HOOK_SAMPLE, "JSON filter": JSON_FILTER_HOOK } as const;
    type Contender = keyof typeof hooks;
    const samples: Record<Contender, number[]> = { "Lucene query (Auth0's sample)": [], "JSON filter": [] };
    const pages: Partial<Record<Contender, string>> = {};
    const phase = async (name: Contender, record: boolean) => {
      await saveHook(ian, { kind: "filter", code: hooks[name], enabled: true, timeoutMs: 2_000 });
      clearAllMemos();
      for (let i = 0; i < FILTER_PAGES_PER_ROUND; i++) {
        const { ms: wall, value } = await timeMs(() => listUsers(kelly, input));
        pages[name] ??= `${value.total} ${value.users.map((user) => user.user_id).join()}`;
        if (record) samples[name].push(wall);
      }
    };
    const names = Object.keys(hooks) as Contender[];
    for (const name of names) await phase(name, false);
    if (pages[names[0]] !== pages[names[1]]) throw new Error("The Lucene query and the JSON filter list different users: the comparison would be meaningless.");
    for (let round = 0; round < FILTER_ROUNDS; round++) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) await phase(name, true);
    }
    const plans = await bench.pool.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT count(*) FROM users u WHERE u.app_metadata @> ANY(ARRAY['{"department":"Finance"}','{"department":["Finance"]}']::jsonb[])`,
    );
    const total = Number(pages[names[0]]?.split(" ")[0]);
    lines.push(`Kelly (Finance) lists page 1 of 25 (sorted by email) of ${FILTER_USERS.toLocaleString("en")} users + 4 admins: ${total} match her Filter Hook`);
    lines.push(`${FILTER_ROUNDS} rounds of ${FILTER_PAGES_PER_ROUND} pages each way, alternating which goes first, after one warm-up round each`);
    lines.push(`count plan of the query's condition: ${plans.rows.some((row) => row["QUERY PLAN"].includes("users_app_metadata_idx")) ? "uses users_app_metadata_idx" : "does NOT use users_app_metadata_idx"}`);
    lines.push("contender                        p50         p95         mean");
    for (const name of names) {
      const summary = summarize(samples[name]);
      lines.push(`${name.padEnd(33)}${ms(summary.p50).padEnd(12)}${ms(summary.p95).padEnd(12)}${ms(summary.mean)}`);
    }
    const lucene = summarize(samples[names[0]]);
    const json = summarize(samples[names[1]]);
    lines.push(`Lucene / JSON: p50 ${ratio(lucene.p50 / json.p50)}, p95 ${ratio(lucene.p95 / json.p95)} ${verdict(lucene.p95 <= 1.3 * json.p95, "p95 ≤ 1.3×")}`);
  } finally {
    await bench.close();
  }
  lines.push(loadLine("at end"));
  return { name: "Filter Hook: Auth0 user-search query vs the JSON filter, 25 of 100,000 users", lines };
}
