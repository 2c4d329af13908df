// Latency summaries from raw samples (milliseconds, exact; no histogram bucketing).
export interface LatencySummary {
  count: number
  mean: number
  p50: number
  p90: number
  p99: number
  max: number
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1]!
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (const v of sorted) sum += v
  return {
    count: sorted.length,
    mean: sorted.length ? sum / sorted.length : NaN,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  }
}

/** Rounds for display: 2 decimals below 10, 1 below 100, integers above. */
export function round(v: number): number {
  if (!Number.isFinite(v)) return v
  const d = Math.abs(v) < 10 ? 100 : Math.abs(v) < 100 ? 10 : 1
  return Math.round(v * d) / d
}
