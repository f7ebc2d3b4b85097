// Record codec benchmark (not a test): encodes 1,000,000 records with 100-byte values into
// 16 KiB batches through RecordBatchBuilder, then decodes them back through decodeRecordBatches
// in ~1 MiB fetch-sized blobs, per codec; prints records/s and MB/s (of record values) and writes
// benchmarks/results/codec.json. Run: `npx tsx benchmarks/codec.ts [recordCount] [--codecs a,b]
// [--out path]`; zstd is measured only on a Node.js that has it (>= 22.15 / 23.8).
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RecordBatchBuilder } from '../src/protocol/records/batch-builder.js'
import { type CompressionCodec, isCodecSupported, lz4Backend } from '../src/protocol/records/compression/index.js'
import { decodeRecordBatches } from '../src/protocol/records/record-batch.js'
import type { RecordInput } from '../src/protocol/records/types.js'

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

const positional = process.argv[2]
const RECORDS = positional !== undefined && !positional.startsWith('--') ? Number(positional) : 1_000_000
const ONLY_CODECS = option('codecs')?.split(',')
const VALUE_BYTES = 100
const BATCH_BYTES = 16 * 1024
const FETCH_BYTES = 1024 * 1024
const T0 = 1_700_000_000_000

/** Values that look like small log lines: some repetition, some noise (compress ~2-4x). */
function makeValues(count: number): Buffer[] {
  const words = ['user', 'order', 'created', 'updated', 'id', 'amount', 'status', 'ok', 'EUR', 'region']
  const values: Buffer[] = []
  let s = 12345
  for (let i = 0; i < count; i++) {
    let text = ''
    while (text.length < VALUE_BYTES) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      text += `${words[s % words.length]}=${(s >>> 8) % 100000};`
    }
    values.push(Buffer.from(text.slice(0, VALUE_BYTES)))
  }
  return values
}

interface Phase {
  seconds: number
  recordsPerSec: number
  mbPerSec: number
}

interface Result {
  codec: CompressionCodec
  batches: number
  wireBytes: number
  ratio: number
  encode: Phase
  decode: Phase
}

function phase(seconds: number, records: number): Phase {
  return {
    seconds: round(seconds, 3),
    recordsPerSec: Math.round(records / seconds),
    mbPerSec: round((records * VALUE_BYTES) / 1e6 / seconds, 1),
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

async function encode(codec: CompressionCodec, records: RecordInput[], count: number): Promise<Buffer[]> {
  const batches: Buffer[] = []
  let builder = new RecordBatchBuilder({ compression: codec, initialCapacityBytes: BATCH_BYTES })
  for (let i = 0; i < count; i++) {
    const r = records[i % records.length]!
    if (builder.tryAppend(r, BATCH_BYTES) < 0) {
      batches.push(await builder.build())
      builder = new RecordBatchBuilder({ compression: codec, initialCapacityBytes: BATCH_BYTES })
      builder.append(r)
    }
  }
  if (builder.recordCount > 0) batches.push(await builder.build())
  return batches
}

/** Groups batches into fetch-sized blobs, as a Fetch response would carry them. */
function toFetchBlobs(batches: Buffer[]): Buffer[] {
  const blobs: Buffer[] = []
  let group: Buffer[] = []
  let size = 0
  for (const b of batches) {
    if (size + b.length > FETCH_BYTES && group.length > 0) {
      blobs.push(Buffer.concat(group, size))
      group = []
      size = 0
    }
    group.push(b)
    size += b.length
  }
  if (group.length > 0) blobs.push(Buffer.concat(group, size))
  return blobs
}

async function decode(blobs: Buffer[]): Promise<number> {
  let count = 0
  let checksum = 0
  for (const blob of blobs) {
    for (const batch of decodeRecordBatches(blob).batches) {
      if (batch.compression !== 'none') await batch.inflate()
      for (const r of batch.records()) {
        count++
        checksum += r.value === null ? 0 : r.value.length
      }
    }
  }
  if (checksum !== count * VALUE_BYTES) throw new Error('decoded values differ')
  return count
}

async function run(codec: CompressionCodec, inputs: RecordInput[]): Promise<Result> {
  // Warm-up so the JIT has compiled the hot paths before timing.
  await decode(toFetchBlobs(await encode(codec, inputs, 50_000)))
  let t = performance.now()
  const batches = await encode(codec, inputs, RECORDS)
  const encodeSeconds = (performance.now() - t) / 1000
  const blobs = toFetchBlobs(batches)
  t = performance.now()
  const decoded = await decode(blobs)
  const decodeSeconds = (performance.now() - t) / 1000
  if (decoded !== RECORDS) throw new Error(`decoded ${decoded} records, expected ${RECORDS}`)
  const wireBytes = batches.reduce((n, b) => n + b.length, 0)
  return {
    codec,
    batches: batches.length,
    wireBytes,
    ratio: round(wireBytes / (RECORDS * VALUE_BYTES), 3),
    encode: phase(encodeSeconds, RECORDS),
    decode: phase(decodeSeconds, RECORDS),
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0
  const values = makeValues(10_000)
  const inputs: RecordInput[] = values.map((value, i) => ({ key: null, value, timestampMs: T0 + i }))
  const codecs = (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).filter(
    (c) => isCodecSupported(c) && (ONLY_CODECS === undefined || ONLY_CODECS.includes(c)),
  )
  const results: Result[] = []
  for (const codec of codecs) {
    const r = await run(codec, inputs)
    results.push(r)
    console.log(
      `${codec.padEnd(6)} encode ${String(r.encode.recordsPerSec).padStart(9)} rec/s ${String(r.encode.mbPerSec).padStart(7)} MB/s | ` +
        `decode ${String(r.decode.recordsPerSec).padStart(9)} rec/s ${String(r.decode.mbPerSec).padStart(7)} MB/s | ` +
        `${r.batches} batches, wire/values ${r.ratio}`,
    )
  }
  const skipped = (['zstd'] as const).filter((c) => !isCodecSupported(c))
  const report = {
    benchmark: 'record codec: RecordBatchBuilder encode + decodeRecordBatches decode',
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    // A shared machine skews figures: the 1-minute load average before and after the run.
    loadAverage1m: { before: round(loadBefore, 2), after: round(loadavg()[0] ?? 0, 2) },
    lz4Backend,
    records: RECORDS,
    valueBytes: VALUE_BYTES,
    batchBytes: BATCH_BYTES,
    fetchBlobBytes: FETCH_BYTES,
    mbPerSecMeans: 'MB (1e6 bytes) of record values per second',
    skipped: skipped.map((c) => ({ codec: c, reason: `not supported by Node ${process.version}` })),
    results,
  }
  const out = option('out') ?? join(dirname(fileURLToPath(import.meta.url)), 'results', 'codec.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`)
  console.log(`wrote ${out}`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
