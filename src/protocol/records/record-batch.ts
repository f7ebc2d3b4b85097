// Decoding of a `records` blob (Fetch responses, Produce requests at the broker): splits it into
// batches, v2 (DefaultRecordBatch, CRC-32C checked) or legacy magic 0/1 (legacy-message-set.ts),
// stopping quietly at a truncated final batch, and decodes v2 records lazily, one per next().
// Called by the consumer fetcher and the reference broker. Keys, values and header values are
// zero-copy views. Corrupt input throws ProtocolDecodeError; nothing is allocated from an
// unchecked length.
import { ProtocolDecodeError } from '../../errors.js'
import type { CompressionCodec } from './compression/index.js'
import { decompress, decompressSync } from './compression/index.js'
import { BATCH_HEADER_BYTES, BatchField, LOG_OVERHEAD, readBatchHeader, verifyBatchCrc } from './batch-layout.js'
import { decodeLegacyEntry, LEGACY_MIN_MESSAGE_BYTES } from './legacy-message-set.js'
import type { KafkaRecord, RecordBatch, RecordHeader, TimestampType } from './types.js'

export interface DecodeRecordBatchesOptions {
  /** Check each v2 batch's CRC-32C and each legacy message's CRC-32 (default true). */
  readonly verifyCrc?: boolean
}

export interface DecodedRecordBatches {
  readonly batches: RecordBatch[]
  /** True when the blob ended inside a batch (a fetch cut at the size limit): not an error. */
  readonly partial: boolean
  /** Bytes of that trailing partial batch (0 when !partial). */
  readonly partialBytes: number
  /** Full size the partial batch declared, or -1 if even its length field was cut off. */
  readonly partialBatchSize: number
}

/** Splits `records` into batches; see DecodedRecordBatches. null/empty gives no batches. */
export function decodeRecordBatches(records: Buffer | null, options: DecodeRecordBatchesOptions = {}): DecodedRecordBatches {
  const verifyCrc = options.verifyCrc !== false
  const batches: RecordBatch[] = []
  if (records === null) return { batches, partial: false, partialBytes: 0, partialBatchSize: -1 }
  const end = records.length
  let pos = 0
  while (pos < end) {
    if (end - pos < LOG_OVERHEAD) return { batches, partial: true, partialBytes: end - pos, partialBatchSize: -1 }
    const length = records.readInt32BE(pos + BatchField.BATCH_LENGTH)
    if (length < 0) corrupt(`negative batch length ${length}`, pos + BatchField.BATCH_LENGTH)
    const size = LOG_OVERHEAD + length
    if (end - pos < size) return { batches, partial: true, partialBytes: end - pos, partialBatchSize: size }
    // Both layouts put magic at offset 16 (v2: after partitionLeaderEpoch; legacy: after the crc).
    if (length < LEGACY_MIN_MESSAGE_BYTES) corrupt(`batch length ${length} is too small`, pos + BatchField.BATCH_LENGTH)
    const magic = records.readInt8(pos + BatchField.MAGIC)
    if (magic === 2) {
      batches.push(new DefaultRecordBatch(records, pos, pos + size, verifyCrc))
    } else if (magic === 0 || magic === 1) {
      decodeLegacyEntry(records, pos, pos + size, verifyCrc, batches)
    } else {
      corrupt(`unknown magic ${magic}`, pos + BatchField.MAGIC)
    }
    pos += size
  }
  return { batches, partial: false, partialBytes: 0, partialBatchSize: -1 }
}

const EMPTY = Buffer.alloc(0)

function corrupt(message: string, offset: number): never {
  throw new ProtocolDecodeError(`record batch: ${message}`, { offset })
}

/** A magic-2 batch over bytes [start, end) of a buffer. Header fields are read eagerly. */
export class DefaultRecordBatch implements RecordBatch {
  readonly baseOffset: bigint
  readonly batchLength: number
  readonly partitionLeaderEpoch: number
  readonly magic: number
  readonly crc: number
  readonly attributes: number
  readonly compression: CompressionCodec
  readonly timestampType: TimestampType
  readonly isTransactional: boolean
  readonly isControl: boolean
  readonly hasDeleteHorizon: boolean
  readonly lastOffsetDelta: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly recordsCount: number
  readonly lastOffset: bigint
  readonly sizeInBytes: number
  readonly bytes: Buffer
  /** Offset of this batch in the decoded blob, for error offsets. */
  readonly #start: number
  #inflated: Buffer | null = null

  /** `buf[start, end)` must hold exactly one whole batch. */
  constructor(buf: Buffer, start: number, end: number, verifyCrc = true) {
    const h = readBatchHeader(buf, start)
    if (start + h.sizeInBytes !== end) corrupt('batch bounds do not match its batchLength', start)
    if (verifyCrc) verifyBatchCrc(buf, start)
    this.baseOffset = h.baseOffset
    this.batchLength = h.batchLength
    this.partitionLeaderEpoch = h.partitionLeaderEpoch
    this.magic = h.magic
    this.crc = h.crc
    this.attributes = h.attributes
    this.compression = h.compression
    this.timestampType = h.timestampType
    this.isTransactional = h.isTransactional
    this.isControl = h.isControl
    this.hasDeleteHorizon = h.hasDeleteHorizon
    this.lastOffsetDelta = h.lastOffsetDelta
    this.baseTimestamp = h.baseTimestamp
    this.maxTimestamp = h.maxTimestamp
    this.producerId = h.producerId
    this.producerEpoch = h.producerEpoch
    this.baseSequence = h.baseSequence
    this.recordsCount = h.recordsCount
    this.lastOffset = h.lastOffset
    this.sizeInBytes = h.sizeInBytes
    this.bytes = buf.subarray(start, end)
    this.#start = start
  }

  /** The records section as stored (compressed when compression !== 'none'). */
  get payload(): Buffer {
    return this.bytes.subarray(BATCH_HEADER_BYTES)
  }

  inflate(): Promise<void> {
    if (this.compression === 'none' || this.#inflated !== null || this.recordsCount === 0) return Promise.resolve()
    return decompress(this.compression, this.payload).then((b) => {
      this.#inflated = b
    })
  }

  records(): RecordIterator {
    if (this.recordsCount === 0) return new RecordIterator(EMPTY, this, 0)
    if (this.compression === 'none') return new RecordIterator(this.payload, this, this.#start + BATCH_HEADER_BYTES)
    if (this.#inflated === null) this.#inflated = decompressSync(this.compression, this.payload)
    // Offsets in errors are then relative to the decompressed records.
    return new RecordIterator(this.#inflated, this, 0)
  }

  /** All records as an array (convenience; records() avoids holding them all). */
  toArray(): KafkaRecord[] {
    return Array.from(this.records())
  }
}

/**
 * Decodes the records of one v2 batch on demand. Checks each record's length, the declared
 * record count, and that no bytes trail the last record.
 */
export class RecordIterator implements IterableIterator<KafkaRecord> {
  readonly #buf: Buffer
  readonly #end: number
  readonly #count: number
  readonly #baseOffset: bigint
  readonly #baseTimestamp: number
  /** Under LogAppendTime every record reports the batch's maxTimestamp. */
  readonly #logAppendTime: boolean
  readonly #maxTimestamp: number
  /** Where the payload sits in the underlying memory, for error offsets. */
  readonly #errorBase: number
  #pos = 0
  #index = 0

  constructor(payload: Buffer, batch: RecordBatch, errorBase: number) {
    this.#buf = payload
    this.#end = payload.length
    this.#count = batch.recordsCount
    this.#baseOffset = batch.baseOffset
    this.#baseTimestamp = batch.baseTimestamp
    this.#logAppendTime = batch.timestampType === 1
    this.#maxTimestamp = batch.maxTimestamp
    this.#errorBase = errorBase
  }

  [Symbol.iterator](): RecordIterator {
    return this
  }

  next(): IteratorResult<KafkaRecord, undefined> {
    if (this.#index >= this.#count) {
      if (this.#pos !== this.#end) this.#fail(`${this.#end - this.#pos} bytes after the last of ${this.#count} records`)
      return { done: true, value: undefined }
    }
    const buf = this.#buf
    const length = this.#varint(this.#end)
    const recEnd = this.#pos + length
    if (length < 6 || recEnd > this.#end) this.#fail(`record length ${length} out of bounds`)
    this.#pos++ // attributes: unused
    const timestampDelta = this.#varlong(recEnd)
    const offsetDelta = this.#varint(recEnd)
    const key = this.#bytes(recEnd)
    const value = this.#bytes(recEnd)
    const headerCount = this.#varint(recEnd)
    if (headerCount < 0) this.#fail(`negative header count ${headerCount}`)
    const headers: RecordHeader[] = []
    for (let i = 0; i < headerCount; i++) {
      const klen = this.#varint(recEnd)
      if (klen < 0 || this.#pos + klen > recEnd) this.#fail(`header key length ${klen} out of bounds`)
      const hkey = buf.toString('utf8', this.#pos, this.#pos + klen)
      this.#pos += klen
      headers.push({ key: hkey, value: this.#bytes(recEnd) })
    }
    if (this.#pos !== recEnd) this.#fail(`record declares ${length} bytes but its fields take ${this.#pos - recEnd + length}`)
    this.#index++
    return {
      done: false,
      value: {
        offset: this.#baseOffset + BigInt(offsetDelta),
        timestamp: this.#logAppendTime ? this.#maxTimestamp : this.#baseTimestamp + timestampDelta,
        key,
        value,
        headers,
      },
    }
  }

  #fail(message: string): never {
    throw new ProtocolDecodeError(`record ${this.#index}: ${message}`, { offset: this.#errorBase + this.#pos })
  }

  #bytes(limit: number): Buffer | null {
    const len = this.#varint(limit)
    if (len < 0) return null
    const start = this.#pos
    if (start + len > limit) this.#fail(`field length ${len} out of bounds`)
    this.#pos = start + len
    return this.#buf.subarray(start, start + len)
  }

  #varint(limit: number): number {
    const buf = this.#buf
    let p = this.#pos
    let v = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= limit) this.#fail('truncated varint')
      const b = buf[p++]!
      v |= (b & 0x7f) << shift
      if (b < 0x80) {
        this.#pos = p
        return (v >>> 1) ^ -(v & 1)
      }
    }
    return this.#fail('varint longer than 5 bytes')
  }

  /** A zig-zag varlong as a number (exact within +-2^53). */
  #varlong(limit: number): number {
    const buf = this.#buf
    let p = this.#pos
    if (p < limit && buf[p]! < 0x80) {
      const b = buf[p]!
      this.#pos = p + 1
      return (b >>> 1) ^ -(b & 1)
    }
    let u = 0
    let mult = 1
    for (let i = 0; i < 10; i++) {
      if (p >= limit) this.#fail('truncated varlong')
      const b = buf[p++]!
      u += (b & 0x7f) * mult
      if (b < 0x80) {
        this.#pos = p
        return u % 2 === 0 ? u / 2 : -(u + 1) / 2
      }
      mult *= 128
    }
    return this.#fail('varlong longer than 10 bytes')
  }
}
