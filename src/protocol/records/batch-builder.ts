// RecordBatchBuilder: the producer accumulator's open batch (also used by control-record.ts and
// the reference broker). Records are encoded into one growing buffer as they are appended, after a
// reserved 61-byte header, so the size checked against batchSize is exact before compression;
// build() compresses the records section once, then writes the header and CRC-32C.
// Invariants: baseTimestamp = first record's; offsetDelta = append index; a builder builds once;
// uncompressed, build() returns a view of its buffer unless most of that buffer is unused.
import { KafkaClientError } from '../../errors.js'
import { crc32c } from '../primitives/crc32c.js'
import { type CompressionCodec, CompressionCodecId, compress, compressSync } from './compression/index.js'
import { lz4CompressTransient } from './compression/lz4.js'
import {
  BATCH_HEADER_BYTES,
  BatchAttribute,
  BatchField,
  type BatchProducerState,
  LOG_OVERHEAD,
  writeInt64Number,
} from './batch-layout.js'
import type { RecordHeaderInput, RecordInput } from './types.js'
import { sizeOfVarint, sizeOfVarlongNumber, writeVarint, writeVarlongNumber } from './varint.js'

export interface RecordBatchBuilderOptions {
  readonly compression?: CompressionCodec
  /** gzip/zstd level; see compression/index.ts COMPRESSION_LEVELS. */
  readonly compressionLevel?: number
  readonly transactional?: boolean
  /** Control batch (transaction markers): only the broker writes these. */
  readonly control?: boolean
  /** Default -1n / -1 / -1 (not idempotent); build() may override them. */
  readonly producerId?: bigint
  readonly producerEpoch?: number
  readonly baseSequence?: number
  /** Default 0n: the broker assigns real offsets. */
  readonly baseOffset?: bigint
  /** Default -1: the broker overwrites it. */
  readonly partitionLeaderEpoch?: number
  /** 0 CreateTime (producers), 1 LogAppendTime. */
  readonly timestampType?: 0 | 1
  /** First allocation for the records buffer; pass batchSize to avoid regrowth. Default 512. */
  readonly initialCapacityBytes?: number
  /** Expected compressed/uncompressed ratio used by estimatedSizeInBytes. Default 1. */
  readonly estimatedCompressionRatio?: number
}

const NO_HEADERS: readonly RecordHeaderInput[] = []
const EMPTY = Buffer.alloc(0)
/** Reused scratch for header-key UTF-8 lengths between measuring and writing a record. */
let keyLens: number[] = []

/**
 * Records buffers of compressed builders, free again once compression copied their bytes out:
 * the next builder of the same capacity takes one instead of allocating (a producer opens a
 * batchSize buffer per batch). Uncompressed builds hand their buffer out, so it never comes back.
 */
const spareBuffers: Buffer[] = []
const MAX_SPARE_BUFFERS = 4

function takeBuffer(size: number): Buffer {
  for (let i = spareBuffers.length - 1; i >= 0; i--) {
    const b = spareBuffers[i]!
    if (b.length === size) {
      spareBuffers[i] = spareBuffers[spareBuffers.length - 1]!
      spareBuffers.pop()
      return b
    }
  }
  return Buffer.allocUnsafe(size)
}

function invalidRecord(message: string): KafkaClientError {
  return new KafkaClientError('INVALID_RECORD', message)
}

export class RecordBatchBuilder {
  readonly compression: CompressionCodec
  readonly #level: number | undefined
  readonly #attributes: number
  readonly #producerId: bigint
  readonly #producerEpoch: number
  readonly #baseSequence: number
  readonly #baseOffset: bigint
  readonly #partitionLeaderEpoch: number
  readonly #ratio: number
  #buf: Buffer
  #pos = BATCH_HEADER_BYTES
  #count = 0
  #baseTimestamp = -1
  #maxTimestamp = -1
  #built = false

  constructor(options: RecordBatchBuilderOptions = {}) {
    this.compression = options.compression ?? 'none'
    this.#level = options.compressionLevel
    this.#attributes =
      CompressionCodecId[this.compression] |
      (options.timestampType === 1 ? BatchAttribute.TIMESTAMP_TYPE : 0) |
      (options.transactional ? BatchAttribute.TRANSACTIONAL : 0) |
      (options.control ? BatchAttribute.CONTROL : 0)
    this.#producerId = options.producerId ?? -1n
    this.#producerEpoch = options.producerEpoch ?? -1
    this.#baseSequence = options.baseSequence ?? -1
    this.#baseOffset = options.baseOffset ?? 0n
    this.#partitionLeaderEpoch = options.partitionLeaderEpoch ?? -1
    this.#ratio = options.estimatedCompressionRatio ?? 1
    this.#buf = takeBuffer(Math.max(BATCH_HEADER_BYTES + 64, options.initialCapacityBytes ?? 512))
  }

  get recordCount(): number {
    return this.#count
  }

  /** Size of the batch if built now without compression (header + encoded records). */
  get sizeInBytes(): number {
    return this.#pos
  }

  /** sizeInBytes with the records section scaled by estimatedCompressionRatio when compressing. */
  get estimatedSizeInBytes(): number {
    if (this.compression === 'none') return this.#pos
    return BATCH_HEADER_BYTES + Math.ceil((this.#pos - BATCH_HEADER_BYTES) * this.#ratio)
  }

  /** Bytes `record` would add to the records section if appended next. */
  recordSizeInBytes(record: RecordInput): number {
    const ts = this.#count === 0 ? 0 : record.timestampMs - this.#baseTimestamp
    const body = this.#measure(record, this.#count, ts)
    return sizeOfVarint(body) + body
  }

  /** True when the batch is empty (a big record gets a batch of its own) or the record fits `limitBytes`. */
  hasRoomFor(record: RecordInput, limitBytes: number): boolean {
    return this.#count === 0 || this.#estimateWith(this.recordSizeInBytes(record)) <= limitBytes
  }

  /** Appends when hasRoomFor(record, limitBytes); returns the record's offsetDelta, or -1 when full. */
  tryAppend(record: RecordInput, limitBytes: number): number {
    this.#checkOpen()
    const ts = this.#timestampDelta(record)
    const body = this.#measure(record, this.#count, ts)
    const size = sizeOfVarint(body) + body
    if (this.#count > 0 && this.#estimateWith(size) > limitBytes) return -1
    return this.#write(record, ts, body, size)
  }

  /** Appends unconditionally; returns the record's offsetDelta. */
  append(record: RecordInput): number {
    this.#checkOpen()
    const ts = this.#timestampDelta(record)
    const body = this.#measure(record, this.#count, ts)
    return this.#write(record, ts, body, sizeOfVarint(body) + body)
  }

  /** Builds the batch, compressing off the main thread for gzip/zstd. The builder is then spent. */
  build(state?: Partial<BatchProducerState>): Promise<Buffer> {
    try {
      this.#checkOpen()
    } catch (err) {
      return Promise.reject(err)
    }
    this.#built = true
    if (this.compression === 'none') return Promise.resolve(this.#finishUncompressed(state))
    const payload = this.#buf.subarray(BATCH_HEADER_BYTES, this.#pos)
    return compress(this.compression, payload, { level: this.#level }).then((c) => this.#finishCompressed(c, state))
  }

  /** build() on the calling thread. */
  buildSync(state?: Partial<BatchProducerState>): Buffer {
    this.#checkOpen()
    this.#built = true
    if (this.compression === 'none') return this.#finishUncompressed(state)
    const payload = this.#buf.subarray(BATCH_HEADER_BYTES, this.#pos)
    // lz4 goes through a reused output buffer: #finishCompressed copies it out at once
    const compressed =
      this.compression === 'lz4' ? lz4CompressTransient(payload) : compressSync(this.compression, payload, { level: this.#level })
    const out = this.#finishCompressed(compressed, state)
    if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(this.#buf)
    this.#buf = EMPTY
    return out
  }

  #checkOpen(): void {
    if (this.#built) throw new KafkaClientError('ILLEGAL_STATE', 'RecordBatchBuilder was already built')
  }

  #estimateWith(recordBytes: number): number {
    const records = this.#pos - BATCH_HEADER_BYTES + recordBytes
    return BATCH_HEADER_BYTES + (this.compression === 'none' ? records : Math.ceil(records * this.#ratio))
  }

  #timestampDelta(record: RecordInput): number {
    const ts = record.timestampMs
    if (!Number.isSafeInteger(ts)) throw invalidRecord(`record timestamp must be an integer (ms), got ${ts}`)
    return this.#count === 0 ? 0 : ts - this.#baseTimestamp
  }

  /** Size of the record body (everything after its length varint); fills keyLens. */
  #measure(record: RecordInput, offsetDelta: number, timestampDelta: number): number {
    const key = record.key
    const value = record.value
    const headers = record.headers ?? NO_HEADERS
    let size = 1 + sizeOfVarlongNumber(timestampDelta) + sizeOfVarint(offsetDelta)
    size += key === null ? 1 : sizeOfVarint(key.length) + key.length
    size += value === null ? 1 : sizeOfVarint(value.length) + value.length
    size += sizeOfVarint(headers.length)
    if (headers.length > 0) {
      if (keyLens.length < headers.length) keyLens = new Array<number>(headers.length).fill(0)
      for (let i = 0; i < headers.length; i++) {
        const h = headers[i]!
        if (typeof h.key !== 'string') throw invalidRecord('record header keys must be strings')
        const klen = Buffer.byteLength(h.key, 'utf8')
        keyLens[i] = klen
        const hv = h.value
        size += sizeOfVarint(klen) + klen + (hv === null ? 1 : sizeOfVarint(hv.length) + hv.length)
      }
    }
    return size
  }

  #write(record: RecordInput, timestampDelta: number, body: number, size: number): number {
    if (this.#pos + size > this.#buf.length) this.#grow(this.#pos + size)
    const buf = this.#buf
    const offsetDelta = this.#count
    let pos = writeVarint(buf, this.#pos, body)
    buf[pos++] = 0 // record attributes: unused
    pos = writeVarlongNumber(buf, pos, timestampDelta)
    pos = writeVarint(buf, pos, offsetDelta)
    const key = record.key
    if (key === null) {
      buf[pos++] = 1 // zig-zag(-1)
    } else {
      pos = writeVarint(buf, pos, key.length)
      buf.set(key, pos)
      pos += key.length
    }
    const value = record.value
    if (value === null) {
      buf[pos++] = 1
    } else {
      pos = writeVarint(buf, pos, value.length)
      buf.set(value, pos)
      pos += value.length
    }
    const headers = record.headers ?? NO_HEADERS
    pos = writeVarint(buf, pos, headers.length)
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]!
      const klen = keyLens[i]!
      pos = writeVarint(buf, pos, klen)
      pos += buf.write(h.key, pos, klen, 'utf8')
      const hv = h.value
      if (hv === null) {
        buf[pos++] = 1
      } else {
        pos = writeVarint(buf, pos, hv.length)
        buf.set(hv, pos)
        pos += hv.length
      }
    }
    this.#pos = pos
    const ts = record.timestampMs
    if (offsetDelta === 0) {
      this.#baseTimestamp = ts
      this.#maxTimestamp = ts
    } else if (ts > this.#maxTimestamp) {
      this.#maxTimestamp = ts
    }
    this.#count++
    return offsetDelta
  }

  #grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, this.#buf.length * 2))
    this.#buf.copy(next, 0, 0, this.#pos)
    this.#buf = next
  }

  #finishUncompressed(state: Partial<BatchProducerState> | undefined): Buffer {
    // A view of the records buffer, unless most of it is unused: an in-flight batch should not
    // pin a mostly empty batchSize allocation (e.g. one small record lingering per partition).
    const spare = this.#buf.length - this.#pos
    const out = spare > 4096 && spare > this.#pos ? Buffer.from(this.#buf.subarray(0, this.#pos)) : this.#buf.subarray(0, this.#pos)
    this.#writeHeader(out, state)
    return out
  }

  #finishCompressed(records: Buffer, state: Partial<BatchProducerState> | undefined): Buffer {
    const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + records.length)
    records.copy(out, BATCH_HEADER_BYTES)
    this.#writeHeader(out, state)
    return out
  }

  #writeHeader(out: Buffer, state: Partial<BatchProducerState> | undefined): void {
    const empty = this.#count === 0
    out.writeBigInt64BE(this.#baseOffset, BatchField.BASE_OFFSET)
    out.writeInt32BE(out.length - LOG_OVERHEAD, BatchField.BATCH_LENGTH)
    out.writeInt32BE(this.#partitionLeaderEpoch, BatchField.PARTITION_LEADER_EPOCH)
    out[BatchField.MAGIC] = 2
    out.writeInt16BE(this.#attributes, BatchField.ATTRIBUTES)
    out.writeInt32BE(this.#count - 1, BatchField.LAST_OFFSET_DELTA)
    writeInt64Number(out, BatchField.BASE_TIMESTAMP, empty ? -1 : this.#baseTimestamp)
    writeInt64Number(out, BatchField.MAX_TIMESTAMP, empty ? -1 : this.#maxTimestamp)
    out.writeBigInt64BE(state?.producerId ?? this.#producerId, BatchField.PRODUCER_ID)
    out.writeInt16BE(state?.producerEpoch ?? this.#producerEpoch, BatchField.PRODUCER_EPOCH)
    out.writeInt32BE(state?.baseSequence ?? this.#baseSequence, BatchField.BASE_SEQUENCE)
    out.writeInt32BE(this.#count, BatchField.RECORDS_COUNT)
    out.writeUInt32BE(crc32c(out, BatchField.ATTRIBUTES, out.length), BatchField.CRC)
  }
}
