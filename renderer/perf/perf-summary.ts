/** Summaries of timing samples (pure), as exposed on window.__dropRunnerPerf for the e2e run to read. */

export interface PerfSummary {
  count: number;
  last: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  /** Free-form facts about the run that produced the samples (e.g. how many lines were rendered). */
  detail?: Record<string, number | string>;
}

/** Nearest-rank percentile of already sorted samples; 0 for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

/** Summarises samples in milliseconds, rounded to 0.1 ms. */
export function summarize(samples: readonly number[], detail?: Record<string, number | string>): PerfSummary {
  const sorted = [...samples].sort((x, y) => x - y);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: samples.length,
    last: round(samples[samples.length - 1] ?? 0),
    min: round(sorted[0] ?? 0),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted[sorted.length - 1] ?? 0),
    ...(detail ? { detail } : {}),
  };
}
