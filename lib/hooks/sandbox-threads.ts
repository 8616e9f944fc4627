import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { DEFAULT_HOOK_TIMEOUT_MS, HookError, runHook, type HookRunOptions, type HookRunResult } from "./sandbox";

/*
 * Hooks on the request path must not hold the server's thread for their whole deadline (the
 * synchronous QuickJS build blocks whichever thread runs it). A hook first runs on the calling
 * thread with a short trial deadline: most hooks finish in well under a millisecond, and a trip to
 * another thread would cost about half as much again. A hook that needs longer is run again, from
 * the start and with its full deadline, in a small pool of worker threads (after two such misses in
 * a row, directly there for the next 30 s): a runaway hook holds one worker thread until its
 * deadline while the server's thread keeps answering other requests. Request-path hooks have no
 * host functions, so a second run has no effect the first did not (the first run's logs are
 * dropped). Hooks with host functions (the post-registration hook's fetch) stay on the calling
 * thread. Without worker support (the loader cannot start), everything runs in-process.
 */

type SerializedError = { hookName: string; kind: HookError["kind"]; message: string; line?: number; column?: number };
type ThreadReply = { id: number; result: Omit<HookRunResult, "error"> & { error?: SerializedError } } | { id: number; failure: string };

const POOL_SIZE = Math.max(1, Math.min(2, os.availableParallelism()));
/** How long past the hook's own deadline a thread may take before it is considered stuck and replaced. */
const GRACE_MS = 2_000;
/** How long a hook may run on the calling thread before it is moved to a worker thread. */
const TRIAL_MS = 25;
/**
 * Hook code that missed its trial twice in a row goes to a thread directly for the next 30 s. One miss
 * is not enough, and the mark expires, because a quick hook can miss a trial now and then (its first
 * runs compile parts of QuickJS's WebAssembly; the process pauses) and should not stay on the slower
 * path for that.
 */
const trialMisses = new Map<string, { count: number; at: number }>();
const SLOW_AFTER_MISSES = 2;
const SLOW_MARK_MS = 30_000;
const MAX_TRACKED_HOOKS = 200;

function markedSlow(code: string): boolean {
  const misses = trialMisses.get(code);
  if (!misses || misses.count < SLOW_AFTER_MISSES) return false;
  if (performance.now() - misses.at < SLOW_MARK_MS) return true;
  trialMisses.delete(code);
  return false;
}

function recordTrial(code: string, missed: boolean): void {
  if (!missed) {
    trialMisses.delete(code);
    return;
  }
  if (trialMisses.size >= MAX_TRACKED_HOOKS) trialMisses.clear();
  trialMisses.set(code, { count: (trialMisses.get(code)?.count ?? 0) + 1, at: performance.now() });
}

// The thread loads the TypeScript sandbox through tsx, from the project's sources: the same code
// whether the caller runs under Next's bundle, tsx or Vitest.
const THREAD_SOURCE = `
import { parentPort } from "node:worker_threads";
const { register } = await import("tsx/esm/api");
register();
const { runHook } = await import(${JSON.stringify(pathToFileURL(path.join(process.cwd(), "lib", "hooks", "sandbox", "index.ts")).href)});
parentPort.on("message", async ({ id, options }) => {
  try {
    const result = await runHook(options);
    const error = result.error && { hookName: result.error.hookName, kind: result.error.kind, message: result.error.message, line: result.error.line, column: result.error.column };
    parentPort.postMessage({ id, result: { ...result, error } });
  } catch (failure) {
    parentPort.postMessage({ id, failure: String(failure && failure.message || failure) });
  }
});
`;

interface Pending {
  resolve(result: HookRunResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

class SandboxThread {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  dead = false;
  /** Has answered at least once: a thread that dies before that could not start at all. */
  answered = false;

  constructor(onDeath: (thread: SandboxThread) => void) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on("message", (reply: ThreadReply) => {
      this.answered = true;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      clearTimeout(pending.timer);
      if ("failure" in reply) return pending.reject(new Error(reply.failure));
      const { error, ...rest } = reply.result;
      pending.resolve({
        ...rest,
        error: error && new HookError(error.hookName, error.kind, error.message, error.line ? { line: error.line, column: error.column ?? 0 } : undefined),
      });
    });
    const die = (reason: string) => {
      if (this.dead) return;
      this.dead = true;
      for (const pending of this.pending.values()) {
        clearTimeout(pending.timer);
        pending.reject(new Error(reason));
      }
      this.pending.clear();
      onDeath(this);
    };
    this.worker.on("error", (error) => die(`The hook thread failed: ${error.message}`));
    this.worker.on("exit", () => die("The hook thread stopped."));
  }
}

let nextId = 1;
let threads: SandboxThread[] | null = null;
let disabled = false;

function pool(): SandboxThread[] | null {
  if (disabled) return null;
  if (!threads) {
    try {
      threads = [];
      const replace = (dead: SandboxThread) => {
        if (!threads) return;
        if (!dead.answered) {
          // It could not even start (e.g. tsx missing): stop trying, run hooks in-process.
          console.warn("Hooks run in-process: the hook threads could not start.");
          disabled = true;
          threads = null;
          return;
        }
        const index = threads.indexOf(dead);
        if (index >= 0) threads[index] = new SandboxThread(replace);
      };
      for (let i = 0; i < POOL_SIZE; i++) threads.push(new SandboxThread(replace));
    } catch (error) {
      console.warn(`Hooks run in-process: worker threads are unavailable (${(error as Error).message}).`);
      disabled = true;
      threads = null;
    }
  }
  return threads;
}

/**
 * Runs a request-path hook: on the calling thread when it finishes within the trial, otherwise on the
 * least busy worker thread (always in-process when it has host functions or threads are unavailable).
 */
export async function runRequestHook(options: HookRunOptions): Promise<HookRunResult> {
  const hasHostFunctions = Object.keys({ ...options.hostFunctions, ...options.contextFunctions }).length > 0 || options.modules !== undefined;
  if (hasHostFunctions) return runHook(options);
  // Started with the first hook, so that the first slow one does not wait for a thread to load.
  const available = pool();
  if (!available) return runHook(options);
  if (!markedSlow(options.code)) {
    if ((options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS) <= TRIAL_MS) return runHook(options);
    const trial = await runHook({ ...options, timeoutMs: TRIAL_MS });
    const missed = trial.outcome === "timeout";
    recordTrial(options.code, missed);
    if (!missed) return trial;
  }
  return runOnThread(available, options);
}

function runOnThread(available: SandboxThread[], options: HookRunOptions): Promise<HookRunResult> {
  const thread = available.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
  const id = nextId++;
  const limit = (options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS) + GRACE_MS;
  return new Promise<HookRunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      thread.pending.delete(id);
      void thread.worker.terminate();
      resolve({
        ok: false,
        outcome: "timeout",
        error: new HookError(options.hookName, "timeout", `${options.hookName} did not finish within ${limit - GRACE_MS} ms.`),
        logs: [],
        durationMs: limit,
      });
    }, limit);
    thread.pending.set(id, { resolve, reject, timer });
    thread.worker.postMessage({ id, options });
  }).catch((error: Error) => {
    console.warn(`A hook thread failed (${error.message}); running the hook in-process.`);
    return runHook(options);
  });
}
