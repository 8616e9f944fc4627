/**
 * A hook thread: runs one hook at a time for the pool (./pool.ts) and calls the run's host functions
 * back on the server's thread. Loaded through tsx from the project's sources, so the code is the same
 * whether the server runs Next's build, tsx or Vitest.
 */
import os from "node:os";
import { parentPort } from "node:worker_threads";
import { runHook, type HostFunction } from "../sandbox";
import { serializeResult, type FromThread, type ThreadRunOptions, type ToThread } from "./protocol";

/** How much lower the hook threads' scheduling priority is than the server thread's (nice values, max 19). */
const HOOK_THREAD_NICE_INCREMENT = 10;

const port = parentPort;
if (!port) throw new Error("thread-entry.ts runs only as a worker thread");
const send = (message: FromThread) => port.postMessage(message);

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
}
const pendingCalls = new Map<number, PendingCall>();
let nextCallId = 1;

/** Time a run spent only waiting for host calls: it held the thread without using it. */
class WaitClock {
  private inFlight = 0;
  private since = 0;
  waitedMs = 0;

  begin(): void {
    if (this.inFlight++ === 0) this.since = performance.now();
  }

  end(): void {
    if (--this.inFlight === 0) this.waitedMs += performance.now() - this.since;
  }

  total(): number {
    return this.waitedMs + (this.inFlight > 0 ? performance.now() - this.since : 0);
  }
}

function bridged(id: number, target: string, clock: WaitClock): HostFunction {
  return (...args: unknown[]) =>
    new Promise((resolve, reject) => {
      const callId = nextCallId++;
      clock.begin();
      pendingCalls.set(callId, {
        resolve: (value) => {
          clock.end();
          resolve(value);
        },
        reject: (error) => {
          clock.end();
          reject(error);
        },
      });
      send({ type: "call", id, callId, target, args });
    });
}

async function run(id: number, options: ThreadRunOptions): Promise<void> {
  const clock = new WaitClock();
  const { hostFunctionNames, contextFunctionNames, modules, ...data } = options;
  const table = (space: string, names: string[]) =>
    names.length ? Object.fromEntries(names.map((name) => [name, bridged(id, `${space}:${name}`, clock)])) : undefined;
  try {
    const result = await runHook({
      ...data,
      hostFunctions: table("host", hostFunctionNames),
      contextFunctions: table("context", contextFunctionNames),
      modules: modules && { fetch: modules.fetch ? bridged(id, "fetch", clock) : undefined },
    });
    send({ type: "done", id, result: serializeResult(result), busyMs: Math.max(0, result.durationMs - clock.total()) });
  } catch (error) {
    send({ type: "failed", id, message: error instanceof Error ? error.message : String(error) });
  }
}

port.on("message", (message: ToThread) => {
  if (message.type === "run") return void run(message.id, message.options);
  const pending = pendingCalls.get(message.callId);
  if (!pending) return;
  pendingCalls.delete(message.callId);
  if (message.ok) pending.resolve(message.json === undefined ? undefined : JSON.parse(message.json));
  else pending.reject(new Error(message.message));
});

// Hooks are admins' code: when the CPU is short (a runaway hook on each core), the thread that serves
// requests comes first. A nice value is per thread on Linux; raising it needs no privilege.
try {
  os.setPriority(Math.min(19, os.getPriority() + HOOK_THREAD_NICE_INCREMENT));
} catch {
  // A platform without per-thread priorities keeps the default.
}

// The first run on a new QuickJS module compiles much of its WebAssembly: done before taking work.
await runHook({ hookName: "Warm-up", code: "function (ctx, callback) { callback(null, ctx); }", args: [{ warm: true }] });
send({ type: "ready" });
