/**
 * Whom a run is for (an admin's id, or the post-registration hook): its lane. The code alone would not
 * do, since one saved hook can be slow for one admin and quick for the others. A lane is "quick" once a
 * run of it finished quickly and none held a thread for long since; "slow" for a while after a run that
 * kept its thread busy for long or timed out; "new" before its first run. The pool lets only quick
 * lanes take the last free thread, so that runaway hooks, even an attacker's first ones, always leave a
 * thread to admins whose hooks are known to be quick.
 */

/**
 * A run marks its lane slow when it timed out, or computed this much (QuickJS interrupt checks, about 60 ms
 * of a busy loop on this project's machines: a measure the machine's load does not inflate, so an admin's
 * quick hooks are not taken for slow ones on a loaded server), or still kept its thread busy this long
 * (waiting for host calls not counted: a backstop for work QuickJS does in one call, such as a huge sort).
 */
export const SLOW_GUEST_WORK = 50;
export const SLOW_BUSY_MS = 1_000;
/** A run in progress this long counts as a possible runaway of its lane until it ends. */
export const LONG_RUN_MS = 100;

export function isSlowRun(run: { timedOut: boolean; guestWork: number; busyMs: number }): boolean {
  return run.timedOut || run.guestWork >= SLOW_GUEST_WORK || run.busyMs > SLOW_BUSY_MS;
}
/** How long a lane stays slow after its last slow run. */
export const SLOW_LANE_MS = 10 * 60_000;
const MAX_LANES = 10_000;

export type LaneState = "new" | "quick" | "slow";

export class Lanes {
  /** Per lane: until when it is slow (0: quick). */
  private readonly slowUntil = new Map<string, number>();

  constructor(private readonly slowMs = SLOW_LANE_MS) {}

  state(lane: string, now = performance.now()): LaneState {
    const until = this.slowUntil.get(lane);
    if (until === undefined) return "new";
    return now < until ? "slow" : "quick";
  }

  /** Records how a run of the lane went: slow runs mark it for `slowMs`; a quick one proves a new lane quick. */
  record(lane: string, slow: boolean, now = performance.now()): void {
    if (!slow && this.slowUntil.has(lane)) return;
    if (this.slowUntil.size >= MAX_LANES && !this.slowUntil.has(lane)) this.forgetQuick(now);
    this.slowUntil.set(lane, slow ? now + this.slowMs : 0);
  }

  /** Quick lanes are forgotten first (they become new again); if all are slow, everything is. */
  private forgetQuick(now: number): void {
    for (const [lane, until] of this.slowUntil) if (until <= now) this.slowUntil.delete(lane);
    if (this.slowUntil.size >= MAX_LANES) this.slowUntil.clear();
  }
}
