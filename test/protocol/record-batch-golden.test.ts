// Golden RecordBatch v2 bytes. Expected bytes come from an independent oracle: the test-only
// ByteBuilder (NOTES §d written out by hand) with CRC-32C from the bitwise reference in
// test/helpers/reference-crc32c.ts; plus batches captured from another client's test vectors (Sarama, a Go client),
// which cover CRCs we did not compute and gzip/raw-snappy/lz4 payloads we did not write.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { RecordBatchBuilder } from '../../src/protocol/records/batch-builder.js'
import { buildEndTxnMarkerBatch, readEndTxnMarker } from '../../src/protocol/records/control-record.js'
import { decodeRecordBatches } from '../../src/protocol/records/record-batch.js'
import type { KafkaRecord, RecordBatch } from '../../src/protocol/records/types.js'
import { bb } from '../helpers/byte-builder.js'
import { referenceCrc32c } from '../helpers/reference-crc32c.js'

interface ExpectedRecord {
  tsDelta: bigint | number
  offsetDelta: number
  key: Buffer | null
  value: Buffer | null
  headers?: [string, Buffer | null][]
}

function expectedRecord(r: ExpectedRecord): Buffer {
  const body = bb().i8(0).varlong(r.tsDelta).varint(r.offsetDelta)
  for (const field of [r.key, r.value]) {
    if (field === null) body.varint(-1)
    else body.varint(field.length).raw(field)
  }
  const headers = r.headers ?? []
  body.varint(headers.length)
  for (const [k, v] of headers) {
    const kb = Buffer.from(k, 'utf8')
    body.varint(kb.length).raw(kb)
    if (v === null) body.varint(-1)
    else body.varint(v.length).raw(v)
  }
  const built = body.build()
  return bb().varint(built.length).raw(built).build()
}

interface ExpectedBatch {
  baseOffset?: bigint
  partitionLeaderEpoch?: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  count: number
  records: Buffer
}

function expectedBatch(f: ExpectedBatch): Buffer {
  const crcd = bb()
    .i16(f.attributes)
    .i32(f.lastOffsetDelta)
    .i64(f.baseTimestamp)
    .i64(f.maxTimestamp)
    .i64(f.producerId ?? -1n)
    .i16(f.producerEpoch ?? -1)
    .i32(f.baseSequence ?? -1)
    .i32(f.count)
    .raw(f.records)
    .build()
  return bb()
    .i64(f.baseOffset ?? 0n)
    .i32(4 + 1 + 4 + crcd.length) // partitionLeaderEpoch + magic + crc + the CRC'd part
    .i32(f.partitionLeaderEpoch ?? -1)
    .i8(2)
    .u32(referenceCrc32c(crcd))
    .raw(crcd)
    .build()
}

function decodeOne(buf: Buffer): { batch: RecordBatch; records: KafkaRecord[] } {
  const { batches, partial } = decodeRecordBatches(buf)
  assert.equal(partial, false)
  assert.equal(batches.length, 1)
  return { batch: batches[0]!, records: [...batches[0]!.records()] }
}

const T = 1_700_000_000_000
const k = (s: string): Buffer => Buffer.from(s)

test('one record, no headers', () => {
  const b = new RecordBatchBuilder()
  b.append({ key: k('key'), value: k('value'), timestampMs: T })
  const expected = expectedBatch({
    attributes: 0,
    lastOffsetDelta: 0,
    baseTimestamp: T,
    maxTimestamp: T,
    count: 1,
    records: expectedRecord({ tsDelta: 0, offsetDelta: 0, key: k('key'), value: k('value') }),
  })
  // The record is: length 14, attributes, tsDelta 0, offsetDelta 0, key "key", value "value", 0 headers.
  assert.equal(expected.subarray(61).toString('hex'), '1c000000066b65790a76616c756500')
  assert.deepEqual(b.buildSync(), expected)
  const { batch, records } = decodeOne(expected)
  assert.equal(batch.crc, expected.readUInt32BE(17))
  assert.deepEqual(records, [{ offset: 0n, timestamp: T, key: k('key'), value: k('value'), headers: [] }])
})

test('records with headers, a null key, a tombstone and out-of-order timestamps', () => {
  const inputs = [
    { key: null, value: k('v0'), headers: [{ key: 'trace-id', value: k('abc') }], timestampMs: T + 10 },
    { key: k('k1'), value: null, headers: [{ key: 'ü', value: null }, { key: 'b', value: k('') }], timestampMs: T },
    { key: k('k2'), value: k('x'.repeat(200)), timestampMs: T + 2 ** 33 },
  ]
  const b = new RecordBatchBuilder()
  for (const r of inputs) b.append(r)
  const expected = expectedBatch({
    attributes: 0,
    lastOffsetDelta: 2,
    baseTimestamp: T + 10,
    maxTimestamp: T + 2 ** 33,
    count: 3,
    records: Buffer.concat([
      expectedRecord({ tsDelta: 0, offsetDelta: 0, key: null, value: k('v0'), headers: [['trace-id', k('abc')]] }),
      expectedRecord({ tsDelta: -10, offsetDelta: 1, key: k('k1'), value: null, headers: [['ü', null], ['b', k('')]] }),
      expectedRecord({ tsDelta: 2 ** 33 - 10, offsetDelta: 2, key: k('k2'), value: k('x'.repeat(200)) }),
    ]),
  })
  assert.deepEqual(b.buildSync(), expected)
  const { records } = decodeOne(expected)
  assert.deepEqual(
    records.map((r) => [r.offset, r.timestamp, r.key, r.value, r.headers]),
    inputs.map((r, i) => [BigInt(i), r.timestampMs, r.key, r.value, r.headers ?? []]),
  )
})

test('idempotent transactional batch with a broker-assigned offset and leader epoch', () => {
  const b = new RecordBatchBuilder({
    transactional: true,
    producerId: 1_234_567_890_123n,
    producerEpoch: 3,
    baseSequence: 2_147_483_647,
    baseOffset: 9_000_000_000n,
    partitionLeaderEpoch: 12,
  })
  b.append({ key: null, value: k('a'), timestampMs: T })
  b.append({ key: null, value: k('b'), timestampMs: T + 1 })
  const expected = expectedBatch({
    baseOffset: 9_000_000_000n,
    partitionLeaderEpoch: 12,
    attributes: 0x10,
    lastOffsetDelta: 1,
    baseTimestamp: T,
    maxTimestamp: T + 1,
    producerId: 1_234_567_890_123n,
    producerEpoch: 3,
    baseSequence: 2_147_483_647,
    count: 2,
    records: Buffer.concat([
      expectedRecord({ tsDelta: 0, offsetDelta: 0, key: null, value: k('a') }),
      expectedRecord({ tsDelta: 1, offsetDelta: 1, key: null, value: k('b') }),
    ]),
  })
  assert.deepEqual(b.buildSync(), expected)
  const { batch, records } = decodeOne(expected)
  assert.equal(batch.isTransactional, true)
  assert.deepEqual(
    records.map((r) => r.offset),
    [9_000_000_000n, 9_000_000_001n],
  )
})

test('control batch with a COMMIT marker', () => {
  const actual = buildEndTxnMarkerBatch({ type: 'commit', producerId: 77n, producerEpoch: 5, coordinatorEpoch: 9, timestampMs: T })
  const expected = expectedBatch({
    attributes: 0x30, // control + transactional
    lastOffsetDelta: 0,
    baseTimestamp: T,
    maxTimestamp: T,
    producerId: 77n,
    producerEpoch: 5,
    baseSequence: -1,
    count: 1,
    records: expectedRecord({
      tsDelta: 0,
      offsetDelta: 0,
      key: bb().i16(0).i16(1).build(), // version 0, type COMMIT
      value: bb().i16(0).i32(9).build(), // version 0, coordinatorEpoch
    }),
  })
  assert.deepEqual(actual, expected)
  const { batch } = decodeOne(expected)
  assert.deepEqual(readEndTxnMarker(batch), { type: 'commit', coordinatorEpoch: 9, offset: 0n })
})

test('gzip batch: header and CRC over the compressed bytes, payload gunzips to the expected records', () => {
  const b = new RecordBatchBuilder({ compression: 'gzip' })
  b.append({ key: k('a'), value: k('x'.repeat(50)), timestampMs: T })
  b.append({ key: k('b'), value: k('y'.repeat(50)), timestampMs: T + 7 })
  const actual = b.buildSync()
  const payload = actual.subarray(61)
  assert.deepEqual(payload.subarray(0, 2), Buffer.from([0x1f, 0x8b]), 'gzip container')
  assert.deepEqual(
    gunzipSync(payload),
    Buffer.concat([
      expectedRecord({ tsDelta: 0, offsetDelta: 0, key: k('a'), value: k('x'.repeat(50)) }),
      expectedRecord({ tsDelta: 7, offsetDelta: 1, key: k('b'), value: k('y'.repeat(50)) }),
    ]),
  )
  const expected = expectedBatch({ attributes: 1, lastOffsetDelta: 1, baseTimestamp: T, maxTimestamp: T + 7, count: 2, records: payload })
  assert.deepEqual(actual, expected)
})

// Sarama's record_test.go vectors (a batch with one record: key 01020304, value 050607, header
// 08090a=0b0c, firstTimestamp 1479847795000, timestampDelta 5; producer fields 0, maxTimestamp 0).
const SARAMA = {
  empty: '0000000000000000000000310000000002595fb7dd00000000000000000000000000000000000000000000000000000000000000000000000000000000',
  control: '0000000000000000000000310000000002512e43d900200000000000000000000000000000000000000000000000000000000000000000000000000000',
  uncompressed:
    '0000000000000000000000460000000002547961fd000000000000000001588dcd5938000000000000000000000000000000000000000000000000000128000a00080102030406050607020608090a040b0c',
  gzip: '00000000000000000000005f0000000002e74acea5000100000000000001588dcd593800000000000000000000000000000000000000000000000000011f8b080000096e8800ff001500eaff28000a00080102030406050607020608090a040b0c0300adc9586715000000',
  snappy:
    '000000000000000000000048000000000215009f61000200000000000001588dcd59380000000000000000000000000000000000000000000000000001155028000a00080102030406050607020608090a040b0c',
  lz4: '0000000000000000000000590000000002a94a77c5000300000000000001588dcd5938000000000000000000000000000000000000000000000000000104224d186470b91500008028000a00080102030406050607020608090a040b0c000000000c3bef92',
} as const

test('captured batches from another client: empty and empty-control batches', () => {
  for (const name of ['empty', 'control'] as const) {
    const { batch, records } = decodeOne(Buffer.from(SARAMA[name], 'hex'))
    assert.equal(batch.recordsCount, 0)
    assert.equal(batch.isControl, name === 'control')
    assert.equal(batch.producerId, 0n)
    assert.deepEqual(records, [])
  }
})

test('captured batches from another client: one record, uncompressed, gzip, raw snappy and lz4 (framed, checksummed)', async () => {
  const want: KafkaRecord = {
    offset: 0n,
    timestamp: 1_479_847_795_005,
    key: Buffer.from([1, 2, 3, 4]),
    value: Buffer.from([5, 6, 7]),
    headers: [{ key: '\b\t\n', value: Buffer.from([11, 12]) }],
  }
  for (const name of ['uncompressed', 'gzip', 'snappy', 'lz4'] as const) {
    const buf = Buffer.from(SARAMA[name], 'hex')
    assert.equal(buf.readUInt32BE(17), referenceCrc32c(buf.subarray(21)), `${name}: the vector's CRC is CRC-32C`)
    const { batch } = decodeOne(buf)
    await batch.inflate()
    assert.equal(batch.compression, name === 'uncompressed' ? 'none' : name)
    assert.deepEqual([...batch.records()], [want], name)
  }
})
