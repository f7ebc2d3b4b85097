// Legacy MessageSet v0/v1 decoding through decodeRecordBatches: plain messages, compressed
// wrappers (gzip, xerial snappy, lz4 with Kafka's old header checksum for magic 0), v1 relative
// inner offsets, LogAppendTime, mixing with v2 batches, truncation and corruption. Messages are
// written by hand with the ByteBuilder and a bitwise CRC-32 (IEEE) reference.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { ProtocolDecodeError } from '../../../../src/errors.js'
import { RecordBatchBuilder } from '../../../../src/protocol/records/batch-builder.js'
import { decodeRecordBatches } from '../../../../src/protocol/records/record-batch.js'
import type { KafkaRecord } from '../../../../src/protocol/records/types.js'
import { bb } from '../../../helpers/byte-builder.js'

function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

interface Msg {
  offset: bigint
  magic: 0 | 1
  attributes?: number
  timestamp?: number
  key: Buffer | null
  value: Buffer | null
}

/** One MessageSet entry: offset, size, then crc + magic + attributes [+ timestamp] + key + value. */
function entry(m: Msg): Buffer {
  const body = bb().i8(m.magic).i8(m.attributes ?? 0)
  if (m.magic === 1) body.i64(m.timestamp ?? -1)
  body.bytes(m.key).bytes(m.value)
  const b = body.build()
  const message = bb().u32(referenceCrc32(b)).raw(b).build()
  return bb().i64(m.offset).i32(message.length).raw(message).build()
}

/** Hand-made xerial snappy: header, then one chunk holding a raw Snappy block of literals. */
function xerialSnappy(data: Buffer): Buffer {
  // Literal ops: tag 0xf0 (length-1 in the next byte) for up to 256 bytes each.
  const block = bb().uvarint(data.length)
  for (let i = 0; i < data.length; i += 256) {
    const lit = data.subarray(i, i + 256)
    block.raw(Buffer.from([0xf0, lit.length - 1])).raw(lit)
  }
  const b = block.build()
  return bb().raw('82534e41505059000000000100000001').i32(b.length).raw(b).build()
}

/** Hand-made LZ4 frame with one stored block; `hc` chosen by the caller. */
function lz4Frame(data: Buffer, hc: number): Buffer {
  return bb()
    .raw('04224d18')
    .raw(Buffer.from([0x60, 0x40, hc]))
    .raw(Buffer.from([data.length & 0xff, (data.length >> 8) & 0xff, 0, 0x80]))
    .raw(data)
    .raw('00000000')
    .build()
}

const k = (s: string): Buffer => Buffer.from(s)
const T = 1_500_000_000_000

function records(blob: Buffer): KafkaRecord[] {
  const { batches, partial } = decodeRecordBatches(blob)
  assert.equal(partial, false)
  return batches.flatMap((b) => [...b.records()])
}

test('v0 plain messages: offsets as written, no timestamps', () => {
  const blob = Buffer.concat([
    entry({ offset: 10n, magic: 0, key: k('a'), value: k('1') }),
    entry({ offset: 11n, magic: 0, key: null, value: k('2') }),
    entry({ offset: 12n, magic: 0, key: k('c'), value: null }),
  ])
  const { batches } = decodeRecordBatches(blob)
  assert.equal(batches.length, 3)
  assert.deepEqual(
    batches.map((b) => [b.magic, b.baseOffset, b.lastOffset, b.timestampType, b.recordsCount, b.producerId]),
    [
      [0, 10n, 10n, -1, 1, -1n],
      [0, 11n, 11n, -1, 1, -1n],
      [0, 12n, 12n, -1, 1, -1n],
    ],
  )
  assert.deepEqual(records(blob), [
    { offset: 10n, timestamp: -1, key: k('a'), value: k('1'), headers: [] },
    { offset: 11n, timestamp: -1, key: null, value: k('2'), headers: [] },
    { offset: 12n, timestamp: -1, key: k('c'), value: null, headers: [] },
  ])
})

test('v1 gzip wrapper: relative inner offsets become absolute from the wrapper (last) offset', () => {
  const inner = Buffer.concat([0, 1, 2].map((i) => entry({ offset: BigInt(i), magic: 1, timestamp: T + i, key: null, value: k(`v${i}`) })))
  const wrapper = entry({ offset: 102n, magic: 1, attributes: 1, timestamp: T + 2, key: null, value: gzipSync(inner) })
  const { batches } = decodeRecordBatches(wrapper)
  assert.equal(batches[0]!.compression, 'gzip')
  assert.equal(batches[0]!.baseOffset, 100n)
  assert.equal(batches[0]!.lastOffset, 102n)
  assert.equal(batches[0]!.lastOffsetDelta, 2)
  assert.equal(batches[0]!.timestampType, 0)
  assert.deepEqual(
    records(wrapper).map((r) => [r.offset, r.timestamp, r.value]),
    [
      [100n, T, k('v0')],
      [101n, T + 1, k('v1')],
      [102n, T + 2, k('v2')],
    ],
  )
})

test('v1 LogAppendTime wrapper: every inner record takes the wrapper timestamp', () => {
  const inner = Buffer.concat([0, 1].map((i) => entry({ offset: BigInt(i), magic: 1, timestamp: T + i, key: null, value: k('x') })))
  const wrapper = entry({ offset: 7n, magic: 1, attributes: 1 | 0x08, timestamp: T + 500, key: null, value: gzipSync(inner) })
  const { batches } = decodeRecordBatches(wrapper)
  assert.equal(batches[0]!.timestampType, 1)
  assert.deepEqual(
    records(wrapper).map((r) => [r.offset, r.timestamp]),
    [
      [6n, T + 500],
      [7n, T + 500],
    ],
  )
})

test('v0 gzip wrapper: inner offsets are already absolute', () => {
  const inner = Buffer.concat([entry({ offset: 50n, magic: 0, key: null, value: k('a') }), entry({ offset: 51n, magic: 0, key: null, value: k('b') })])
  const wrapper = entry({ offset: 51n, magic: 0, attributes: 1, key: null, value: gzipSync(inner) })
  assert.deepEqual(
    records(wrapper).map((r) => r.offset),
    [50n, 51n],
  )
})

test('v1 xerial-snappy wrapper decodes', () => {
  const inner = Buffer.concat([0, 1, 2, 3].map((i) => entry({ offset: BigInt(i), magic: 1, timestamp: T, key: k(`k${i}`), value: Buffer.alloc(300, i) })))
  const wrapper = entry({ offset: 3n, magic: 1, attributes: 2, timestamp: T, key: null, value: xerialSnappy(inner) })
  const got = records(wrapper)
  assert.equal(got.length, 4)
  assert.deepEqual(got[3]!.value, Buffer.alloc(300, 3))
  assert.deepEqual(got[2]!.key, k('k2'))
})

test('lz4 wrappers: magic 0 accepts the old (KAFKA-3160) header checksum, magic 1 requires the right one', () => {
  const inner0 = entry({ offset: 0n, magic: 0, key: null, value: k('old') })
  const old = entry({ offset: 0n, magic: 0, attributes: 3, key: null, value: lz4Frame(inner0, 0x1a) })
  assert.deepEqual(
    records(old).map((r) => r.value),
    [k('old')],
  )
  const inner1 = entry({ offset: 0n, magic: 1, timestamp: T, key: null, value: k('new') })
  const good = entry({ offset: 0n, magic: 1, attributes: 3, timestamp: T, key: null, value: lz4Frame(inner1, 0x82) })
  assert.deepEqual(
    records(good).map((r) => r.value),
    [k('new')],
  )
  const bad = entry({ offset: 0n, magic: 1, attributes: 3, timestamp: T, key: null, value: lz4Frame(inner1, 0x1a) })
  assert.throws(() => decodeRecordBatches(bad), /header checksum 0x1a, expected 0x82/)
})

test('legacy entries and v2 batches in one blob give uniform records', () => {
  const v2 = new RecordBatchBuilder({ baseOffset: 2n })
  v2.append({ key: k('new'), value: k('v2'), timestampMs: T + 9 })
  const blob = Buffer.concat([
    entry({ offset: 0n, magic: 0, key: k('k0'), value: k('v0') }),
    entry({ offset: 1n, magic: 1, timestamp: T, key: k('k1'), value: k('v1') }),
    v2.buildSync(),
  ])
  assert.deepEqual(records(blob), [
    { offset: 0n, timestamp: -1, key: k('k0'), value: k('v0'), headers: [] },
    { offset: 1n, timestamp: T, key: k('k1'), value: k('v1'), headers: [] },
    { offset: 2n, timestamp: T + 9, key: k('new'), value: k('v2'), headers: [] },
  ])
})

test('a truncated trailing legacy entry is partial', () => {
  const a = entry({ offset: 0n, magic: 1, timestamp: T, key: null, value: k('a') })
  const b = entry({ offset: 1n, magic: 1, timestamp: T, key: null, value: k('bbbbbbbb') })
  for (let cut = a.length + 1; cut < a.length + b.length; cut++) {
    const r = decodeRecordBatches(Buffer.concat([a, b]).subarray(0, cut))
    assert.deepEqual([r.batches.length, r.partial], [1, true])
  }
})

test('corrupt legacy data is a ProtocolDecodeError', () => {
  const good = entry({ offset: 0n, magic: 1, timestamp: T, key: k('key'), value: k('value') })
  const crc = Buffer.from(good)
  crc[crc.length - 1]! ^= 1
  assert.throws(() => decodeRecordBatches(crc), /CRC-32 mismatch/)

  const plainInner = entry({ offset: 0n, magic: 1, timestamp: T, key: null, value: k('x') })
  const nested = entry({ offset: 0n, magic: 1, attributes: 1, timestamp: T, key: null, value: gzipSync(plainInner) })
  const cases: [string, Buffer][] = [
    ['nested compression', entry({ offset: 0n, magic: 1, attributes: 1, timestamp: T, key: null, value: gzipSync(nested) })],
    ['empty wrapper', entry({ offset: 0n, magic: 1, attributes: 1, timestamp: T, key: null, value: gzipSync(Buffer.alloc(0)) })],
    ['null wrapper value', entry({ offset: 0n, magic: 1, attributes: 1, timestamp: T, key: null, value: null })],
    ['zstd in a legacy message', entry({ offset: 0n, magic: 1, attributes: 4, timestamp: T, key: null, value: k('x') })],
    ['inner magic differs', entry({ offset: 0n, magic: 0, attributes: 1, key: null, value: gzipSync(plainInner) })],
    ['truncated inner set', entry({ offset: 0n, magic: 1, attributes: 1, timestamp: T, key: null, value: gzipSync(plainInner.subarray(0, 20)) })],
    ['bad gzip', entry({ offset: 0n, magic: 1, attributes: 1, timestamp: T, key: null, value: k('not gzip at all') })],
    ['key length past the end', (() => {
      const b = Buffer.from(good)
      b.writeInt32BE(1000, 12 + 4 + 2 + 8)
      b.writeUInt32BE(referenceCrc32(b.subarray(16)), 12)
      return b
    })()],
  ]
  for (const [name, blob] of cases) assert.throws(() => decodeRecordBatches(blob), ProtocolDecodeError, name)
})
