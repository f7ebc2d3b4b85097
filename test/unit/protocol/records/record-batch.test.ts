// decodeRecordBatches and DefaultRecordBatch: partial trailing batches, CRC checks, corrupt
// headers and records (always ProtocolDecodeError, never another exception), zero-copy views,
// empty batches, LogAppendTime and a deterministic mutation fuzz over plain and compressed batches.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ProtocolDecodeError, UnsupportedVersionError } from '../../../../src/errors.js'
import { RecordBatchBuilder } from '../../../../src/protocol/records/batch-builder.js'
import { setBaseOffset, setLogAppendTime, updateBatchCrc } from '../../../../src/protocol/records/batch-layout.js'
import type { CompressionCodec } from '../../../../src/protocol/records/compression/index.js'
import { decodeRecordBatches } from '../../../../src/protocol/records/record-batch.js'
import type { KafkaRecord } from '../../../../src/protocol/records/types.js'

const T0 = 1_700_000_000_000

function batchOf(n: number, compression: CompressionCodec = 'none', first = 0): Buffer {
  const b = new RecordBatchBuilder({ compression })
  for (let i = first; i < first + n; i++) {
    b.append({
      key: i % 3 === 0 ? null : Buffer.from(`k${i}`),
      value: Buffer.from(`value-${i}`.repeat(3)),
      headers: i % 2 ? [{ key: 'h', value: Buffer.from([i]) }] : [],
      timestampMs: T0 + i,
    })
  }
  return b.buildSync()
}

function allRecords(buf: Buffer): KafkaRecord[] {
  return decodeRecordBatches(buf).batches.flatMap((b) => [...b.records()])
}

const isDecodeError = (e: unknown): boolean => e instanceof ProtocolDecodeError

test('null and empty blobs hold no batches', () => {
  for (const blob of [null, Buffer.alloc(0)]) {
    assert.deepEqual(decodeRecordBatches(blob), { batches: [], partial: false, partialBytes: 0, partialBatchSize: -1 })
  }
})

test('several batches decode in order with their offsets', () => {
  const a = batchOf(3)
  const b = batchOf(2, 'none', 3)
  setBaseOffset(b, 0, 3n)
  const { batches, partial } = decodeRecordBatches(Buffer.concat([a, b]))
  assert.equal(partial, false)
  assert.deepEqual(
    batches.map((x) => [x.baseOffset, x.lastOffset, x.sizeInBytes]),
    [
      [0n, 2n, a.length],
      [3n, 4n, b.length],
    ],
  )
  assert.deepEqual(
    allRecords(Buffer.concat([a, b])).map((r) => r.offset),
    [0n, 1n, 2n, 3n, 4n],
  )
})

test('a truncated final batch is reported as partial at every cut point, never an error', () => {
  const a = batchOf(2)
  const b = batchOf(4)
  const blob = Buffer.concat([a, b])
  for (let cut = a.length; cut < blob.length; cut++) {
    const r = decodeRecordBatches(blob.subarray(0, cut))
    assert.equal(r.batches.length, 1, `cut ${cut}`)
    assert.equal(r.partial, cut > a.length)
    assert.equal(r.partialBytes, cut - a.length)
    assert.equal(r.partialBatchSize, cut - a.length >= 12 ? b.length : -1)
  }
  const onlyPartial = decodeRecordBatches(b.subarray(0, 40))
  assert.deepEqual([onlyPartial.batches.length, onlyPartial.partial, onlyPartial.partialBatchSize], [0, true, b.length])
})

test('a CRC mismatch is a ProtocolDecodeError naming both values; verifyCrc:false skips it', () => {
  const buf = batchOf(2)
  buf[buf.length - 5]! ^= 0xff
  assert.throws(
    () => decodeRecordBatches(buf),
    (e: unknown) => isDecodeError(e) && /CRC-32C mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/.test((e as Error).message),
  )
  assert.equal(decodeRecordBatches(buf, { verifyCrc: false }).batches.length, 1)
})

test('corrupt batch framing is a ProtocolDecodeError', () => {
  const good = batchOf(1)
  const cases: [string, (b: Buffer) => void][] = [
    ['unknown magic', (b) => (b[16] = 3)],
    ['negative length', (b) => b.writeInt32BE(-5, 8)],
    ['length below the minimum', (b) => b.writeInt32BE(10, 8)],
    ['codec 5', (b) => b.writeInt16BE(5, 21)],
    ['negative records count', (b) => b.writeInt32BE(-1, 57)],
  ]
  for (const [name, mutate] of cases) {
    const b = Buffer.from(good)
    mutate(b)
    assert.throws(() => decodeRecordBatches(b.subarray(0, Math.max(b.readInt32BE(8) + 12, 12))), isDecodeError, name)
  }
})

test('record-level inconsistencies throw during iteration', () => {
  const variants: [string, (b: Buffer) => void][] = [
    ['count larger than the records', (b) => b.writeInt32BE(b.readInt32BE(57) + 1, 57)],
    ['count smaller than the records', (b) => b.writeInt32BE(b.readInt32BE(57) - 1, 57)],
    ['record length too large', (b) => (b[61] = b[61]! + 2)],
    ['record length too small', (b) => (b[61] = b[61]! - 2)],
  ]
  for (const [name, mutate] of variants) {
    const b = batchOf(3)
    mutate(b)
    updateBatchCrc(b)
    const [batch] = decodeRecordBatches(b).batches
    assert.throws(() => [...batch!.records()], isDecodeError, name)
  }
})

test('records are zero-copy views of the input', () => {
  const blob = batchOf(2)
  const [batch] = decodeRecordBatches(blob).batches
  assert.equal(batch!.bytes.buffer, blob.buffer)
  const [r0] = [...batch!.records()]
  assert.equal(r0!.value!.buffer, blob.buffer)
})

test('an empty batch (compaction leftover) decodes with no records', () => {
  const [batch] = decodeRecordBatches(new RecordBatchBuilder({ compression: 'gzip' }).buildSync()).batches
  assert.equal(batch!.recordsCount, 0)
  assert.deepEqual([...batch!.records()], [])
})

test('LogAppendTime batches report maxTimestamp for every record', () => {
  const b = batchOf(3)
  setLogAppendTime(b, 0, T0 + 999_999)
  const [batch] = decodeRecordBatches(b).batches
  assert.equal(batch!.timestampType, 1)
  assert.deepEqual(
    [...batch!.records()].map((r) => r.timestamp),
    [T0 + 999_999, T0 + 999_999, T0 + 999_999],
  )
})

test('inflate() decompresses once, asynchronously; records() works with or without it', async () => {
  for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
    const blob = batchOf(20, codec)
    const [lazy] = decodeRecordBatches(blob).batches
    const sync = [...lazy!.records()]
    const [eager] = decodeRecordBatches(blob).batches
    await eager!.inflate()
    await eager!.inflate()
    assert.deepEqual([...eager!.records()], sync)
    assert.deepEqual(sync, allRecords(batchOf(20)))
  }
})

function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

for (const codec of ['none', 'gzip', 'snappy', 'lz4'] as const) {
  test(`mutation fuzz (${codec}): every outcome is records or a typed decode error`, async () => {
    const rand = mulberry32(codec.length * 7919)
    const good = batchOf(6, codec)
    let errors = 0
    for (let i = 0; i < 400; i++) {
      const b = Buffer.from(good)
      const flips = 1 + Math.floor(rand() * 3)
      for (let f = 0; f < flips; f++) {
        const at = 21 + Math.floor(rand() * (b.length - 21))
        b[at] = Math.floor(rand() * 256)
      }
      updateBatchCrc(b)
      try {
        for (const batch of decodeRecordBatches(b).batches) {
          await batch.inflate()
          for (const r of batch.records()) assert.equal(typeof r.offset, 'bigint')
        }
      } catch (e) {
        // A flipped codec bit may ask for zstd, which Node < 22.15 reports as UnsupportedVersionError.
        if (!(e instanceof ProtocolDecodeError || e instanceof UnsupportedVersionError)) throw e
        errors++
      }
    }
    assert.ok(errors > 0, 'some mutations must be detected')
  })
}
