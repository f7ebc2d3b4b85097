// The 61-byte RecordBatch v2 header (NOTES §d.1/§d.2): field offsets, attribute bits, reading and
// validating a header, and the in-place rewrites the reference broker needs (baseOffset and
// partitionLeaderEpoch lie outside the CRC; LogAppendTime and producer state need a new CRC).
// Used by batch-builder.ts, record-batch.ts, control-record.ts and test/fixtures/broker.
// Invariant: the CRC-32C covers bytes [21, end) of the batch.
import { ProtocolDecodeError } from '../../errors.js'
import { crc32c } from '../primitives/crc32c.js'
import { codecFromId } from './compression/index.js'
import type { RecordBatchHeader, TimestampType } from './types.js'

export const BatchField = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  RECORDS: 61,
} as const

export const BATCH_HEADER_BYTES = 61
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12

export const BatchAttribute = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const

/** Reads a signed int64 as a number (exact below 2^53; timestamps). */
export function readInt64Number(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 0x100000000 + buf.readUInt32BE(pos + 4)
}

/** Writes a safe-integer number as a signed int64. */
export function writeInt64Number(buf: Buffer, pos: number, n: number): void {
  buf.writeInt32BE(Math.floor(n / 0x100000000), pos)
  buf.writeUInt32BE(n >>> 0, pos + 4)
}

function corrupt(message: string, offset: number): never {
  throw new ProtocolDecodeError(`record batch: ${message}`, { offset })
}

/**
 * Reads and validates the header of the magic-2 batch at `offset`: at least 61 bytes present,
 * magic 2, batchLength >= 49, a known codec, recordsCount >= 0. Does not need the whole batch
 * and does not check the CRC (verifyBatchCrc does).
 */
export function readBatchHeader(buf: Buffer, offset = 0): RecordBatchHeader {
  if (buf.length - offset < BATCH_HEADER_BYTES) corrupt(`need ${BATCH_HEADER_BYTES} header bytes, have ${buf.length - offset}`, offset)
  const magic = buf.readInt8(offset + BatchField.MAGIC)
  if (magic !== 2) corrupt(`magic ${magic}, expected 2`, offset + BatchField.MAGIC)
  const batchLength = buf.readInt32BE(offset + BatchField.BATCH_LENGTH)
  if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD) corrupt(`batchLength ${batchLength} is below the header size`, offset + 8)
  const attributes = buf.readInt16BE(offset + BatchField.ATTRIBUTES)
  const compression = codecFromId(attributes & BatchAttribute.COMPRESSION_MASK)
  if (compression === undefined) corrupt(`unknown compression codec ${attributes & 7}`, offset + BatchField.ATTRIBUTES)
  const recordsCount = buf.readInt32BE(offset + BatchField.RECORDS_COUNT)
  if (recordsCount < 0) corrupt(`negative recordsCount ${recordsCount}`, offset + BatchField.RECORDS_COUNT)
  const baseOffset = buf.readBigInt64BE(offset)
  const lastOffsetDelta = buf.readInt32BE(offset + BatchField.LAST_OFFSET_DELTA)
  return {
    baseOffset,
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(offset + BatchField.PARTITION_LEADER_EPOCH),
    magic,
    crc: buf.readUInt32BE(offset + BatchField.CRC),
    attributes,
    compression,
    timestampType: (attributes & BatchAttribute.TIMESTAMP_TYPE ? 1 : 0) as TimestampType,
    isTransactional: (attributes & BatchAttribute.TRANSACTIONAL) !== 0,
    isControl: (attributes & BatchAttribute.CONTROL) !== 0,
    hasDeleteHorizon: (attributes & BatchAttribute.DELETE_HORIZON) !== 0,
    lastOffsetDelta,
    baseTimestamp: readInt64Number(buf, offset + BatchField.BASE_TIMESTAMP),
    maxTimestamp: readInt64Number(buf, offset + BatchField.MAX_TIMESTAMP),
    producerId: buf.readBigInt64BE(offset + BatchField.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(offset + BatchField.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(offset + BatchField.BASE_SEQUENCE),
    recordsCount,
    lastOffset: baseOffset + BigInt(lastOffsetDelta),
    sizeInBytes: batchLength + LOG_OVERHEAD,
  }
}

/** The whole batch at `offset` must be present: its size, or a decode error. */
function batchEnd(buf: Buffer, offset: number): number {
  if (buf.length - offset < BATCH_HEADER_BYTES) corrupt('truncated batch header', offset)
  const end = offset + LOG_OVERHEAD + buf.readInt32BE(offset + BatchField.BATCH_LENGTH)
  if (end > buf.length || end < offset + BATCH_HEADER_BYTES) corrupt('batch is truncated or its length is invalid', offset)
  return end
}

/** Computes the CRC-32C the batch at `offset` should carry (over attributes..end). */
export function computeBatchCrc(buf: Buffer, offset = 0): number {
  return crc32c(buf, offset + BatchField.ATTRIBUTES, batchEnd(buf, offset))
}

/** Throws ProtocolDecodeError unless the stored CRC-32C of the batch at `offset` matches. */
export function verifyBatchCrc(buf: Buffer, offset = 0): void {
  const actual = computeBatchCrc(buf, offset)
  const stored = buf.readUInt32BE(offset + BatchField.CRC)
  if (actual !== stored) {
    corrupt(`CRC-32C mismatch: stored 0x${hex32(stored)}, computed 0x${hex32(actual)}`, offset + BatchField.CRC)
  }
}

export function hex32(n: number): string {
  return n.toString(16).padStart(8, '0')
}

/** Recomputes and stores the CRC after a change to bytes [21, end). */
export function updateBatchCrc(buf: Buffer, offset = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, offset), offset + BatchField.CRC)
}

/** Sets baseOffset in place; outside the CRC, so nothing else changes. */
export function setBaseOffset(buf: Buffer, offset: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, offset + BatchField.BASE_OFFSET)
}

/** Sets partitionLeaderEpoch in place; outside the CRC. */
export function setPartitionLeaderEpoch(buf: Buffer, offset: number, epoch: number): void {
  buf.writeInt32BE(epoch, offset + BatchField.PARTITION_LEADER_EPOCH)
}

/**
 * Marks the batch LogAppendTime with `timestampMs` as its maxTimestamp (what a broker does for a
 * topic with message.timestamp.type=LogAppendTime), then fixes the CRC. Records keep their deltas;
 * readers report maxTimestamp for every record of such a batch.
 */
export function setLogAppendTime(buf: Buffer, offset: number, timestampMs: number): void {
  batchEnd(buf, offset)
  const at = offset + BatchField.ATTRIBUTES
  buf.writeInt16BE(buf.readInt16BE(at) | BatchAttribute.TIMESTAMP_TYPE, at)
  writeInt64Number(buf, offset + BatchField.MAX_TIMESTAMP, timestampMs)
  updateBatchCrc(buf, offset)
}

export interface BatchProducerState {
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
}

/** Rewrites producerId/epoch/baseSequence (idempotent retry after an epoch bump), then the CRC. */
export function setProducerState(buf: Buffer, offset: number, state: BatchProducerState): void {
  batchEnd(buf, offset)
  buf.writeBigInt64BE(state.producerId, offset + BatchField.PRODUCER_ID)
  buf.writeInt16BE(state.producerEpoch, offset + BatchField.PRODUCER_EPOCH)
  buf.writeInt32BE(state.baseSequence, offset + BatchField.BASE_SEQUENCE)
  updateBatchCrc(buf, offset)
}
