// Legacy MessageSet decoding, magic 0 and 1 (NOTES §d.5): old data and old brokers only; we never
// write it. Each top-level entry (offset, size, message) becomes one LegacyRecordBatch with the
// same fields and records() as a v2 batch, so consumers see uniform records. A compressed wrapper
// is inflated synchronously and eagerly (legacy data is rare); its inner messages must not be
// compressed; v1 inner offsets are relative to the wrapper, which carries the last absolute offset.
// CRC-32 (IEEE, crc-32 package) covers magic..end of each message.
import CRC32 from 'crc-32'
import { ProtocolDecodeError } from '../../errors.js'
import { type CompressionCodec, codecFromId, decompressSync } from './compression/index.js'
import { hex32 } from './batch-layout.js'
import type { KafkaRecord, RecordBatch, TimestampType } from './types.js'

/** crc(4) magic(1) attributes(1) keyLength(4) valueLength(4): the smallest v0 message. */
export const LEGACY_MIN_MESSAGE_BYTES = 14
const ENTRY_OVERHEAD = 12 // offset int64 + size int32
const TIMESTAMP_TYPE_BIT = 0x08

function corrupt(message: string, offset: number): never {
  throw new ProtocolDecodeError(`legacy message: ${message}`, { offset })
}

interface LegacyMessage {
  crc: number
  magic: number
  attributes: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
}

/** Parses the message of the entry at `buf[start, end)` (entry = offset + size + message). */
function parseMessage(buf: Buffer, start: number, end: number, verifyCrc: boolean): LegacyMessage {
  let p = start + ENTRY_OVERHEAD
  const crc = buf.readUInt32BE(p)
  const magic = buf.readInt8(p + 4)
  if (magic !== 0 && magic !== 1) corrupt(`magic ${magic}, expected 0 or 1`, p + 4)
  const minBytes = LEGACY_MIN_MESSAGE_BYTES + (magic === 1 ? 8 : 0)
  if (end - p < minBytes) corrupt(`message of ${end - p} bytes is below the ${minBytes}-byte minimum`, p)
  if (verifyCrc) {
    const actual = CRC32.buf(buf.subarray(p + 4, end)) >>> 0
    if (actual !== crc) corrupt(`CRC-32 mismatch: stored 0x${hex32(crc)}, computed 0x${hex32(actual)}`, p)
  }
  const attributes = buf.readInt8(p + 5)
  p += 6
  let timestamp = -1
  if (magic === 1) {
    timestamp = buf.readInt32BE(p) * 0x100000000 + buf.readUInt32BE(p + 4)
    p += 8
  }
  const keyLen = buf.readInt32BE(p)
  p += 4
  let key: Buffer | null = null
  if (keyLen >= 0) {
    if (p + keyLen + 4 > end) corrupt(`key length ${keyLen} out of bounds`, p - 4)
    key = buf.subarray(p, p + keyLen)
    p += keyLen
  }
  const valueLen = buf.readInt32BE(p)
  p += 4
  let value: Buffer | null = null
  if (valueLen >= 0) {
    if (p + valueLen > end) corrupt(`value length ${valueLen} out of bounds`, p - 4)
    value = buf.subarray(p, p + valueLen)
    p += valueLen
  }
  if (p !== end) corrupt(`${end - p} unexpected bytes after the value`, p)
  return { crc, magic, attributes, timestamp, key, value }
}

function toRecord(offset: bigint, timestamp: number, m: LegacyMessage): KafkaRecord {
  return { offset, timestamp, key: m.key, value: m.value, headers: [] }
}

/**
 * Decodes the top-level legacy entry at `buf[start, end)` (its size already checked) and pushes
 * one LegacyRecordBatch onto `out`.
 */
export function decodeLegacyEntry(buf: Buffer, start: number, end: number, verifyCrc: boolean, out: RecordBatch[]): void {
  const offset = buf.readBigInt64BE(start)
  const wrapper = parseMessage(buf, start, end, verifyCrc)
  const codec = codecFromId(wrapper.attributes & 7)
  if (codec === undefined || codec === 'zstd') corrupt(`invalid compression codec ${wrapper.attributes & 7} for magic ${wrapper.magic}`, start + 17)
  const timestampType: TimestampType = wrapper.magic === 0 ? -1 : wrapper.attributes & TIMESTAMP_TYPE_BIT ? 1 : 0
  let records: KafkaRecord[]
  if (codec === 'none') {
    records = [toRecord(offset, wrapper.timestamp, wrapper)]
  } else {
    if (wrapper.value === null) corrupt('compressed wrapper message has a null value', start)
    const inner = decompressSync(codec, wrapper.value, { ignoreLz4HeaderChecksum: wrapper.magic === 0 })
    records = decodeInnerSet(inner, wrapper, offset, timestampType, verifyCrc)
  }
  out.push(new LegacyRecordBatch(buf.subarray(start, end), wrapper, codec, timestampType, records))
}

function decodeInnerSet(
  inner: Buffer,
  wrapper: LegacyMessage,
  wrapperOffset: bigint,
  timestampType: TimestampType,
  verifyCrc: boolean,
): KafkaRecord[] {
  const messages: { offset: bigint; message: LegacyMessage }[] = []
  let pos = 0
  while (pos < inner.length) {
    if (inner.length - pos < ENTRY_OVERHEAD) corrupt('truncated inner message set', pos)
    const size = inner.readInt32BE(pos + 8)
    if (size < LEGACY_MIN_MESSAGE_BYTES || pos + ENTRY_OVERHEAD + size > inner.length) {
      corrupt(`inner message size ${size} out of bounds`, pos + 8)
    }
    const end = pos + ENTRY_OVERHEAD + size
    const message = parseMessage(inner, pos, end, verifyCrc)
    if ((message.attributes & 7) !== 0) corrupt('inner messages must not be compressed', pos)
    if (message.magic !== wrapper.magic) corrupt(`inner magic ${message.magic} differs from the wrapper's ${wrapper.magic}`, pos)
    messages.push({ offset: inner.readBigInt64BE(pos), message })
    pos = end
  }
  const last = messages[messages.length - 1]
  if (last === undefined) corrupt('compressed wrapper holds no messages', 0)
  // v1: inner offsets are relative and the wrapper carries the absolute offset of the last one.
  const shift = wrapper.magic === 1 ? wrapperOffset - last.offset : 0n
  const records: KafkaRecord[] = []
  for (const { offset, message } of messages) {
    const timestamp = timestampType === 1 ? wrapper.timestamp : message.timestamp
    records.push(toRecord(offset + shift, timestamp, message))
  }
  return records
}

/** One top-level legacy entry, with its (inner) records decoded. Same shape as DefaultRecordBatch. */
export class LegacyRecordBatch implements RecordBatch {
  readonly baseOffset: bigint
  readonly batchLength: number
  readonly partitionLeaderEpoch = -1
  readonly magic: number
  readonly crc: number
  readonly attributes: number
  readonly compression: CompressionCodec
  readonly timestampType: TimestampType
  readonly isTransactional = false
  readonly isControl = false
  readonly hasDeleteHorizon = false
  readonly lastOffsetDelta: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly producerId = -1n
  readonly producerEpoch = -1
  readonly baseSequence = -1
  readonly recordsCount: number
  readonly lastOffset: bigint
  readonly sizeInBytes: number
  readonly bytes: Buffer
  readonly #records: KafkaRecord[]

  constructor(bytes: Buffer, wrapper: LegacyMessage, codec: CompressionCodec, timestampType: TimestampType, records: KafkaRecord[]) {
    const first = records[0]!
    const last = records[records.length - 1]!
    this.baseOffset = first.offset
    this.batchLength = bytes.length - ENTRY_OVERHEAD
    this.magic = wrapper.magic
    this.crc = wrapper.crc
    this.attributes = wrapper.attributes
    this.compression = codec
    this.timestampType = timestampType
    this.lastOffsetDelta = Number(last.offset - first.offset)
    this.baseTimestamp = first.timestamp
    this.maxTimestamp = wrapper.timestamp
    this.recordsCount = records.length
    this.lastOffset = last.offset
    this.sizeInBytes = bytes.length
    this.bytes = bytes
    this.#records = records
  }

  inflate(): Promise<void> {
    return Promise.resolve()
  }

  records(): IterableIterator<KafkaRecord> {
    return this.#records[Symbol.iterator]()
  }
}
