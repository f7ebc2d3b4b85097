// Control records: transaction markers built for the broker and read back by the consumer;
// unknown control types are ignored, malformed keys/values are decode errors.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ProtocolDecodeError } from '../../../../src/errors.js'
import { RecordBatchBuilder } from '../../../../src/protocol/records/batch-builder.js'
import {
  buildEndTxnMarkerBatch,
  ControlRecordType,
  decodeEndTxnMarker,
  readControlRecordType,
  readEndTxnMarker,
} from '../../../../src/protocol/records/control-record.js'
import { decodeRecordBatches } from '../../../../src/protocol/records/record-batch.js'

function controlBatch(key: Buffer | null, value: Buffer | null): Buffer {
  const b = new RecordBatchBuilder({ control: true, transactional: true, producerId: 1n, producerEpoch: 0 })
  b.append({ key, value, timestampMs: 1 })
  return b.buildSync()
}

test('COMMIT and ABORT marker batches carry the flags, producer and coordinator epoch', () => {
  for (const type of ['commit', 'abort'] as const) {
    const buf = buildEndTxnMarkerBatch({ type, producerId: 4242n, producerEpoch: 7, coordinatorEpoch: 31, timestampMs: 1000, baseOffset: 50n })
    const [batch] = decodeRecordBatches(buf).batches
    assert.equal(batch!.isControl, true)
    assert.equal(batch!.isTransactional, true)
    assert.equal(batch!.producerId, 4242n)
    assert.equal(batch!.producerEpoch, 7)
    assert.equal(batch!.baseSequence, -1)
    assert.equal(batch!.recordsCount, 1)
    assert.deepEqual(readEndTxnMarker(batch!), { type, coordinatorEpoch: 31, offset: 50n })
  }
})

test('unknown and non-transaction control types decode as null (ignored)', () => {
  for (const type of [ControlRecordType.LEADER_CHANGE, ControlRecordType.KRAFT_VOTERS, 99, -1]) {
    const key = Buffer.alloc(4)
    key.writeInt16BE(type, 2)
    const [batch] = decodeRecordBatches(controlBatch(key, Buffer.alloc(2))).batches
    assert.equal(readEndTxnMarker(batch!), null)
  }
  // A key with a newer version is still read by its type.
  const v1 = Buffer.from([0, 1, 0, 1])
  assert.equal(readControlRecordType(v1), ControlRecordType.COMMIT)
})

test('a data batch has no marker', () => {
  const b = new RecordBatchBuilder()
  b.append({ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6), timestampMs: 1 })
  const [batch] = decodeRecordBatches(b.buildSync()).batches
  assert.equal(readEndTxnMarker(batch!), null)
})

test('malformed control keys and marker values are ProtocolDecodeErrors', () => {
  for (const key of [null, Buffer.from([0, 0, 1])]) {
    const [batch] = decodeRecordBatches(controlBatch(key, Buffer.alloc(6))).batches
    assert.throws(() => readEndTxnMarker(batch!), ProtocolDecodeError)
  }
  for (const value of [null, Buffer.alloc(5)]) {
    assert.throws(
      () => decodeEndTxnMarker({ offset: 0n, timestamp: 0, key: Buffer.from([0, 0, 0, 0]), value, headers: [] }),
      ProtocolDecodeError,
    )
  }
})
