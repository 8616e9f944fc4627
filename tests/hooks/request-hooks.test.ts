import { describe, expect, it } from "vitest";
import { runHookOnThread } from "@/lib/hooks/sandbox-threads";
import { SEED_WRITE_HOOK } from "@/lib/hooks/seed-write-hook";

const writeContext = {
  method: "create",
  payload: { email: "jane@example.com", password: "x", connection: "Username-Password-Authentication", memberships: ["IT"], app_metadata: {} },
  request: { user: { app_metadata: { department: "IT" } } },
};

/** Counts how often a 5 ms interval fires on this thread while `work` runs. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ value: T; ticks: number }> {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 5);
  try {
    const value = await work();
    return { value, ticks };
  } finally {
    clearInterval(interval);
  }
}

describe("request-path hooks", () => {
  it("runs a quick hook and returns its result", async () => {
    const run = await runHookOnThread({ hookName: "Write Hook", code: SEED_WRITE_HOOK, args: [writeContext], timeoutMs: 500 });
    expect(run.ok).toBe(true);
    expect(run.result).toMatchObject({ email: "jane@example.com", app_metadata: { department: "IT" } });
  });

  it("finishes a hook that computes for 80 ms, with the logs of its one run", async () => {
    const code = `function (ctx, callback) {
      console.log('started');
      var until = Date.now() + 80;
      while (Date.now() < until) {}
      callback(null, { waited: true });
    }`;
    const run = await runHookOnThread({ hookName: "Write Hook", code, args: [{}], timeoutMs: 2_000, contextLog: true });
    expect(run).toMatchObject({ ok: true, result: { waited: true } });
    expect(run.logs.map((entry) => entry.message)).toEqual(["started"]);
  });

  it("stops a runaway hook at its own deadline without holding this thread meanwhile", async () => {
    const code = "function (ctx, callback) { while (true) {} }";
    for (let attempt = 0; attempt < 2; attempt++) {
      const { value: run, ticks } = await ticksDuring(() => runHookOnThread({ hookName: "Write Hook", code, args: [{}], timeoutMs: 500 }));
      expect(run.ok).toBe(false);
      expect(run.error?.kind).toBe("timeout");
      expect(run.error?.message).toMatch(/500 ms/);
      // Blocked for the whole deadline, the interval would fire at most once or twice.
      expect(ticks).toBeGreaterThan(20);
    }
  });
});
