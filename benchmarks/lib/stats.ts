// Number crunching for the benchmark reports: percentiles (nearest rank on a sorted copy), rates
// and the formatting used by the tables. Used by worker.ts and report.ts. Pure functions.

/** nearest-rank percentile, p in [0, 100]; NaN for an empty list */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN
}

export interface LatencySummary {
  readonly samples: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly p999Ms: number
  readonly meanMs: number
  readonly maxMs: number
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort()
  const list = Array.from(sorted)
  let sum = 0
  for (const v of list) sum += v
  return {
    samples: list.length,
    p50Ms: percentile(list, 50),
    p99Ms: percentile(list, 99),
    p999Ms: percentile(list, 99.9),
    meanMs: list.length === 0 ? Number.NaN : sum / list.length,
    maxMs: list.length === 0 ? Number.NaN : (list[list.length - 1] ?? Number.NaN),
  }
}

export const MIB = 1024 * 1024

export function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** 1234567 -> "1,234,567" */
export function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** median of a non-empty list (used when a scenario runs more than once) */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  if (s.length % 2 === 1) return s[mid] ?? Number.NaN
  return ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2
}
