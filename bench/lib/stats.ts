/** The value below which `p` percent of the samples fall (nearest-rank on the sorted samples). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile() needs at least one sample.");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    mean: samples.reduce((sum, s) => sum + s, 0) / samples.length,
    max: Math.max(...samples),
  };
}

/** Sum of work over sum of time: a rate measured in several rounds. */
export function rate(count: number, elapsedMs: number): number {
  return count / (elapsedMs / 1000);
}
