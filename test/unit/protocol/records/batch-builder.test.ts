// RecordBatchBuilder: size tracking for the accumulator, append/tryAppend semantics, header fields,
// producer-state overrides, compression round trips, and rejection of bad input.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KafkaClientError } from '../../../../src/errors.js'
import { RecordBatchBuilder } from '../../../../src/protocol/records/batch-builder.js'
import { decodeRecordBatches } from '../../../../src/protocol/records/record-batch.js'
import type { RecordBatch, RecordInput } from '../../../../src/protocol/records/types.js'

const T0 = 1_700_000_000_000

function rec(i: number, extra: Partial<RecordInput> = {}): RecordInput {
  return { key: Buffer.from(`key-${i}`), value: Buffer.alloc(100, i), timestampMs: T0 + i, ...extra }
}

function only(buf: Buffer): RecordBatch {
  const { batches, partial } = decodeRecordBatches(buf)
  assert.equal(partial, false)
  assert.equal(batches.length, 1)
  return batches[0]!
}

test('sizeInBytes is exact for uncompressed batches, record by record', () => {
  const b = new RecordBatchBuilder({ initialCapacityBytes: 64 })
  assert.equal(b.sizeInBytes, 61)
  let expected = 61
  for (let i = 0; i < 50; i++) {
    const r = rec(i, { headers: [{ key: `h${i}`, value: i % 2 ? null : Buffer.from('v') }] })
    const size = b.recordSizeInBytes(r)
    assert.equal(b.append(r), i)
    expected += size
    assert.equal(b.sizeInBytes, expected)
  }
  assert.equal(b.buildSync().length, expected)
})

test('tryAppend stops at the limit but always accepts a first record', () => {
  const limit = 1000
  const b = new RecordBatchBuilder()
  let accepted = 0
  while (b.tryAppend(rec(accepted), limit) >= 0) accepted++
  assert.ok(accepted > 1)
  assert.ok(b.sizeInBytes <= limit)
  assert.ok(b.sizeInBytes + b.recordSizeInBytes(rec(accepted)) > limit)
  assert.equal(b.hasRoomFor(rec(accepted), limit), false)
  assert.equal(only(b.buildSync()).recordsCount, accepted)

  const big = new RecordBatchBuilder()
  assert.equal(big.hasRoomFor({ key: null, value: Buffer.alloc(5000), timestampMs: T0 }, 100), true)
  assert.equal(big.tryAppend({ key: null, value: Buffer.alloc(5000), timestampMs: T0 }, 100), 0)
  assert.equal(big.tryAppend(rec(1), 100), -1)
  assert.equal(big.recordCount, 1)
})

test('estimatedSizeInBytes applies the compression ratio estimate', () => {
  const b = new RecordBatchBuilder({ compression: 'gzip', estimatedCompressionRatio: 0.5 })
  for (let i = 0; i < 10; i++) b.append(rec(i))
  assert.equal(b.estimatedSizeInBytes, 61 + Math.ceil((b.sizeInBytes - 61) * 0.5))
  const none = new RecordBatchBuilder({ estimatedCompressionRatio: 0.5 })
  none.append(rec(0))
  assert.equal(none.estimatedSizeInBytes, none.sizeInBytes)
})

test('header fields: timestamps, deltas, defaults, flags', () => {
  const b = new RecordBatchBuilder({ transactional: true, producerId: 77n, producerEpoch: 4, baseSequence: 1000 })
  b.append(rec(0, { timestampMs: T0 + 50 }))
  b.append(rec(1, { timestampMs: T0 + 10 })) // earlier than the first: negative delta
  b.append(rec(2, { timestampMs: T0 + 90 }))
  const batch = only(b.buildSync())
  assert.equal(batch.baseOffset, 0n)
  assert.equal(batch.partitionLeaderEpoch, -1)
  assert.equal(batch.magic, 2)
  assert.equal(batch.lastOffsetDelta, 2)
  assert.equal(batch.lastOffset, 2n)
  assert.equal(batch.baseTimestamp, T0 + 50)
  assert.equal(batch.maxTimestamp, T0 + 90)
  assert.equal(batch.isTransactional, true)
  assert.equal(batch.isControl, false)
  assert.equal(batch.timestampType, 0)
  assert.equal(batch.producerId, 77n)
  assert.equal(batch.producerEpoch, 4)
  assert.equal(batch.baseSequence, 1000)
  assert.deepEqual(
    [...batch.records()].map((r) => [r.offset, r.timestamp]),
    [
      [0n, T0 + 50],
      [1n, T0 + 10],
      [2n, T0 + 90],
    ],
  )
})

test('non-idempotent defaults are -1 and build() may set the producer state', async () => {
  const plain = new RecordBatchBuilder()
  plain.append(rec(0))
  const a = only(plain.buildSync())
  assert.deepEqual([a.producerId, a.producerEpoch, a.baseSequence], [-1n, -1, -1])

  const b = new RecordBatchBuilder({ compression: 'gzip' })
  b.append(rec(0))
  const built = only(await b.build({ producerId: 9n, producerEpoch: 1, baseSequence: 5 }))
  assert.deepEqual([built.producerId, built.producerEpoch, built.baseSequence], [9n, 1, 5])
})

test('timestamp deltas beyond 32 bits and negative timestamps round trip', () => {
  const b = new RecordBatchBuilder()
  const stamps = [T0, T0 + 2 ** 35, T0 - 2 ** 40, T0 + 1, 0, -1]
  for (const t of stamps) b.append({ key: null, value: null, timestampMs: t })
  const batch = only(b.buildSync())
  assert.deepEqual(
    [...batch.records()].map((r) => r.timestamp),
    stamps,
  )
  assert.equal(batch.maxTimestamp, T0 + 2 ** 35)
})

test('keys, values and headers round trip, including null, empty and multi-byte UTF-8', () => {
  const b = new RecordBatchBuilder({ initialCapacityBytes: 1 })
  const headers = [
    { key: 'trace', value: Buffer.from('abc') },
    { key: 'ключ-🔑', value: null },
    { key: '', value: Buffer.alloc(0) },
  ]
  b.append({ key: null, value: Buffer.from('v'), headers, timestampMs: T0 })
  b.append({ key: Buffer.alloc(0), value: null, timestampMs: T0 })
  b.append({ key: new Uint8Array([1, 2, 3]), value: Buffer.alloc(300, 7), timestampMs: T0 })
  const [r0, r1, r2] = [...only(b.buildSync()).records()]
  assert.equal(r0!.key, null)
  assert.deepEqual(r0!.value, Buffer.from('v'))
  assert.deepEqual(r0!.headers, headers)
  assert.deepEqual(r1!.key, Buffer.alloc(0))
  assert.equal(r1!.value, null)
  assert.deepEqual(r1!.headers, [])
  assert.deepEqual(r2!.key, Buffer.from([1, 2, 3]))
  assert.deepEqual(r2!.value, Buffer.alloc(300, 7))
})

for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
  test(`${codec}: build() and buildSync() produce batches that decode to the same records`, async () => {
    const make = (): RecordBatchBuilder => {
      const b = new RecordBatchBuilder({ compression: codec })
      for (let i = 0; i < 300; i++) b.append(rec(i, { headers: [{ key: 'n', value: Buffer.from(String(i)) }] }))
      return b
    }
    const sizeBefore = make().sizeInBytes
    for (const buf of [await make().build(), make().buildSync()]) {
      const batch = only(buf)
      assert.equal(batch.compression, codec)
      assert.equal(batch.attributes & 7, { gzip: 1, snappy: 2, lz4: 3 }[codec])
      assert.ok(buf.length < sizeBefore, 'repetitive values compress')
      await batch.inflate()
      const records = [...batch.records()]
      assert.equal(records.length, 300)
      assert.deepEqual(records[299]!.value, Buffer.alloc(100, 299))
      assert.deepEqual(records[123]!.headers, [{ key: 'n', value: Buffer.from('123') }])
    }
  })
}

test('an empty builder builds an empty batch', () => {
  const batch = only(new RecordBatchBuilder().buildSync())
  assert.equal(batch.recordsCount, 0)
  assert.equal(batch.lastOffsetDelta, -1)
  assert.equal(batch.baseTimestamp, -1)
  assert.deepEqual([...batch.records()], [])
})

test('a builder builds once; bad timestamps and header keys are typed errors', async () => {
  const b = new RecordBatchBuilder()
  b.append(rec(0))
  b.buildSync()
  assert.throws(() => b.buildSync(), (e: unknown) => e instanceof KafkaClientError && e.code === 'ILLEGAL_STATE')
  await assert.rejects(b.build(), (e: unknown) => e instanceof KafkaClientError && e.code === 'ILLEGAL_STATE')
  assert.throws(() => b.append(rec(1)), KafkaClientError)

  const c = new RecordBatchBuilder()
  for (const t of [Number.NaN, 1.5, 2 ** 60, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => c.append({ key: null, value: null, timestampMs: t }),
      (e: unknown) => e instanceof KafkaClientError && e.code === 'INVALID_RECORD',
    )
  }
  const badHeaders = [{ key: null as unknown as string, value: null }]
  assert.throws(() => c.append({ key: null, value: null, headers: badHeaders, timestampMs: T0 }), KafkaClientError)
  assert.equal(c.recordCount, 0)
})
