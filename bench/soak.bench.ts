/**
 * Issue 7's soak: a production build of the console on 127.0.0.1, its delivery worker inside the web
 * process (the post-registration hook runs there), and saved Write, Filter, Access and post-registration
 * hooks that are quick for everyone but three attacking Administrators: for them the Write Hook runs
 * away (`while (true) {}`, 2 s deadline) or computes for 300 ms, the Filter Hook runs away (500 ms),
 * the Access Hook computes for 300 ms per row (1 s deadline), and the users they create get a
 * post-registration hook that runs away (2 s). Each attacker sends requests back to back from two
 * clients for SOAK_MINUTES (default 10). Meanwhile a probe — Ian, another Administrator, whose
 * hooks are quick — reads a user or a page of users (Filter and Access hooks) every 100 ms on a fixed
 * schedule, whether or not the previous answer came (so a stall counts once per request it delays):
 * its latency before the attack (baseline), during it minute by minute, and after it.
 *
 * `flock /tmp/bench.lock npm run bench -- soak`; `SOAK_MINUTES=1 SOAK_BASELINE_SECONDS=20` to try it.
 */
import { loadActor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/roles";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { seedDemoData } from "@/lib/seed/demo-data";
import { createApiToken } from "@/lib/tokens/api-tokens";
import { openFreshBenchDatabase } from "./lib/db";
import { ms, ratio, table, verdict } from "./lib/format";
import { loadLine } from "./lib/machine";
import { startConsoleServer } from "./lib/server";
import { percentile } from "./lib/stats";
import { timeMs } from "./lib/timing";

const PORT = Number(process.env.SOAK_PORT ?? 3312);
const SOAK_MS = Number(process.env.SOAK_MINUTES ?? 10) * 60_000;
const BASELINE_MS = Number(process.env.SOAK_BASELINE_SECONDS ?? 60) * 1000;
const ATTACKERS = 3;
const CLIENTS_PER_ATTACKER = 2;
const PROBE_INTERVAL_MS = 100;
const AIM_MS = 600;

const ATTACKER = "/^attacker-/.test(ctx.request.user.email)";
const busy = (msValue: number) => `var until = Date.now() + ${msValue}; while (Date.now() < until) {}`;
const HOOKS = [
  {
    kind: "write" as const,
    timeoutMs: 2_000,
    code: `function (ctx, callback) {
  if (${ATTACKER} && ctx.method === 'create') {
    if (ctx.payload.email.indexOf('runaway') === 0) { while (true) {} }
    ${busy(300)}
  }
  callback();
}`,
  },
  { kind: "filter" as const, timeoutMs: 500, code: `function (ctx, callback) { if (${ATTACKER}) { while (true) {} } callback(); }` },
  { kind: "access" as const, timeoutMs: 1_000, code: `function (ctx, callback) { if (${ATTACKER}) { ${busy(300)} } callback(); }` },
  {
    kind: "post_registration" as const,
    timeoutMs: 2_000,
    code: `module.exports = function (user, context, cb) { if (user.email.indexOf('slow-') === 0) { while (true) {} } cb(); };`,
  },
];

interface Sample {
  at: number;
  ms: number;
  status: number;
}

const sleep = (msValue: number) => new Promise((resolve) => setTimeout(resolve, msValue));

function describe(samples: Sample[]): { n: number; p50: number; p99: number; max: number; errors: number } {
  const latencies = samples.map((sample) => sample.ms);
  return {
    n: samples.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    errors: samples.filter((sample) => sample.status !== 200).length,
  };
}

export async function benchSoak(): Promise<{ name: string; lines: string[] }> {
  const bench = await openFreshBenchDatabase({ database: "delegate_bench_soak" });
  const server = await startConsoleServer({
    port: PORT,
    databaseUrl: bench.url,
    env: { DELEGATE_RUN_WORKER: "true", DELEGATE_DATA_DIR: "/tmp/data-sandbox" },
  });
  const lines: string[] = [];
  try {
    const prisma = bench.db.prisma;
    await seedDemoData(prisma, { users: 200, hooks: false });
    const ian = await prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } });
    const connectionId = ian.connectionId;
    const ianActor = await loadActor(ian.id, "system");
    for (const hook of HOOKS) await saveHook(ianActor, { ...hook, enabled: true });
    const tokenOf = async (userId: string) => (await createApiToken(await loadActor(userId, "system"), { name: "soak" })).token;
    const attackers: string[] = [];
    for (let n = 1; n <= ATTACKERS; n++) {
      const row = await prisma.user.create({
        data: { connectionId, email: `attacker-${n}@example.com`, emailVerified: true, name: `Attacker ${n}`, appMetadata: { roles: [ROLES.administrator] } },
      });
      attackers.push(await tokenOf(row.id));
    }
    const ianHeaders = { authorization: `Bearer ${await tokenOf(ian.id)}` };
    const someUser = await prisma.user.findFirstOrThrow({ where: { email: { not: ian.email } }, orderBy: { email: "asc" } });
    // The server reads saved hooks through a 1 s cache.
    await sleep(1_500);

    const probeSamples: Sample[] = [];
    const probeUrls = [`${server.url}/api/v2/users/${someUser.id}`, `${server.url}/api/v2/users?per_page=10`];
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    const probeOnce = () => {
      const url = probeUrls[sent++ % probeUrls.length];
      const at = performance.now();
      const request = timeMs(async () => {
        const response = await fetch(url, { headers: ianHeaders, signal: AbortSignal.timeout(30_000) });
        await response.arrayBuffer();
        return response.status;
      })
        .then(({ ms: took, value: status }) => void probeSamples.push({ at, ms: took, status }))
        .catch(() => void probeSamples.push({ at, ms: performance.now() - at, status: 0 }))
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    };
    const probeTimer = setInterval(probeOnce, PROBE_INTERVAL_MS);

    const attackStatuses = new Map<string, number>();
    let attacking = false;
    let serial = 0;
    const attack = async (token: string) => {
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const requests: (() => { url: string; init: RequestInit })[] = [
        () => ({ url: `${server.url}/api/v2/users`, init: { method: "POST", headers, body: JSON.stringify(newUser("runaway")) } }),
        () => ({ url: `${server.url}/api/v2/users`, init: { method: "POST", headers, body: JSON.stringify(newUser("slow")) } }),
        () => ({ url: `${server.url}/api/v2/users?per_page=5`, init: { headers } }),
        () => ({ url: `${server.url}/api/v2/users/${someUser.id}`, init: { headers } }),
      ];
      for (let n = 0; attacking; n++) {
        const { url, init } = requests[n % requests.length]();
        const key = `${init.method ?? "GET"} ${new URL(url).pathname.replace(someUser.id, ":id")}`;
        try {
          const response = await fetch(url, init);
          await response.arrayBuffer();
          attackStatuses.set(`${key} ${response.status}`, (attackStatuses.get(`${key} ${response.status}`) ?? 0) + 1);
        } catch {
          attackStatuses.set(`${key} failed`, (attackStatuses.get(`${key} failed`) ?? 0) + 1);
          await sleep(100);
        }
      }
    };
    const newUser = (prefix: string) => ({
      email: `${prefix}-${Date.now()}-${serial++}@example.com`,
      password: "Correct-horse-1",
      connection: "Username-Password-Authentication",
    });

    const phases: { name: string; from: number; to: number }[] = [];
    const phase = async (name: string, durationMs: number, work?: () => Promise<void>) => {
      const from = performance.now();
      await (work ? work() : sleep(durationMs));
      phases.push({ name, from, to: performance.now() });
    };
    const loads: string[] = [loadLine("before the baseline")];
    await phase("baseline (probe alone)", BASELINE_MS);
    loads.push(loadLine("before the attack"));
    const rssBefore = server.rssBytes();
    await phase("attack", SOAK_MS, async () => {
      attacking = true;
      const clients = attackers.flatMap((token) => Array.from({ length: CLIENTS_PER_ATTACKER }, () => attack(token)));
      await sleep(SOAK_MS);
      attacking = false;
      await Promise.all(clients);
    });
    const rssAttack = server.rssBytes();
    loads.push(loadLine("after the attack"));
    await phase("after (probe alone)", BASELINE_MS);
    clearInterval(probeTimer);
    await Promise.all(inFlight);
    loads.push(loadLine("at the end"));

    const inPhase = (p: { from: number; to: number }) => probeSamples.filter((sample) => sample.at >= p.from && sample.at < p.to);
    const [baseline, attack_, after] = phases.map((p) => describe(inPhase(p)));
    const minutes = Math.ceil(SOAK_MS / 60_000);
    const attackPhase = phases[1];
    const perMinute = Array.from({ length: minutes }, (_, minute) => {
      const from = attackPhase.from + minute * 60_000;
      return describe(inPhase({ from, to: Math.min(attackPhase.to, from + 60_000) }));
    });
    const worstMinuteP99 = Math.max(...perMinute.map((m) => m.p99));
    const postRegistration = await prisma.hookExecution.groupBy({ by: ["outcome"], where: { kind: "post_registration" }, _count: true });

    lines.push(
      `${ATTACKERS} attacking Administrators × ${CLIENTS_PER_ATTACKER} clients back to back for ${SOAK_MS / 60_000} min; probe: Ian, GET /api/v2/users/:id and GET /api/v2/users?per_page=10 alternately, one every ${PROBE_INTERVAL_MS} ms (open loop)`,
      ...loads,
      "",
      ...table(
        ["probe", "n", "p50", "p99", "max", "non-200"],
        [
          ["baseline (no attack)", baseline, `${BASELINE_MS / 1000} s`],
          ["during the attack", attack_, `${SOAK_MS / 60_000} min`],
          ...perMinute.map((m, minute) => [`  minute ${minute + 1}`, m, ""] as const),
          ["after the attack", after, `${BASELINE_MS / 1000} s`],
        ].map(([label, s]) => {
          const summary = s as ReturnType<typeof describe>;
          return [String(label), String(summary.n), ms(summary.p50), ms(summary.p99), ms(summary.max), String(summary.errors)];
        }),
      ),
      "",
      `probe p99 during the attack / baseline: ${ratio(attack_.p99 / baseline.p99)}; after / baseline: ${ratio(after.p99 / baseline.p99)}`,
      `worst minute's p99 ${ms(worstMinuteP99)} ${verdict(worstMinuteP99 < AIM_MS, `p99 < ${AIM_MS} ms throughout`)}`,
      `after the attack p99 ${ms(after.p99)} ${verdict(after.p99 < AIM_MS, `p99 < ${AIM_MS} ms after`)}`,
      `attack requests: ${[...attackStatuses].sort().map(([key, count]) => `${key} ×${count}`).join(", ")}`,
      `post-registration runs recorded: ${postRegistration.map((row) => `${row.outcome} ×${row._count}`).join(", ") || "none"}`,
      `server RSS: ${(rssBefore / 2 ** 20).toFixed(0)} MiB before the attack, ${(rssAttack / 2 ** 20).toFixed(0)} MiB at its end`,
    );
    return { name: "Soak: runaway and slow hooks from several admins while others are served", lines };
  } finally {
    await server.stop();
    await bench.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchSoak();
  console.log(`# ${result.name}`);
  for (const line of result.lines) console.log(line);
  process.exit();
}
