import { describe, expect, it } from "vitest";
import { runHook } from "@/lib/hooks/sandbox";
import { isSlowRun, Lanes } from "@/lib/hooks/threads/lanes";

const loop = (turns: number) => `function (ctx, callback) { var sum = 0; for (var i = 0; i < ${turns}; i++) sum += i; callback(null, sum); }`;

describe("what marks an admin's lane slow", () => {
  it("counts the guest's computation, not the time a loaded machine took", () => {
    expect(isSlowRun({ timedOut: false, guestWork: 49, busyMs: 999 })).toBe(false);
    expect(isSlowRun({ timedOut: false, guestWork: 50, busyMs: 5 })).toBe(true);
    expect(isSlowRun({ timedOut: false, guestWork: 0, busyMs: 1_000 })).toBe(false);
    expect(isSlowRun({ timedOut: false, guestWork: 0, busyMs: 1_001 })).toBe(true);
    expect(isSlowRun({ timedOut: true, guestWork: 0, busyMs: 0 })).toBe(true);
  });

  it("measures that computation in QuickJS interrupt checks, the same however loaded the machine is", async () => {
    const small = await runHook({ hookName: "Access Hook", code: loop(100_000), args: [{}] });
    const large = await runHook({ hookName: "Access Hook", code: loop(1_000_000), args: [{}] });
    expect(small.result).toBe(4_999_950_000);
    // About 21 and 210 checks (QuickJS checks once per ~5,000 loop turns here).
    expect(small.guestWork).toBeGreaterThanOrEqual(10);
    expect(small.guestWork).toBeLessThan(50);
    expect(large.guestWork).toBeGreaterThanOrEqual(150);
    expect(large.guestWork).toBeLessThan(300);
  });

  it("keeps a lane slow for its window after a slow run, and a quick run does not clear it", () => {
    const lanes = new Lanes(1_000);
    expect(lanes.state("kelly", 0)).toBe("new");
    lanes.record("kelly", false, 0);
    expect(lanes.state("kelly", 10)).toBe("quick");
    lanes.record("kelly", true, 100);
    lanes.record("kelly", false, 200);
    expect(lanes.state("kelly", 1_099)).toBe("slow");
    expect(lanes.state("kelly", 1_100)).toBe("quick");
  });
});
