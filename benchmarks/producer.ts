// Producer benchmark (not a test): kafkats vs KafkaJS vs @platformatic/kafka against one reference
// broker (test/fixtures/broker, 1 node, in its own process) in the same run. Throughput: BENCH_RECORDS
// (default 1,000,000) records of 100 bytes, acks=all, 1 and 6 partitions, no compression and lz4.
// Latency: one record per send at a paced 1,000 records/s for 10 s (after 1 s of warm-up), p50/p99.
// Prints tables with kafkats/rival ratios; writes benchmarks/results/producer.json (full runs only).
// Run: `npm run bench` (all benchmarks) or `npx tsx benchmarks/producer.ts`; knobs in README.md;
// `npx tsx benchmarks/producer.ts --print [file]` re-prints the tables of a results file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BenchBroker, startBenchBroker } from './lib/broker.js'
import { BUILD_DIR, buildWorker } from './lib/build.js'
import { CLIENT_NAMES, type ClientName, type Compression, envInt } from './lib/clients/types.js'
import { runJob } from './lib/jobs.js'
import { currentLoad, machineInfo } from './lib/machine.js'
import {
  type ClientInfo,
  type LatencyRow,
  printReport,
  type ThroughputCell,
  type ThroughputRow,
  type ProducerReport,
} from './lib/producer-report.js'
import { median } from './lib/stats.js'

const DEFAULT_RECORDS = 1_000_000
const RECORDS = envInt('BENCH_RECORDS', DEFAULT_RECORDS)
const VALUE_BYTES = 100
const RUNS = envInt('BENCH_RUNS', 3)
const LATENCY_RATE = envInt('BENCH_LATENCY_RATE', 1000)
const LATENCY_SECONDS = envInt('BENCH_LATENCY_SECONDS', 10)
const LATENCY_WARMUP_MS = 1000
const PARTITIONS = [1, 6] as const
const COMPRESSIONS: readonly Compression[] = ['none', 'lz4']
const JOB_TIMEOUT_MS = envInt('BENCH_JOB_TIMEOUT_MS', 600_000)
/** 'throughput' or 'latency' to run only that part */
const ONLY = process.env['BENCH_ONLY'] ?? ''
if (ONLY !== '' && ONLY !== 'throughput' && ONLY !== 'latency') throw new RangeError(`BENCH_ONLY must be throughput or latency`)

function selectedClients(): ClientName[] {
  const raw = process.env['BENCH_CLIENTS']
  if (raw === undefined || raw === '') return [...CLIENT_NAMES]
  const names = raw.split(',').map((s) => s.trim())
  for (const n of names) {
    if (!(CLIENT_NAMES as readonly string[]).includes(n)) throw new RangeError(`BENCH_CLIENTS: unknown client '${n}'`)
  }
  return names as ClientName[]
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`)
}

/** clients in a different order each run, so none always goes first */
function rotated<T>(list: readonly T[], by: number): T[] {
  const k = by % Math.max(1, list.length)
  return [...list.slice(k), ...list.slice(0, k)]
}

let topicSeq = 0

const clientInfo: Partial<Record<ClientName, ClientInfo>> = {}

/** the worker reports its library's name/version and how records are handed over */
function noteClient(client: ClientName, result: Record<string, unknown>): void {
  if (clientInfo[client] !== undefined) return
  const notes = result['notes']
  clientInfo[client] = {
    available: true,
    label: String(result['label']),
    method: String(result['method']),
    ...(typeof notes === 'string' && notes !== '' ? { notes } : {}),
  }
}

async function throughputRun(
  broker: BenchBroker,
  file: string,
  client: ClientName,
  partitions: number,
  compression: Compression,
): Promise<{ recordsPerSec: number; elapsedMs: number; cpuMs: number; brokerBytes: number } | { error: string }> {
  const topic = `bench-${client}-p${partitions}-${compression}-${++topicSeq}`
  await broker.createTopic(topic, partitions)
  try {
    const out = await runJob(
      file,
      { kind: 'throughput', client, bootstrap: broker.bootstrap, topic, compression, records: RECORDS, valueBytes: VALUE_BYTES },
      JOB_TIMEOUT_MS,
    )
    if (!out.ok) return { error: out.error }
    noteClient(client, out.result)
    const stats = await broker.topicStats(topic)
    // the worker sends one warm-up record before the timed ones
    if (stats.records !== RECORDS + 1) {
      return { error: `broker holds ${stats.records} records, expected ${RECORDS + 1}` }
    }
    const elapsedMs = Number(out.result['elapsedMs'])
    return {
      recordsPerSec: (RECORDS * 1000) / elapsedMs,
      elapsedMs,
      cpuMs: Number(out.result['cpuMs']),
      brokerBytes: stats.bytes,
    }
  } finally {
    await broker.deleteTopic(topic)
  }
}

async function measureThroughput(
  broker: BenchBroker,
  files: ReadonlyMap<ClientName, string>,
  clients: readonly ClientName[],
): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = []
  for (const partitions of PARTITIONS) {
    for (const compression of COMPRESSIONS) {
      const runs = new Map<ClientName, number[]>()
      const extra = new Map<ClientName, { cpuMs: number[]; brokerBytes: number; elapsedMs: number[] }>()
      const errors = new Map<ClientName, string>()
      for (let run = 0; run < RUNS; run++) {
        for (const client of rotated(clients, run + partitions + COMPRESSIONS.indexOf(compression))) {
          const file = files.get(client)
          if (file === undefined || errors.has(client)) continue
          const r = await throughputRun(broker, file, client, partitions, compression)
          if ('error' in r) {
            errors.set(client, r.error)
            log(`${client} p=${partitions} ${compression}: FAILED ${r.error.split('\n')[0]}`)
            continue
          }
          log(
            `${client} p=${partitions} ${compression}: ${Math.round(r.recordsPerSec).toLocaleString('en-US')} records/s ` +
              `(${(r.elapsedMs / 1000).toFixed(2)} s, client cpu ${(r.cpuMs / 1000).toFixed(2)} s, load ${currentLoad()})`,
          )
          runs.set(client, [...(runs.get(client) ?? []), r.recordsPerSec])
          const e = extra.get(client) ?? { cpuMs: [], brokerBytes: r.brokerBytes, elapsedMs: [] }
          e.cpuMs.push(r.cpuMs)
          e.elapsedMs.push(r.elapsedMs)
          extra.set(client, e)
        }
      }
      const cells: Partial<Record<ClientName, ThroughputCell>> = {}
      for (const client of clients) {
        const error = errors.get(client)
        const list = runs.get(client)
        const e = extra.get(client)
        if (error !== undefined) cells[client] = { error }
        else if (list === undefined || e === undefined) cells[client] = { error: 'not run' }
        else {
          const recordsPerSec = median(list)
          cells[client] = {
            recordsPerSec,
            mbPerSec: (recordsPerSec * VALUE_BYTES) / 1e6,
            runs: list,
            elapsedMs: median(e.elapsedMs),
            clientCpuMs: median(e.cpuMs),
            brokerBytes: e.brokerBytes,
          }
        }
      }
      rows.push({ partitions, compression, cells })
    }
  }
  return rows
}

interface LatencyVariant {
  readonly client: ClientName
  readonly label: string
  readonly lingerMs?: number
}

function latencyVariants(clients: readonly ClientName[]): LatencyVariant[] {
  const out: LatencyVariant[] = []
  for (const c of clients) {
    if (c === 'kafkats') {
      out.push({ client: c, label: 'kafkats (lingerMs 5, default)' })
      out.push({ client: c, label: 'kafkats (lingerMs 0)', lingerMs: 0 })
    } else out.push({ client: c, label: c === 'kafkajs' ? 'KafkaJS' : '@platformatic/kafka' })
  }
  return out
}

async function measureLatency(
  broker: BenchBroker,
  files: ReadonlyMap<ClientName, string>,
  clients: readonly ClientName[],
): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = []
  for (const v of latencyVariants(clients)) {
    const file = files.get(v.client)
    if (file === undefined) continue
    const topic = `bench-latency-${v.client}-${++topicSeq}`
    await broker.createTopic(topic, 1)
    try {
      const out = await runJob(
        file,
        {
          kind: 'latency',
          client: v.client,
          bootstrap: broker.bootstrap,
          topic,
          compression: 'none',
          ratePerSec: LATENCY_RATE,
          durationMs: LATENCY_SECONDS * 1000,
          warmupMs: LATENCY_WARMUP_MS,
          valueBytes: VALUE_BYTES,
          ...(v.lingerMs === undefined ? {} : { lingerMs: v.lingerMs }),
        },
        JOB_TIMEOUT_MS,
      )
      if (!out.ok) {
        log(`${v.label} latency: FAILED ${out.error.split('\n')[0]}`)
        rows.push({ client: v.client, label: v.label, error: out.error })
        continue
      }
      const r = out.result
      noteClient(v.client, r)
      const row: LatencyRow = {
        client: v.client,
        label: v.label,
        ...(v.lingerMs === undefined ? {} : { lingerMs: v.lingerMs }),
        samples: Number(r['samples']),
        p50Ms: Number(r['p50Ms']),
        p99Ms: Number(r['p99Ms']),
        p999Ms: Number(r['p999Ms']),
        meanMs: Number(r['meanMs']),
        maxMs: Number(r['maxMs']),
        failures: Number(r['failures']),
        maxScheduleLagMs: Number(r['maxScheduleLagMs']),
        clientCpuMs: Number(r['cpuMs']),
      }
      log(
        `${v.label} latency: p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms ` +
          `(${row.samples} samples, ${row.failures} failures, load ${currentLoad()})`,
      )
      rows.push(row)
    } finally {
      await broker.deleteTopic(topic)
    }
  }
  return rows
}

async function main(): Promise<void> {
  const clients = selectedClients()
  const machine = machineInfo()
  const started = new Date()
  log(`node ${machine.node}, ${machine.cpuCount} cpus, load ${machine.loadAvg1m}; ${RECORDS.toLocaleString('en-US')} records, ${RUNS} run(s)`)
  const files = new Map<ClientName, string>()
  const buildFailures = new Map<ClientName, ClientInfo>()
  for (const c of clients) {
    const b = await buildWorker(c)
    if (b.ok) files.set(c, b.file)
    else {
      buildFailures.set(c, { available: false, reason: `worker bundle failed to build: ${b.error}` })
      log(`${c}: not measured (${b.error.split('\n').slice(0, 2).join(' ')})`)
    }
  }
  const broker = await startBenchBroker()
  let throughput: ThroughputRow[]
  let latency: LatencyRow[]
  try {
    throughput = ONLY === 'latency' ? [] : await measureThroughput(broker, files, clients)
    latency = ONLY === 'throughput' ? [] : await measureLatency(broker, files, clients)
  } finally {
    await broker.close()
  }
  const report: ProducerReport = {
    benchmark: 'producer',
    date: started.toISOString(),
    durationSec: Math.round((Date.now() - started.getTime()) / 1000),
    machine: { ...machine, loadAvg1mAtEnd: currentLoad() },
    broker: 'reference broker (test/fixtures/broker startCluster), 1 node, own process, replication factor 1',
    config: {
      records: RECORDS,
      valueBytes: VALUE_BYTES,
      acks: 'all',
      idempotence: process.env['BENCH_KAFKATS_IDEMPOTENT'] === '1' ? 'kafkats on, rivals off' : 'off for every client',
      runs: RUNS,
      latency: { ratePerSec: LATENCY_RATE, seconds: LATENCY_SECONDS, warmupMs: LATENCY_WARMUP_MS, partitions: 1 },
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))),
    },
    clients: Object.fromEntries(
      clients.map((c): [ClientName, ClientInfo] => [
        c,
        clientInfo[c] ?? buildFailures.get(c) ?? { available: false, reason: 'every measurement failed' },
      ]),
    ),
    throughput,
    latency,
  }
  printReport(report)
  const full = RECORDS === DEFAULT_RECORDS && LATENCY_SECONDS >= 10 && ONLY === ''
  const out =
    process.env['BENCH_OUT'] ??
    (full
      ? join(dirname(fileURLToPath(import.meta.url)), 'results', 'producer.json')
      : join(BUILD_DIR, 'producer-quick.json'))
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`)
  log(`results written to ${out}`)
}

const printIndex = process.argv.indexOf('--print')
if (printIndex > 0) {
  // re-print the tables of a results file without measuring
  const file = process.argv[printIndex + 1] ?? join(dirname(fileURLToPath(import.meta.url)), 'results', 'producer.json')
  printReport(JSON.parse(readFileSync(file, 'utf8')) as ProducerReport)
} else await main()
