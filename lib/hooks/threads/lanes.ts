/**
 * Which callers' hooks recently held a thread for long (a runaway or a slow hook): their next runs may
 * take only some of the threads, so that a thread stays free for everyone else's quick hooks. A lane
 * is whom the run is for (an admin's id, or the post-registration hook); the code alone would not do,
 * since one saved hook can be slow for one admin and quick for the others.
 */

/** A run that kept its thread busy this long (waiting for host calls not counted), or timed out, marks its lane. */
export const SLOW_BUSY_MS = 100;
/** How long a lane stays marked after its last slow run. */
export const SLOW_LANE_MS = 10 * 60_000;
const MAX_LANES = 10_000;

export class SlowLanes {
  private readonly markedUntil = new Map<string, number>();

  constructor(private readonly markMs = SLOW_LANE_MS) {}

  mark(lane: string, now = performance.now()): void {
    if (this.markedUntil.size >= MAX_LANES) this.forgetExpired(now);
    if (this.markedUntil.size >= MAX_LANES) this.markedUntil.clear();
    this.markedUntil.delete(lane);
    this.markedUntil.set(lane, now + this.markMs);
  }

  isSlow(lane: string, now = performance.now()): boolean {
    const until = this.markedUntil.get(lane);
    if (until === undefined) return false;
    if (now < until) return true;
    this.markedUntil.delete(lane);
    return false;
  }

  private forgetExpired(now: number): void {
    for (const [lane, until] of this.markedUntil) if (until <= now) this.markedUntil.delete(lane);
  }
}
