// Plain-text tables for the benchmark output (also pasted into benchmarks/README.md as Markdown):
// right-aligned numeric columns, a header rule. Used by producer.ts. Pure functions.

export type Cell = string | number

/** Markdown table (readable as plain text too): the first `leftColumns` left-aligned, the rest right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[], leftColumns = 1): string {
  const text = rows.map((r) => r.map((c) => String(c)))
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (i < leftColumns ? '-'.repeat(w) : `${'-'.repeat(Math.max(1, w - 1))}:`)).join(' | ')} |`
  return [line(header), rule, ...text.map(line)].join('\n')
}

/** "1.23x" or "n/a" */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a'
  return `${(a / b).toFixed(2)}x`
}

export function fixed(n: number | undefined, digits: number): string {
  return n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits)
}

export function thousands(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? 'n/a' : Math.round(n).toLocaleString('en-US')
}
