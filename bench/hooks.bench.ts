/**
 * Issue 3's speed, through the real HTTP API of a production build on 127.0.0.1:
 * 1. creating users with the demo hooks against the same with no hooks;
 * 2. a `while(true){}` Write Hook under its 500 ms deadline: latency of other requests served
 *    meanwhile, and the server's memory before and after.
 */
import { DEMO_HOOKS } from "@/lib/hooks/demo-hooks";
import { HOOK_KINDS } from "@/lib/hooks/kinds";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { setHookEnabled } from "@/lib/hooks/manage/set-hook-enabled";
import { seedDemoData } from "@/lib/seed/demo-data";
import { createApiToken } from "@/lib/tokens/api-tokens";
import { loadActor } from "@/lib/auth/actor";
import { openFreshBenchDatabase } from "./lib/db";
import { ms, ratio, table, verdict } from "./lib/format";
import { startConsoleServer } from "./lib/server";
import { percentile } from "./lib/stats";
import { runConcurrently, timeMs } from "./lib/timing";

const PORT = 3411;
const CREATES_PER_ROUND = Number(process.env.BENCH_HOOK_CREATES ?? 100);
const ROUNDS = 6;
const CONCURRENCY = 4;
const RUNAWAY_CALLS = 12;
const RUNAWAY_RUNS = 3;
const PROBERS = 3;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function benchHooks(): Promise<{ name: string; lines: string[] }> {
  process.env.BENCH_DATABASE_URL ??= "postgresql://root@127.0.0.1:5432/delegate_bench_hooks";
  const bench = await openFreshBenchDatabase();
  const server = await startConsoleServer({ port: PORT, databaseUrl: bench.url });
  const lines: string[] = [];
  try {
    await seedDemoData(bench.db.prisma, { users: 200, hooks: true });
    const ian = await bench.db.prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } });
    const actor = await loadActor(ian.id, "system");
    const { token } = await createApiToken(actor, { name: "bench" });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

    let serial = 0;
    const createOnce = async () => {
      const response = await fetch(`${server.url}/api/v2/users`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          email: `bench-${Date.now()}-${serial++}@example.com`,
          password: "Correct-horse-1",
          connection: "Username-Password-Authentication",
          memberships: ["Sales"],
        }),
      });
      await response.arrayBuffer();
      return response.status;
    };
    const samples = { hooks: { latencies: [] as number[], wallMs: 0 }, none: { latencies: [] as number[], wallMs: 0 } };
    const measureRound = async (target: (typeof samples)["hooks"]) => {
      const statuses = new Map<number, number>();
      target.wallMs += await runConcurrently(CREATES_PER_ROUND, CONCURRENCY, async () => {
        const { ms: took, value } = await timeMs(createOnce);
        target.latencies.push(took);
        statuses.set(value, (statuses.get(value) ?? 0) + 1);
      });
      if (statuses.size !== 1 || !statuses.has(201)) throw new Error(`Unexpected statuses: ${JSON.stringify([...statuses])}`);
    };
    // The server reads hooks through a 1 s cache (lib/hooks/execute.ts): changes made from this
    // process reach it after that.
    const serverSeesHooks = () => new Promise((resolve) => setTimeout(resolve, 1_200));
    const setDemoHooks = async (enabled: boolean) => {
      for (const kind of HOOK_KINDS) if (DEMO_HOOKS[kind]) await setHookEnabled(actor, { kind, enabled });
      await serverSeesHooks();
    };
    const summary = (target: (typeof samples)["hooks"]) => ({
      perSecond: target.latencies.length / (target.wallMs / 1000),
      p50: percentile(target.latencies, 50),
      p95: percentile(target.latencies, 95),
    });

    await runConcurrently(20, CONCURRENCY, createOnce);
    // Alternating rounds, so that whatever else the machine does slows both alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const enabled of round % 2 === 0 ? [true, false] : [false, true]) {
        await setDemoHooks(enabled);
        await measureRound(enabled ? samples.hooks : samples.none);
      }
    }
    await setDemoHooks(false);
    const withHooks = summary(samples.hooks);
    const withoutHooks = summary(samples.none);
    const slowdown = withoutHooks.perSecond / withHooks.perSecond - 1;
    lines.push(`Create user through POST /api/v2/users, ${ROUNDS} alternating rounds of ${CREATES_PER_ROUND} creates each at concurrency ${CONCURRENCY}:`);
    lines.push(
      ...table(
        ["", "users/s", "p50", "p95"],
        [
          ["demo hooks (write, filter, access, memberships)", withHooks.perSecond.toFixed(1), ms(withHooks.p50), ms(withHooks.p95)],
          ["no hooks", withoutHooks.perSecond.toFixed(1), ms(withoutHooks.p50), ms(withoutHooks.p95)],
        ],
      ),
      `slowdown with hooks: ${(slowdown * 100).toFixed(1)} % (${ratio(withHooks.perSecond / withoutHooks.perSecond)} of no-hooks throughput) ${verdict(slowdown <= 0.1, "≤ 10 % slower")}`,
    );

    const probeUrl = `${server.url}/api/v2/users/${ian.id}`;
    const probe = async () => (await fetch(probeUrl, { headers })).arrayBuffer();
    const probeLatencies: number[] = [];
    /** Runs `work` while the probers request the user page every 20 ms; the server's RSS 2 s after. */
    const underProbes = async (work: () => Promise<void>) => {
      let done = false;
      const probers = Array.from({ length: PROBERS }, async (_, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 7));
        while (!done) {
          const { ms: took } = await timeMs(probe);
          probeLatencies.push(took);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      await work();
      done = true;
      await Promise.all(probers);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return server.rssBytes();
    };

    // The level before: the server's RSS under the same probe traffic for as long as a runaway run
    // takes, without the runaway hook (the probes alone move the main thread's heap by tens of MiB).
    const runawayRunMs = RUNAWAY_CALLS * 530;
    const rssLevels = [server.rssBytes()];
    for (let i = 0; i < 2; i++) rssLevels.push(await underProbes(() => new Promise((resolve) => setTimeout(resolve, runawayRunMs))));
    const rssBefore = Math.max(...rssLevels);
    probeLatencies.length = 0;

    await saveHook(actor, { kind: "write", code: "function (ctx, callback) { while (true) {} }", enabled: true, timeoutMs: 500 });
    await serverSeesHooks();
    const runawayStatuses: number[] = [];
    const runawayMs: number[] = [];
    const rssAfterRuns: number[] = [];
    for (let run = 0; run < RUNAWAY_RUNS; run++) {
      rssAfterRuns.push(
        await underProbes(async () => {
          for (let i = 0; i < RUNAWAY_CALLS; i++) {
            const { ms: took, value } = await timeMs(createOnce);
            runawayStatuses.push(value);
            runawayMs.push(took);
          }
        }),
      );
    }
    // Worker threads that ran the runaway hooks stop after 10 s without work (lib/hooks/sandbox-threads.ts).
    const backToLevel = (rss: number) => rss <= rssBefore * 1.05;
    const rssSettling: number[] = [];
    for (let second = 1; second <= 30; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      rssSettling.push(server.rssBytes());
      if (backToLevel(rssSettling.at(-1)!)) break;
    }
    const rssAfter = rssSettling.at(-1)!;
    const p99 = percentile(probeLatencies, 99);
    lines.push(
      "",
      `Runaway Write Hook (while(true){}, deadline 500 ms): ${RUNAWAY_RUNS} runs of ${RUNAWAY_CALLS} creates in a row while ${PROBERS} clients probe GET /api/v2/users/:id (20 ms apart):`,
      `  runaway creates: statuses ${[...new Set(runawayStatuses)].join(",")}, p50 ${ms(percentile(runawayMs, 50))}`,
      `  other requests meanwhile: n=${probeLatencies.length}, p50 ${ms(percentile(probeLatencies, 50))}, p99 ${ms(p99)}, max ${ms(Math.max(...probeLatencies))} ${verdict(p99 < 600, "p99 < 600 ms")}`,
      `  server RSS under the probes alone: ${rssLevels.map(mib).join(", ")} (level before: ${mib(rssBefore)})`,
      `  server RSS 2 s after each runaway run: ${rssAfterRuns.map(mib).join(", ")}`,
      `  then second by second: ${rssSettling.map(mib).join(", ")} ${verdict(backToLevel(rssAfter), "back within 5 % of the level before, within 30 s")}`,
    );
    return { name: "Hooks through the HTTP API", lines };
  } finally {
    await server.stop();
    await bench.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchHooks();
  console.log(`# ${result.name}`);
  for (const line of result.lines) console.log(line);
}
