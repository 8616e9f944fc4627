import { performance } from "node:perf_hooks";

/** CPU time this process has used so far (all its threads: the event loop, libuv's pool, V8's GC). */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export async function timeMs<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export interface Samples {
  /** Wall time of each call, ms. */
  wall: number[];
  /** CPU time of this process during each call, ms (the database server's is not included). */
  cpu: number[];
}

/**
 * Times several contenders over the same number of iterations, one call at a time, alternating
 * which goes first in each iteration, so that a noisy neighbour on a shared machine slows them alike.
 */
export async function timeAlternating(
  contenders: Record<string, () => Promise<unknown>>,
  options: { warmup: number; iterations: number },
): Promise<Record<string, Samples>> {
  const names = Object.keys(contenders);
  const samples: Record<string, Samples> = Object.fromEntries(names.map((name) => [name, { wall: [], cpu: [] }]));
  for (let i = 0; i < options.warmup + options.iterations; i++) {
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const cpuBefore = processCpuMs();
      const { ms } = await timeMs(contenders[name]);
      if (i < options.warmup) continue;
      samples[name].wall.push(ms);
      samples[name].cpu.push(processCpuMs() - cpuBefore);
    }
  }
  return samples;
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` in flight; returns the wall time. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) await task(next++);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return performance.now() - start;
}
