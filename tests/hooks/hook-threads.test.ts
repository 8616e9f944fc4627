import fs from "node:fs";
import path from "node:path";
import { isMainThread } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import type { HookRunOptions, HookRunResult, HostFunction } from "@/lib/hooks/sandbox";
import { runHookOnThread } from "@/lib/hooks/sandbox-threads";
import { HookThreadPool } from "@/lib/hooks/threads/pool";
import { POST_REGISTRATION_FETCH_PRELUDE } from "@/lib/hooks/post-registration";

const RUNAWAY = "function (ctx, callback) { while (true) {} }";
const QUICK = "function (ctx, callback) { callback(null, { answered: ctx.n }); }";
const loop = (turns: number) => `function (ctx, callback) { var sum = 0; for (var i = 0; i < ${turns}; i++) sum += i; callback(null, { sum: sum }); }`;

/**
 * The longest this thread went without running a 5 ms interval while `work` ran: a hook running on
 * this thread blocks it for its whole run.
 */
async function longestPause<T>(work: () => Promise<T>): Promise<{ value: T; pauseMs: number }> {
  let last = performance.now();
  let pauseMs = 0;
  const interval = setInterval(() => {
    const now = performance.now();
    pauseMs = Math.max(pauseMs, now - last);
    last = now;
  }, 5);
  try {
    const value = await work();
    pauseMs = Math.max(pauseMs, performance.now() - last);
    return { value, pauseMs };
  } finally {
    clearInterval(interval);
  }
}

const pools: HookThreadPool[] = [];
function newPool(options: ConstructorParameters<typeof HookThreadPool>[0]): HookThreadPool {
  const pool = new HookThreadPool(options);
  pools.push(pool);
  return pool;
}
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.stop()));
});

describe("hook threads (the process's pool)", () => {
  it("runs six runaway hooks at once, three per thread, each for its full deadline counted from its start, never on this thread", async () => {
    // Six admins whose hooks were quick so far: their runs may take every thread.
    for (let n = 0; n < 6; n++) expect((await runHookOnThread({ hookName: "Write Hook", code: QUICK, args: [{ n }] }, `admin-${n}`)).ok).toBe(true);
    const { value: runs, pauseMs } = await longestPause(() =>
      Promise.all(Array.from({ length: 6 }, (_, n) => runHookOnThread({ hookName: "Write Hook", code: RUNAWAY, args: [{}], timeoutMs: 1_500 }, `admin-${n}`))),
    );
    for (const run of runs) {
      expect(run.outcome).toBe("timeout");
      expect(run.error?.message).toBe("Write Hook did not finish within 1500 ms.");
      // Measured on the thread, from the run's start: the third of a thread waited 3 s before it.
      expect(run.durationMs).toBeGreaterThanOrEqual(1_500);
      expect(run.durationMs).toBeLessThan(2_500);
    }
    // A runaway run on this thread would stop the interval for its whole 1500 ms.
    expect(pauseMs).toBeLessThan(1_000);
  });

  it("runs hooks with host functions (modules' fetch, ctx.read/ctx.write, the post-registration fetch) on a thread, the functions on this one", async () => {
    const calledOn: boolean[] = [];
    const host: HostFunction = async function (this: { signal: AbortSignal }, value: unknown) {
      calledOn.push(isMainThread);
      return { echoed: value, aborted: this.signal.aborted };
    };
    const options: HookRunOptions = {
      hookName: "Write Hook",
      code: `function (ctx, callback) {
        ctx.read().then(function (data) {
          return fetch('https://example.com/x', {}).then(function (response) { return response.text(); }).then(function (body) {
            callback(null, { read: data, fetched: body });
          });
        });
      }`,
      args: [{}],
      contextFunctions: { read: host },
      hostFunctions: { __delegateFetch: async () => ({ status: 200, statusText: "", ok: true, url: "https://example.com/x", headers: {}, body: "from the host" }) },
      guestPrelude: POST_REGISTRATION_FETCH_PRELUDE,
      modules: { fetch: host },
    };
    const run = await runHookOnThread(options, "ian");
    expect(run.error?.message).toBeUndefined();
    expect(run.result).toEqual({ read: { aborted: false }, fetched: "from the host" });
    expect(calledOn).toEqual([true]);

    const runaway = { ...options, code: `function (ctx, callback) { var _ = require; ctx.read().then(function () { while (true) {} }); }`, timeoutMs: 1_500 };
    const { value: late, pauseMs } = await longestPause(() => runHookOnThread(runaway, "ian"));
    expect(late.outcome).toBe("timeout");
    expect(pauseMs).toBeLessThan(1_000);
  });

  it("aborts a host function's signal when the run ends, and the run waits for work started before the callback", async () => {
    let signal: AbortSignal | undefined;
    const slowWrite: HostFunction = function (this: { signal: AbortSignal }) {
      signal = this.signal;
      return new Promise((resolve) => setTimeout(() => resolve("written"), 50));
    };
    const run = await runHookOnThread(
      { hookName: "Write Hook", code: "function (ctx, callback) { ctx.write({ a: 1 }).then(function (r) { console.log(r); }); callback(null, {}); }", args: [{}], contextFunctions: { write: slowWrite } },
      "ian",
    );
    expect(run.ok).toBe(true);
    expect(run.logs).toEqual([{ level: "log", message: "written" }]);
    expect(signal?.aborted).toBe(true);
  });
});

describe("a hook thread pool", () => {
  const quick = (pool: HookThreadPool, n: number, lane = "ian"): Promise<HookRunResult> =>
    pool.run({ hookName: "Filter Hook", code: QUICK, args: [{ n }], timeoutMs: 300 }, lane);

  it("replaces only a thread that does not answer past its deadline; the runs queued meanwhile answer on the others", async () => {
    const pool = newPool({ size: 2, entry: path.resolve("tests/helpers/wedging-hook-thread.ts"), graceMs: 200 });
    await pool.ready;
    const wedged = pool.run({ hookName: "Wedged Hook", code: QUICK, args: [{ n: 0 }], timeoutMs: 300 }, "mallory");
    // Ian's lane is new to this pool: his runs wait while the wedged thread holds the only other one, and
    // are handed out when it is replaced, none to the thread being terminated.
    const others = Array.from({ length: 6 }, (_, n) => quick(pool, n + 1));
    const runs = await Promise.all([wedged, ...others]);
    expect(runs[0]).toMatchObject({ ok: false, outcome: "timeout", error: { message: "Wedged Hook did not finish within 300 ms." } });
    expect(runs.slice(1).map((run) => run.result)).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ answered: n })));
    // The replacement starts; the pool is whole again and keeps running hooks.
    await expect.poll(() => pool.readyThreads, { timeout: 20_000, interval: 100 }).toBe(2);
    expect((await quick(pool, 7)).result).toEqual({ answered: 7 });
  });

  it("keeps a thread for admins whose hooks are quick while one admin's hooks run away", async () => {
    const pool = newPool({ size: 2 });
    await pool.ready;
    expect((await quick(pool, 0)).ok).toBe(true);
    const runaway = () => pool.run({ hookName: "Access Hook", code: RUNAWAY, args: [{}], timeoutMs: 300 }, "mallory");
    // Her first runaway marks her lane as slow.
    expect((await runaway()).outcome).toBe("timeout");
    const finished: string[] = [];
    const hers = Array.from({ length: 4 }, () => runaway().then(() => finished.push("mallory")));
    const his = quick(pool, 1).then((run) => {
      finished.push("ian");
      return run;
    });
    expect((await his).result).toEqual({ answered: 1 });
    expect(finished).toEqual(["ian"]);
    await Promise.all(hers);
    expect(finished).toEqual(["ian", "mallory", "mallory", "mallory", "mallory"]);
  });

  it("takes an admin's hook that computes for long but in time for a slow one, and keeps the last thread from her", async () => {
    const pool = newPool({ size: 2 });
    await pool.ready;
    expect((await quick(pool, 0)).ok).toBe(true);
    // A million loop turns: about 200 QuickJS interrupt checks, four times SLOW_GUEST_WORK, well within 5 s.
    const computing = await pool.run({ hookName: "Access Hook", code: loop(1_000_000), args: [{}], timeoutMs: 5_000 }, "kelly");
    expect(computing.outcome).toBe("success");
    const finished: string[] = [];
    const hers = Array.from({ length: 4 }, () =>
      pool.run({ hookName: "Access Hook", code: RUNAWAY, args: [{}], timeoutMs: 300 }, "kelly").then(() => finished.push("kelly")),
    );
    const his = await quick(pool, 1);
    finished.push("ian");
    expect(his.result).toEqual({ answered: 1 });
    await Promise.all(hers);
    expect(finished).toEqual(["ian", "kelly", "kelly", "kelly", "kelly"]);
  });

  it("keeps that thread from the first runaway hooks of admins it has not seen yet", async () => {
    const pool = newPool({ size: 2 });
    await pool.ready;
    expect((await quick(pool, 0)).ok).toBe(true);
    const finished: string[] = [];
    const theirs = ["mallory", "trudy", "eve"].map((lane) =>
      pool.run({ hookName: "Write Hook", code: RUNAWAY, args: [{}], timeoutMs: 300 }, lane).then((run) => finished.push(`${lane} ${run.outcome}`)),
    );
    const his = await quick(pool, 1);
    finished.push("ian");
    expect(his.result).toEqual({ answered: 1 });
    await Promise.all(theirs);
    expect(finished).toEqual(["ian", "mallory timeout", "trudy timeout", "eve timeout"]);
  });

  it("runs its threads at a lower priority (nice + 10) than the thread that serves requests", async () => {
    const niceOf = (task: string) => Number(fs.readFileSync(`/proc/${process.pid}/task/${task}/stat`, "utf8").split(") ")[1].split(" ")[16]);
    const serverNice = niceOf(String(process.pid));
    // Run as `nice npx vitest`, the server thread is at 10 and the hook threads at the maximum, 19.
    const lowPriorityThreads = () => fs.readdirSync(`/proc/${process.pid}/task`).filter((task) => niceOf(task) === Math.min(19, serverNice + 10)).length;
    const before = lowPriorityThreads();
    const pool = newPool({ size: 2 });
    await pool.ready;
    expect(lowPriorityThreads() - before).toBe(2);
    expect(niceOf(String(process.pid))).toBe(serverNice);
  });

  it("fails runs with a clear message when its threads cannot start, and never runs them on this thread", async () => {
    const pool = newPool({ size: 1, entry: path.resolve("tests/helpers/no-such-thread.ts") });
    await expect(pool.ready).rejects.toThrow(/^The hook threads cannot start: /);
    const { value: run, pauseMs } = await longestPause(() => pool.run({ hookName: "Write Hook", code: RUNAWAY, args: [{}], timeoutMs: 1_500 }));
    expect(run.outcome).toBe("error");
    expect(run.error?.message).toMatch(/^Write Hook could not run: the hook threads cannot start: /);
    expect(pauseMs).toBeLessThan(1_000);
  });
});
