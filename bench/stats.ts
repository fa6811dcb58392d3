/**
 * One benchmark's figures, as written to bench/results.json: latencies in ms, or a CPU share in % of
 * one core (median and p99 of per-second samples; the notes say so).
 */
export interface BenchResult {
  readonly unit: 'ms' | '%';
  readonly median: number;
  readonly p99: number;
  readonly n: number;
  readonly baseline?: string;
  readonly notes: string;
}

/** The q-quantile (0..1) of samples by nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median and p99 of samples (in `unit`), with what they are and which result they compare to. */
export function summarize(samples: readonly number[], notes: string, baseline?: string, unit: BenchResult['unit'] = 'ms'): BenchResult {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    unit,
    median: round(quantile(samples, 0.5)),
    p99: round(quantile(samples, 0.99)),
    n: samples.length,
    ...(baseline !== undefined && { baseline }),
    notes
  };
}
