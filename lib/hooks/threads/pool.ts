/**
 * The hook threads: every hook of the console and the delivery worker runs here, never on the thread
 * that serves requests, where QuickJS's synchronous engine would stall every other request while a
 * hook computes. Each thread runs one hook at a time; waiting hooks queue here, on the server's thread,
 * and go to the first free thread, so none ever waits behind a runaway hook on a thread.
 *
 * - A run's deadline counts from when it starts on its thread. The thread stops a hook at its deadline
 *   itself (QuickJS's interrupt handler); should a thread still not answer `graceMs` later, that thread
 *   alone is terminated and replaced, and the hook times out. Nothing else was queued on it.
 * - The host functions of a run (fetch, ctx.read/ctx.write) stay on the server's thread: the hook thread
 *   calls them by message (./protocol.ts) and they end with the run (their signal aborts).
 * - Only lanes known to be quick (./lanes.ts) may take the last free thread: slow and new lanes, and
 *   lanes with a run in progress for long, share the others. One admin's runaway hooks, their first
 *   ones included, leave a thread to admins whose hooks are quick, whose runs overtake theirs.
 * - A run that cannot start within `maxQueueWaitMs` while threads are busy fails as a timeout, saying so.
 * - A thread that cannot start (its sources fail to load) is a startup error: `ready` rejects with it,
 *   and the runs waiting fail with it. Hooks never fall back to the server's thread.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { DEFAULT_HOOK_TIMEOUT_MS } from "../sandbox/limits";
import { errorMessage, HookError, type HookRunOptions, type HookRunResult } from "../sandbox/types";
import { deserializeResult, hostFunctionOf, toThreadOptions, type FromThread, type ThreadRunOptions, type ToThread } from "./protocol";
import { isSlowRun, Lanes, LONG_RUN_MS } from "./lanes";

export const DEFAULT_THREAD_ENTRY = path.join(process.cwd(), "lib", "hooks", "threads", "thread-entry.ts");
const RESTART_AFTER_FAILURE_MS = 5_000;

export interface HookThreadPoolOptions {
  size: number;
  /** The module each thread loads (TypeScript, through tsx). */
  entry?: string;
  /** How long past a run's deadline its thread may take to answer before it is replaced. */
  graceMs?: number;
  maxQueueWaitMs?: number;
  slowLaneMs?: number;
}

interface Job {
  readonly id: number;
  readonly options: HookRunOptions;
  readonly lane: string;
  threadOptions: ThreadRunOptions;
  resolve(result: HookRunResult): void;
  reject(error: Error): void;
  queueTimer?: NodeJS.Timeout;
  watchdog?: NodeJS.Timeout;
  startedAt?: number;
  /** Went to a thread while its lane was not known to be quick. */
  unproven?: boolean;
  /** Created on the first host call: aborted when the run ends. */
  abort?: AbortController;
}

class HookThread {
  readonly worker: Worker;
  state: "starting" | "ready" | "dead" = "starting";
  job: Job | undefined;

  constructor(entry: string) {
    const source = `
const { register } = await import("tsx/esm/api");
register();
await import(${JSON.stringify(pathToFileURL(entry).href)});
`;
    this.worker = new Worker(source, { eval: true });
    // Threads never keep the process alive; a run in progress does, through its watchdog timer.
    this.worker.unref();
  }

  send(message: ToThread): void {
    if (this.state !== "dead") this.worker.postMessage(message);
  }
}

export class HookThreadPool {
  /** Settles once every first thread started; rejects with the startup error if one could not. */
  readonly ready: Promise<void>;
  private readonly threads: HookThread[] = [];
  private readonly queue: Job[] = [];
  private readonly lanes: Lanes;
  private readonly entry: string;
  private readonly graceMs: number;
  private readonly maxQueueWaitMs: number;
  private nextJobId = 1;
  private startupError: Error | undefined;
  private lastStartFailureAt = -Infinity;
  private stopped = false;

  constructor(private readonly options: HookThreadPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError("A hook thread pool needs at least one thread");
    this.entry = options.entry ?? DEFAULT_THREAD_ENTRY;
    this.graceMs = options.graceMs ?? 1_000;
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? 10_000;
    this.lanes = new Lanes(options.slowLaneMs);
    const starts = Array.from({ length: options.size }, () => this.startThread());
    this.ready = Promise.all(starts).then(() => undefined);
    // Callers that never await `ready` learn of a failure from their runs.
    this.ready.catch(() => undefined);
  }

  /** Threads that may run hooks now. */
  get readyThreads(): number {
    return this.threads.filter((thread) => thread.state === "ready").length;
  }

  /** Runs a hook on a thread; `lane` is whom it runs for (see ./lanes.ts). */
  run(options: HookRunOptions, lane = "anonymous"): Promise<HookRunResult> {
    return new Promise<HookRunResult>((resolve, reject) => {
      const job: Job = { id: this.nextJobId++, options, lane, threadOptions: toThreadOptions(options), resolve, reject };
      if (this.stopped) return resolve(this.failure(job, "the hook threads were stopped."));
      job.queueTimer = setTimeout(() => this.onQueueTimeout(job), this.maxQueueWaitMs);
      this.queue.push(job);
      this.restartIfFailed();
      this.pump();
    });
  }

  /** Terminates every thread (tests, shutdown); runs waiting or in progress fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.queue.splice(0)) this.settle(job, this.failure(job, "the hook threads were stopped."));
    await Promise.all(
      [...this.threads].map((thread) => {
        if (thread.job) this.settle(thread.job, this.failure(thread.job, "the hook threads were stopped."));
        thread.job = undefined;
        thread.state = "dead";
        return thread.worker.terminate();
      }),
    );
    this.threads.length = 0;
  }

  private startThread(): Promise<void> {
    const thread = new HookThread(this.entry);
    this.threads.push(thread);
    return new Promise<void>((resolve, reject) => {
      thread.worker.on("message", (message: FromThread) => {
        if (message.type === "ready") {
          thread.state = "ready";
          this.startupError = undefined;
          resolve();
          this.pump();
        } else {
          this.onMessage(thread, message);
        }
      });
      const onDeath = (reason: string) => {
        const wasStarting = thread.state === "starting";
        if (thread.state === "dead") return;
        thread.state = "dead";
        this.remove(thread);
        if (wasStarting) {
          const error = new Error(`The hook threads cannot start: ${reason}`);
          console.error(`${error.message} Hooks will not run until they can (${this.entry}).`);
          this.startupError = error;
          this.lastStartFailureAt = performance.now();
          reject(error);
          this.failQueueIfNoThreads();
          return;
        }
        const job = thread.job;
        thread.job = undefined;
        if (job) this.settle(job, this.failure(job, `the hook thread stopped (${reason}).`, "thrown"));
        if (!this.stopped) void this.startThread().catch(() => undefined);
        this.pump();
      };
      thread.worker.on("error", (error) => onDeath(error.message));
      thread.worker.on("exit", (code) => onDeath(`it exited with code ${code}`));
    });
  }

  private remove(thread: HookThread): void {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
  }

  /** After a failed start, a new run tries again (at most every few seconds). */
  private restartIfFailed(): void {
    if (this.stopped || this.threads.length >= this.options.size) return;
    if (performance.now() - this.lastStartFailureAt < RESTART_AFTER_FAILURE_MS) return this.failQueueIfNoThreads();
    while (this.threads.length < this.options.size) void this.startThread().catch(() => undefined);
  }

  private failQueueIfNoThreads(): void {
    if (this.threads.length > 0 || !this.startupError) return;
    for (const job of this.queue.splice(0)) this.settle(job, this.failure(job, this.startupError.message));
  }

  /**
   * Hands waiting runs to free threads, oldest first; runs of lanes not known to be quick only while
   * the threads held by such runs (or by any run in progress for long) leave one to the quick lanes.
   */
  private pump(): void {
    const now = performance.now();
    const unprovenCap = Math.max(1, this.options.size - 1);
    for (let index = 0; index < this.queue.length; ) {
      const thread = this.threads.find((candidate) => candidate.state === "ready" && !candidate.job);
      if (!thread) return;
      const job = this.queue[index];
      const running = this.threads.flatMap((candidate) => (candidate.job ? [candidate.job] : []));
      const isLong = (run: Job) => now - (run.startedAt ?? now) > LONG_RUN_MS;
      const proven = this.lanes.state(job.lane, now) === "quick" && !running.some((run) => run.lane === job.lane && isLong(run));
      if (!proven && running.filter((run) => run.unproven || isLong(run)).length >= unprovenCap) {
        index++;
        continue;
      }
      job.unproven = !proven;
      this.queue.splice(index, 1);
      this.dispatch(thread, job);
    }
  }

  private dispatch(thread: HookThread, job: Job): void {
    clearTimeout(job.queueTimer);
    thread.job = job;
    job.startedAt = performance.now();
    const timeoutMs = job.options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
    job.watchdog = setTimeout(() => this.onLate(thread, job, timeoutMs), timeoutMs + this.graceMs);
    try {
      thread.send({ type: "run", id: job.id, options: job.threadOptions });
    } catch {
      // Arguments that are not plain data (a Date, a class instance) cross as their JSON, as the sandbox reads them.
      try {
        job.threadOptions = { ...job.threadOptions, args: JSON.parse(JSON.stringify(job.options.args)) as unknown[] };
        thread.send({ type: "run", id: job.id, options: job.threadOptions });
      } catch (error) {
        this.finish(thread, job, (settled) => settled.reject(error as Error));
      }
    }
  }

  private onMessage(thread: HookThread, message: FromThread): void {
    const job = thread.job;
    if (message.type === "call") return this.onHostCall(thread, message);
    if (message.type === "ready" || !job || job.id !== message.id) return;
    if (message.type === "failed") return this.finish(thread, job, (settled) => settled.reject(new Error(message.message)));
    this.lanes.record(
      job.lane,
      isSlowRun({ timedOut: message.result.outcome === "timeout", guestWork: message.result.guestWork ?? 0, busyMs: message.busyMs }),
    );
    const result = deserializeResult(message.result);
    this.finish(thread, job, (settled) => settled.resolve(result));
  }

  private onHostCall(thread: HookThread, message: Extract<FromThread, { type: "call" }>): void {
    const job = thread.job;
    const reply = (answer: { ok: true; json: string | undefined } | { ok: false; message: string }) =>
      thread.send({ type: "reply", callId: message.callId, ...answer });
    const hostFunction = job && job.id === message.id ? hostFunctionOf(job.options, message.target) : undefined;
    if (!job || !hostFunction) return reply({ ok: false, message: "the hook's run is over." });
    job.abort ??= new AbortController();
    const context = { hookName: job.options.hookName, signal: job.abort.signal };
    Promise.resolve()
      .then(() => hostFunction.apply(context, message.args))
      .then(
        (value) => {
          let json: string | undefined;
          try {
            json = JSON.stringify(value);
          } catch (error) {
            return reply({ ok: false, message: `the host returned data that is not JSON (${errorMessage(error)})` });
          }
          reply({ ok: true, json });
        },
        (error: unknown) => reply({ ok: false, message: errorMessage(error) }),
      );
  }

  /** The thread did not answer in time: the run times out, and that thread alone is replaced. */
  private onLate(thread: HookThread, job: Job, timeoutMs: number): void {
    if (thread.job !== job) return;
    this.lanes.record(job.lane, true);
    const error = new HookError(job.options.hookName, "timeout", `${job.options.hookName} did not finish within ${timeoutMs} ms.`);
    const durationMs = performance.now() - (job.startedAt ?? 0);
    // Out of the pool before the next runs are handed out.
    thread.state = "dead";
    this.remove(thread);
    void thread.worker.terminate();
    if (!this.stopped) void this.startThread().catch(() => undefined);
    this.finish(thread, job, (settled) => settled.resolve({ ok: false, outcome: "timeout", error, logs: [], durationMs }));
  }

  private onQueueTimeout(job: Job): void {
    const index = this.queue.indexOf(job);
    if (index < 0) return;
    // Threads still starting (a loaded machine can take seconds) are not busy: keep waiting for them.
    if (this.readyThreads === 0 && this.threads.length > 0) {
      job.queueTimer = setTimeout(() => this.onQueueTimeout(job), this.maxQueueWaitMs);
      return;
    }
    this.queue.splice(index, 1);
    const seconds = this.maxQueueWaitMs / 1000;
    this.settle(job, this.failure(job, `it did not start within ${seconds} s: the hook threads are busy with other hooks.`, "timeout"));
  }

  private finish(thread: HookThread, job: Job, settle: (job: Job) => void): void {
    clearTimeout(job.watchdog);
    job.abort?.abort();
    if (thread.job === job) thread.job = undefined;
    settle(job);
    this.pump();
  }

  private settle(job: Job, result: HookRunResult): void {
    clearTimeout(job.queueTimer);
    clearTimeout(job.watchdog);
    job.abort?.abort();
    job.resolve(result);
  }

  private failure(job: Job, reason: string, kind: "thrown" | "timeout" = "thrown"): HookRunResult {
    const hookName = job.options.hookName;
    const error = new HookError(hookName, kind, `${hookName} could not run: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`);
    return { ok: false, outcome: kind === "timeout" ? "timeout" : "error", error, logs: [], durationMs: 0 };
  }
}
