import os from "node:os";
import type { HookRunOptions, HookRunResult } from "./sandbox";
import { HookThreadPool } from "./threads/pool";

/**
 * The process's hook threads (./threads/pool.ts): every hook, of every kind, runs on one of them, never
 * on the thread that serves requests. Two at least, so that slow lanes always leave one to the others.
 */
export const HOOK_THREADS = Math.max(2, Math.min(4, os.availableParallelism()));

// On globalThis: Next.js loads this module once for instrumentation and again for the routes' bundle.
const store = globalThis as unknown as { delegateHookThreads?: HookThreadPool };

function hookThreadPool(): HookThreadPool {
  store.delegateHookThreads ??= new HookThreadPool({ size: HOOK_THREADS });
  return store.delegateHookThreads;
}

/**
 * Starts the hook threads and waits until they can run hooks; rejects with "The hook threads cannot
 * start: …" when they cannot (the web server then stops with that message). A delivery worker process
 * starts them with its first post-registration hook: most never run one.
 */
export function startHookThreads(): Promise<void> {
  return hookThreadPool().ready;
}

/**
 * Runs a hook on a hook thread. `lane` names whom it runs for (an admin's id; see ./threads/lanes.ts):
 * the lanes whose hooks recently held a thread for long never take every thread.
 */
export function runHookOnThread(options: HookRunOptions, lane?: string): Promise<HookRunResult> {
  return hookThreadPool().run(options, lane);
}
