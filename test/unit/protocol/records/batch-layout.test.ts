// Broker-side helpers on a batch's 61-byte header: reading/validating it alone, the in-place
// rewrites outside the CRC (baseOffset, partitionLeaderEpoch) and those that refresh it
// (LogAppendTime, producer state).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ProtocolDecodeError } from '../../../../src/errors.js'
import { RecordBatchBuilder } from '../../../../src/protocol/records/batch-builder.js'
import {
  BATCH_HEADER_BYTES,
  computeBatchCrc,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  setProducerState,
  verifyBatchCrc,
} from '../../../../src/protocol/records/batch-layout.js'
import { decodeRecordBatches } from '../../../../src/protocol/records/record-batch.js'

const T0 = 1_700_000_000_000

function sample(): Buffer {
  const b = new RecordBatchBuilder({ producerId: 5n, producerEpoch: 2, baseSequence: 10 })
  for (let i = 0; i < 3; i++) b.append({ key: null, value: Buffer.from([i]), timestampMs: T0 + i })
  return b.buildSync()
}

test('readBatchHeader reads the header alone, from a prefix and at an offset', () => {
  const batch = sample()
  const blob = Buffer.concat([Buffer.alloc(7, 0xee), batch])
  const h = readBatchHeader(blob.subarray(0, 7 + BATCH_HEADER_BYTES), 7)
  assert.equal(h.sizeInBytes, batch.length)
  assert.equal(h.batchLength, batch.length - 12)
  assert.equal(h.recordsCount, 3)
  assert.equal(h.lastOffsetDelta, 2)
  assert.equal(h.producerId, 5n)
  assert.equal(h.baseSequence, 10)
  assert.equal(h.crc, computeBatchCrc(blob, 7))
})

test('readBatchHeader rejects short input, wrong magic and bad lengths', () => {
  const batch = sample()
  assert.throws(() => readBatchHeader(batch.subarray(0, 60)), ProtocolDecodeError)
  const legacy = Buffer.from(batch)
  legacy[16] = 1
  assert.throws(() => readBatchHeader(legacy), /magic 1, expected 2/)
  const short = Buffer.from(batch)
  short.writeInt32BE(48, 8)
  assert.throws(() => readBatchHeader(short), ProtocolDecodeError)
})

test('baseOffset and partitionLeaderEpoch are rewritten in place without touching the CRC', () => {
  const batch = sample()
  const crc = batch.readUInt32BE(17)
  setBaseOffset(batch, 0, 123_456_789_012n)
  setPartitionLeaderEpoch(batch, 0, 42)
  assert.equal(batch.readUInt32BE(17), crc)
  verifyBatchCrc(batch)
  const [decoded] = decodeRecordBatches(batch).batches
  assert.equal(decoded!.baseOffset, 123_456_789_012n)
  assert.equal(decoded!.partitionLeaderEpoch, 42)
  assert.deepEqual(
    [...decoded!.records()].map((r) => r.offset),
    [123_456_789_012n, 123_456_789_013n, 123_456_789_014n],
  )
})

test('setLogAppendTime sets the type bit and maxTimestamp and refreshes the CRC', () => {
  const batch = sample()
  setLogAppendTime(batch, 0, T0 + 5000)
  verifyBatchCrc(batch)
  const h = readBatchHeader(batch)
  assert.equal(h.timestampType, 1)
  assert.equal(h.maxTimestamp, T0 + 5000)
  assert.equal(h.baseTimestamp, T0)
})

test('setProducerState rewrites producer fields and refreshes the CRC', () => {
  const batch = sample()
  setProducerState(batch, 0, { producerId: 99n, producerEpoch: 3, baseSequence: 0 })
  verifyBatchCrc(batch)
  const h = readBatchHeader(batch)
  assert.deepEqual([h.producerId, h.producerEpoch, h.baseSequence], [99n, 3, 0])
})

test('verifyBatchCrc detects changes inside the CRC range and truncation', () => {
  const batch = sample()
  batch.writeInt32BE(7, 53) // baseSequence without a CRC refresh
  assert.throws(() => verifyBatchCrc(batch), /CRC-32C mismatch/)
  assert.throws(() => verifyBatchCrc(sample().subarray(0, 70)), /truncated/)
})
