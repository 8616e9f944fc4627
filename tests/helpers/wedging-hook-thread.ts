/**
 * A real hook thread (lib/hooks/threads/thread-entry.ts) that stops answering when asked to run the hook
 * named "Wedged Hook": it blocks (Atomics.wait) for a minute before the run starts, as a thread stuck
 * outside QuickJS's interrupt checks would. No guest code found so far escapes the interrupt, so the
 * pool's watchdog is tested with this thread.
 */
import { parentPort } from "node:worker_threads";

parentPort?.on("message", (message: { type: string; options?: { hookName?: string } }) => {
  if (message.type === "run" && message.options?.hookName === "Wedged Hook") {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
});
await import("../../lib/hooks/threads/thread-entry");
