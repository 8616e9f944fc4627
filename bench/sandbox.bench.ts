/**
 * The hook sandbox: the seed Write Hook through runHook (a fresh QuickJS runtime and context per call)
 * against node:vm with a fresh context per call (not a security boundary: the baseline for the cost of
 * isolation) and the same call in bare QuickJS (the engine's floor under runHook), in a random order
 * each round so that a noisy neighbour slows all alike. Then the process memory around five runaway
 * hooks stopped at the 500 ms deadline, and the cost of a new WebAssembly module (the reason runHook
 * keeps a pool of them). runHookOnThread, the request path's entry, is timed in the same loop.
 *
 * `npx tsx bench/sandbox.bench.ts` runs it alone (`node --expose-gc --import tsx bench/sandbox.bench.ts`
 * to measure memory after a GC); `npm run bench -- sandbox` through bench/run.ts.
 */
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import type { QuickJSWASMModule } from "quickjs-emscripten-core";
import { GUEST_INTRINSICS, runHook } from "@/lib/hooks/sandbox";
import { runHookOnThread } from "@/lib/hooks/sandbox-threads";
import { createSandboxModule, INITIAL_MEMORY_PAGES } from "@/lib/hooks/sandbox/module-pool";
import { SEED_WRITE_HOOK } from "@/lib/hooks/seed-write-hook";

const WARMUP = 300;
const ITERATIONS = 2_000;
const MODULE_INSTANTIATIONS = 10;
const RUNAWAY_RUNS = 5;
const RUNAWAY_TIMEOUT_MS = 500;

const writeHookContext = JSON.stringify({
  method: "create",
  payload: {
    email: "jane@example.com",
    password: "correct horse battery staple",
    connection: "Username-Password-Authentication",
    memberships: ["Finance"],
    user_metadata: { locale: "en" },
    app_metadata: {},
  },
  request: { user: { user_id: "auth0|admin", app_metadata: { department: "Finance" } } },
});

async function viaSandbox(): Promise<unknown> {
  const outcome = await runHook({ hookName: "Write Hook", code: SEED_WRITE_HOOK, args: [JSON.parse(writeHookContext)] });
  if (!outcome.ok) throw new Error(`runHook failed: ${outcome.error?.message}`);
  return outcome.result;
}

/** What the console's request path pays per call: runHookOnThread (lib/hooks/sandbox-threads.ts). */
async function viaRequestPath(): Promise<unknown> {
  const outcome = await runHookOnThread({ hookName: "Write Hook", code: SEED_WRITE_HOOK, args: [JSON.parse(writeHookContext)] });
  if (!outcome.ok) throw new Error(`runHookOnThread failed: ${outcome.error?.message}`);
  return outcome.result;
}

/** Same code, same ctx and callback; the result goes through JSON like the sandbox's does. */
function viaNodeVm(): Promise<unknown> {
  const context = vm.createContext({});
  const hook = vm.runInContext(`(${SEED_WRITE_HOOK}\n)`, context) as (ctx: unknown, callback: (error: unknown, result?: unknown) => void) => void;
  return new Promise((resolve, reject) => {
    hook(JSON.parse(writeHookContext), (error, result) => (error ? reject(error) : resolve(JSON.parse(JSON.stringify(result)))));
  });
}

/**
 * The engine's floor, to read the ratio against: the same call in a fresh QuickJS runtime and context
 * (same module and intrinsics), without anything runHook adds: no limits, console, require, result
 * check or error handling.
 */
function bareQuickJs(quickjs: QuickJSWASMModule): () => Promise<unknown> {
  return async () => {
    const runtime = quickjs.newRuntime();
    const context = runtime.newContext({ intrinsics: GUEST_INTRINSICS });
    const json = context.getProp(context.global, "JSON");
    const [parse, stringify] = [context.getProp(json, "parse"), context.getProp(json, "stringify")];
    const contextText = context.newString(writeHookContext);
    const ctx = context.unwrapResult(context.callFunction(parse, context.undefined, contextText));
    const hook = context.unwrapResult(context.evalCode(`(${SEED_WRITE_HOOK}\n)`, "hook.js"));
    let resultText = "";
    const callback = context.newFunction("callback", (_error, result) => {
      const text = context.unwrapResult(context.callFunction(stringify, context.undefined, result));
      resultText = context.getString(text);
      text.dispose();
    });
    context.unwrapResult(context.callFunction(hook, context.undefined, ctx, callback)).dispose();
    for (const handle of [callback, hook, ctx, contextText, stringify, parse, json]) handle.dispose();
    context.dispose();
    runtime.dispose();
    return JSON.parse(resultText);
  };
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

async function timeAlternating(contenders: Record<string, () => Promise<unknown>>): Promise<Record<string, number[]>> {
  const names = Object.keys(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    for (const name of shuffled(names)) {
      const start = performance.now();
      await contenders[name]();
      if (i >= WARMUP) samples[name].push(performance.now() - start);
    }
  }
  return samples;
}

/** A new random order each round: which contender runs right after which (cache effects) evens out. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function memorySnapshot(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return process.memoryUsage();
}

function ratioLine(label: string, contender: number[], baseline: number[]): string {
  const ratio = (p: number) => (percentile(contender, p) / percentile(baseline, p)).toFixed(2);
  return `${label}: p50 ${ratio(50)}x, p99 ${ratio(99)}x`;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (value: number) => `${value.toFixed(3)} ms`;

export async function benchSandbox(): Promise<{ name: string; lines: string[] }> {
  const lines: string[] = [];
  const [sandboxResult, vmResult] = [await viaSandbox(), await viaNodeVm()];
  if (JSON.stringify(sandboxResult) !== JSON.stringify(vmResult)) throw new Error("The contenders disagree on the result.");

  const viaBareQuickJs = bareQuickJs((await createSandboxModule(INITIAL_MEMORY_PAGES + 512)).quickjs);
  if (JSON.stringify(await viaBareQuickJs()) !== JSON.stringify(vmResult)) throw new Error("The floor disagrees on the result.");

  const samples = await timeAlternating({
    "runHook (QuickJS)": viaSandbox,
    "runHookOnThread": viaRequestPath,
    "node:vm fresh context": viaNodeVm,
    "bare QuickJS (floor)": viaBareQuickJs,
  });
  lines.push(`seed Write Hook, ${ITERATIONS} calls each after ${WARMUP} warm-up calls, fresh isolation per call`);
  lines.push("contender                 p50         p99         mean");
  for (const [name, wall] of Object.entries(samples)) {
    const mean = wall.reduce((sum, value) => sum + value, 0) / wall.length;
    lines.push(`${name.padEnd(26)}${ms(percentile(wall, 50)).padEnd(12)}${ms(percentile(wall, 99)).padEnd(12)}${ms(mean)}`);
  }
  const { "runHook (QuickJS)": sandbox, "node:vm fresh context": nodeVm, "bare QuickJS (floor)": floor, runHookOnThread: requestPath } = samples;
  lines.push(ratioLine("runHookOnThread / runHook (what the request path adds)", requestPath, sandbox));
  lines.push(ratioLine("runHook / node:vm", sandbox, nodeVm));
  lines.push(ratioLine("bare QuickJS / node:vm", floor, nodeVm));
  lines.push(ratioLine("runHook / bare QuickJS (what runHook adds to the engine)", sandbox, floor));

  const before = memorySnapshot();
  const runawayStart = performance.now();
  for (let i = 0; i < RUNAWAY_RUNS; i++) {
    const outcome = await runHook({
      hookName: "Runaway Hook",
      code: "function (ctx, callback) { while (true) {} }",
      args: [{}],
      timeoutMs: RUNAWAY_TIMEOUT_MS,
    });
    if (outcome.outcome !== "timeout") throw new Error(`Expected a timeout, got ${outcome.outcome}.`);
  }
  const runawayMs = performance.now() - runawayStart;
  const after = memorySnapshot();
  const gcNote = typeof (globalThis as { gc?: unknown }).gc === "function" ? "after global.gc()" : "no global.gc (run node with --expose-gc)";
  lines.push(`${RUNAWAY_RUNS} runaway hooks (while (true) {}) stopped at ${RUNAWAY_TIMEOUT_MS} ms: ${(runawayMs / 1000).toFixed(2)} s in all, event loop blocked meanwhile`);
  lines.push(`memory (${gcNote})   before        after`);
  for (const key of ["rss", "heapUsed", "external", "arrayBuffers"] as const) {
    lines.push(`${key.padEnd(28)}${mib(before[key]).padEnd(14)}${mib(after[key])}`);
  }

  // Why runHook reuses WebAssembly modules (each run still gets a fresh runtime and context).
  const instantiations: number[] = [];
  for (let i = 0; i < MODULE_INSTANTIATIONS; i++) {
    const start = performance.now();
    await createSandboxModule(INITIAL_MEMORY_PAGES + 512);
    instantiations.push(performance.now() - start);
  }
  lines.push(`new QuickJS WebAssembly module: p50 ${ms(percentile(instantiations, 50))} over ${MODULE_INSTANTIATIONS} (runHook keeps up to 4 idle)`);
  return { name: "Hook sandbox: seed Write Hook via runHook vs node:vm", lines };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { name, lines } = await benchSandbox();
  console.log(`# ${name}`);
  for (const line of lines) console.log(line);
}
