// The producer benchmark's report: the shape of benchmarks/results/producer.json and the tables
// printed at the end of a run (throughput with kafkats/rival ratios, per-run details, latency with
// ratios). Used by producer.ts. Ratios are kafkats ÷ rival: above 1 is better for kafkats in
// throughput, below 1 is better for kafkats in latency.
import type { ClientName, Compression } from './clients/types.js'
import type { MachineInfo } from './machine.js'
import type { LatencySummary } from './stats.js'
import { type Cell, fixed, markdownTable, ratio, thousands } from './table.js'

export type ClientInfo =
  | { readonly available: true; readonly label: string; readonly method: string; readonly notes?: string }
  | { readonly available: false; readonly reason: string }

export type ThroughputCell =
  | {
      readonly recordsPerSec: number
      readonly mbPerSec: number
      /** records/s of every run (the cell shows the median) */
      readonly runs: readonly number[]
      readonly elapsedMs: number
      readonly clientCpuMs: number
      /** bytes the broker stored for the topic (shows the compression) */
      readonly brokerBytes: number
    }
  | { readonly error: string }

export interface ThroughputRow {
  readonly partitions: number
  readonly compression: Compression
  readonly cells: Partial<Record<ClientName, ThroughputCell>>
}

export type LatencyRow =
  | (LatencySummary & {
      readonly client: ClientName
      readonly label: string
      readonly lingerMs?: number
      readonly failures: number
      /** how late the pacing timer ran at worst (a busy client or machine shows here) */
      readonly maxScheduleLagMs: number
      readonly clientCpuMs: number
    })
  | { readonly client: ClientName; readonly label: string; readonly error: string }

export interface ProducerReport {
  readonly benchmark: 'producer'
  readonly date: string
  readonly durationSec: number
  readonly machine: MachineInfo & { readonly loadAvg1mAtEnd: number }
  readonly broker: string
  readonly config: {
    readonly records: number
    readonly valueBytes: number
    readonly acks: 'all'
    readonly idempotence: string
    readonly runs: number
    readonly latency: { readonly ratePerSec: number; readonly seconds: number; readonly warmupMs: number; readonly partitions: number }
    readonly env: Readonly<Record<string, string | undefined>>
  }
  readonly clients: Partial<Record<ClientName, ClientInfo>>
  readonly throughput: readonly ThroughputRow[]
  readonly latency: readonly LatencyRow[]
}

const DISPLAY: Record<ClientName, string> = { kafkats: 'kafkats', kafkajs: 'KafkaJS', platformatic: '@platformatic/kafka' }
const RIVALS: readonly ClientName[] = ['kafkajs', 'platformatic']

function rate(cell: ThroughputCell | undefined): number | undefined {
  return cell !== undefined && 'recordsPerSec' in cell ? cell.recordsPerSec : undefined
}

function scenario(row: ThroughputRow): string {
  return `${row.partitions} partition${row.partitions === 1 ? '' : 's'}, ${row.compression === 'none' ? 'no compression' : row.compression}`
}

export function throughputTable(report: ProducerReport): string {
  const clients = Object.keys(report.clients) as ClientName[]
  const rivals = RIVALS.filter((r) => clients.includes(r))
  const header = [
    'scenario',
    ...clients.flatMap((c) => [`${DISPLAY[c]} records/s`, `${DISPLAY[c]} MB/s`]),
    ...(clients.includes('kafkats') ? rivals.map((r) => `kafkats/${DISPLAY[r]}`) : []),
  ]
  const rows = report.throughput.map((row): Cell[] => [
    scenario(row),
    ...clients.flatMap((c) => {
      const cell = row.cells[c]
      if (report.clients[c]?.available === false) return ['n/a', 'n/a']
      if (cell === undefined || 'error' in cell) return ['failed', 'n/a']
      return [thousands(cell.recordsPerSec), fixed(cell.mbPerSec, 1)]
    }),
    ...(clients.includes('kafkats') ? rivals.map((r) => ratio(rate(row.cells.kafkats), rate(row.cells[r]))) : []),
  ])
  return markdownTable(header, rows)
}

function perCpuSecond(cell: ThroughputCell | undefined, records: number): number | undefined {
  return cell !== undefined && 'clientCpuMs' in cell && cell.clientCpuMs > 0 ? (records * 1000) / cell.clientCpuMs : undefined
}

/**
 * Records per second of client CPU (user + system of the client process while producing): what a
 * core buys with each library, much less sensitive to other load on the machine than wall time.
 */
export function cpuTable(report: ProducerReport): string {
  const clients = (Object.keys(report.clients) as ClientName[]).filter((c) => report.clients[c]?.available !== false)
  const rivals = RIVALS.filter((r) => clients.includes(r))
  const n = report.config.records
  const header = [
    'scenario',
    ...clients.map((c) => `${DISPLAY[c]} records/CPU-s`),
    ...(clients.includes('kafkats') ? rivals.map((r) => `kafkats/${DISPLAY[r]}`) : []),
  ]
  const rows = report.throughput.map((row): Cell[] => [
    scenario(row),
    ...clients.map((c) => thousands(perCpuSecond(row.cells[c], n))),
    ...(clients.includes('kafkats')
      ? rivals.map((r) => ratio(perCpuSecond(row.cells.kafkats, n), perCpuSecond(row.cells[r], n)))
      : []),
  ])
  return markdownTable(header, rows)
}

export function detailTable(report: ProducerReport): string {
  const rows: Cell[][] = []
  for (const row of report.throughput) {
    for (const [client, cell] of Object.entries(row.cells) as [ClientName, ThroughputCell][]) {
      if (report.clients[client]?.available === false) continue
      if ('error' in cell) {
        rows.push([scenario(row), DISPLAY[client], 'failed', '', '', cell.error.split('\n')[0] ?? ''])
        continue
      }
      rows.push([
        scenario(row),
        DISPLAY[client],
        fixed(cell.elapsedMs / 1000, 2),
        fixed(cell.clientCpuMs / 1000, 2),
        fixed(cell.brokerBytes / 1e6, 1),
        cell.runs.map((r) => thousands(r)).join(' / '),
      ])
    }
  }
  return markdownTable(['scenario', 'client', 'elapsed s', 'client CPU s', 'broker MB stored', 'records/s per run'], rows, 2)
}

export function latencyTable(report: ProducerReport): string {
  const rows = report.latency.map((r): Cell[] =>
    'error' in r
      ? [r.label, 'failed', '', '', '', '', '']
      : [
          r.label,
          fixed(r.p50Ms, 2),
          fixed(r.p99Ms, 2),
          fixed(r.p999Ms, 2),
          fixed(r.maxMs, 1),
          String(r.samples),
          fixed(r.clientCpuMs / 1000, 2),
        ],
  )
  return markdownTable(['client', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'samples', 'client CPU s'], rows)
}

export function latencyRatioTable(report: ProducerReport): string | null {
  const ok = report.latency.filter((r): r is Extract<LatencyRow, { p50Ms: number }> => !('error' in r))
  const ours = ok.filter((r) => r.client === 'kafkats')
  const theirs = ok.filter((r) => r.client !== 'kafkats')
  if (ours.length === 0 || theirs.length === 0) return null
  const rows: Cell[][] = []
  for (const o of ours) {
    for (const t of theirs) rows.push([`${o.label} / ${DISPLAY[t.client]}`, ratio(o.p50Ms, t.p50Ms), ratio(o.p99Ms, t.p99Ms)])
  }
  return markdownTable(['latency ratio (below 1x: kafkats faster)', 'p50', 'p99'], rows)
}

export function printReport(report: ProducerReport): void {
  const m = report.machine
  const c = report.config
  const lines: string[] = [
    '',
    `Producer benchmark, ${report.date} — Node ${m.node}, ${m.cpuCount} CPUs (${m.cpuModel}), load ${m.loadAvg1m} → ${m.loadAvg1mAtEnd}`,
    `${report.broker}; acks=all, idempotence ${c.idempotence}; ${c.runs} run(s) per cell (median shown)`,
    '',
    `Throughput: ${c.records.toLocaleString('en-US')} records of ${c.valueBytes} bytes (MB/s = record values, 10^6 bytes)`,
    throughputTable(report),
    '',
    'Records per second of client CPU time (user + system of the client process; less sensitive to machine load)',
    cpuTable(report),
    '',
    detailTable(report),
    '',
    `Send latency: 1 partition, ${c.latency.ratePerSec} records/s paced for ${c.latency.seconds} s (after ${c.latency.warmupMs} ms warm-up), one record per send`,
    latencyTable(report),
  ]
  const lr = latencyRatioTable(report)
  if (lr !== null) lines.push('', lr)
  lines.push('', 'Clients:')
  for (const [name, info] of Object.entries(report.clients) as [ClientName, ClientInfo][]) {
    lines.push(
      info.available
        ? `- ${info.label}: ${info.method}${info.notes === undefined ? '' : ` (${info.notes})`}`
        : `- ${DISPLAY[name]}: not measured: ${info.reason.split('\n').slice(0, 2).join(' ')}`,
    )
  }
  const failures = report.throughput.flatMap((row) =>
    (Object.entries(row.cells) as [ClientName, ThroughputCell][]).flatMap(([client, cell]) =>
      'error' in cell && report.clients[client]?.available !== false
        ? [`- ${DISPLAY[client]}, ${scenario(row)}: ${cell.error.split('\n')[0]}`]
        : [],
    ),
  )
  if (failures.length > 0) lines.push('', 'Failures:', ...failures)
  process.stdout.write(`${lines.join('\n')}\n`)
}
