// ProducerBatch: the records bound for one partition that go on the wire as one RecordBatch v2,
// plus their send state (attempts, backoff, producer id/epoch/sequence, cached encoded bytes so
// a retry resends the same bytes). Record sizes follow the v2 layout (NOTES §d.3) exactly for
// the uncompressed form. Created and appended to by the accumulator; sent by the sender.
import { sizeOfVarint } from '../protocol/primitives/varint.js'
import type { SendCompletion } from './completion.js'
import type { RecordHeader } from './types.js'

/** Bytes of a RecordBatch v2 header (baseOffset .. recordCount). */
export const RECORD_BATCH_OVERHEAD = 61

export interface BatchRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
  readonly timestamp: number
  readonly completion: SendCompletion
}

/** Zig-zag varlong size of a number delta (timestamps: may exceed int32). */
function sizeOfVarlongNumber(n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return sizeOfVarint(n)
  // |n| < 2^53: zig-zag needs up to 54 bits
  let u = Math.abs(n) * 2
  let size = 1
  while (u >= 128) {
    u = Math.floor(u / 128)
    size++
  }
  return size
}

/** Bytes of the header section of one record. */
export function headersSize(headers: readonly RecordHeader[]): number {
  let size = sizeOfVarint(headers.length)
  for (const h of headers) {
    const keyBytes = Buffer.byteLength(h.key, 'utf8')
    size += sizeOfVarint(keyBytes) + keyBytes
    size += h.value === null ? 1 : sizeOfVarint(h.value.length) + h.value.length
  }
  return size
}

/** Exact bytes of one record (length prefix included) inside an uncompressed v2 batch. */
export function recordSizeInBatch(
  offsetDelta: number,
  timestampDelta: number,
  key: Buffer | null,
  value: Buffer | null,
  headerBytes: number,
): number {
  const body =
    1 + // attributes
    sizeOfVarlongNumber(timestampDelta) +
    sizeOfVarint(offsetDelta) +
    (key === null ? 1 : sizeOfVarint(key.length) + key.length) +
    (value === null ? 1 : sizeOfVarint(value.length) + value.length) +
    headerBytes
  return sizeOfVarint(body) + body
}

/** An upper bound of a record's size in any batch (largest deltas), for limits checked before batching. */
export function recordSizeUpperBound(key: Buffer | null, value: Buffer | null, headerBytes: number): number {
  return recordSizeInBatch(0x7fffffff, 2 ** 40, key, value, headerBytes)
}

export class ProducerBatch {
  readonly topic: string
  readonly partition: number
  readonly createdMs: number
  readonly records: BatchRecord[] = []
  /** estimated uncompressed size on the wire, batch header included */
  sizeBytes = RECORD_BATCH_OVERHEAD
  firstTimestamp = 0
  maxTimestamp = 0
  /** bytes reserved from the buffer pool for this batch's records */
  memoryBytes = 0
  /** no more appends (drained once, or full) */
  closed = false
  /** times sent */
  attempts = 0
  /** when the last attempt was sent */
  lastAttemptMs = 0
  /** not sendable before this time (retry backoff) */
  retryAtMs = 0
  /** currently on the wire */
  inFlight = false
  /** settled (acked or failed) */
  done = false
  producerId = -1n
  producerEpoch = -1
  baseSequence = -1
  transactional = false
  /** encoded RecordBatch, kept so retries resend identical bytes; cleared when the sequence is rewritten */
  encoded: Buffer | null = null
  /** each failed attempt's error, oldest first */
  readonly errors: unknown[] = []

  constructor(topic: string, partition: number, createdMs: number) {
    this.topic = topic
    this.partition = partition
    this.createdMs = createdMs
  }

  get recordCount(): number {
    return this.records.length
  }

  get hasSequence(): boolean {
    return this.baseSequence >= 0
  }

  /** Sequence of the last record (wrapping after Int32.MAX as the broker does). */
  get lastSequence(): number {
    return (this.baseSequence + this.records.length - 1) % 0x80000000
  }

  /** Bytes `key/value/headers` would add as the next record at `timestamp`. */
  sizeOfNext(key: Buffer | null, value: Buffer | null, headerBytes: number, timestamp: number): number {
    const first = this.records.length === 0
    return recordSizeInBatch(this.records.length, first ? 0 : timestamp - this.firstTimestamp, key, value, headerBytes)
  }

  /**
   * Appends when the record fits in `batchSize` (an empty batch takes any record). Returns the
   * bytes added, or -1 when it does not fit (the caller starts a new batch).
   */
  tryAppend(record: BatchRecord, headerBytes: number, batchSize: number): number {
    if (this.closed) return -1
    const size = this.sizeOfNext(record.key, record.value, headerBytes, record.timestamp)
    if (this.records.length > 0 && this.sizeBytes + size > batchSize) return -1
    if (this.records.length === 0) {
      this.firstTimestamp = record.timestamp
      this.maxTimestamp = record.timestamp
    } else if (record.timestamp > this.maxTimestamp) {
      this.maxTimestamp = record.timestamp
    }
    this.records.push(record)
    this.sizeBytes += size
    return size
  }

  /** true when no other record of a typical size would fit */
  isFull(batchSize: number): boolean {
    return this.closed || this.sizeBytes >= batchSize
  }

  /** Stamps the producer state onto the batch; invalidates cached bytes. */
  setProducerState(producerId: bigint, producerEpoch: number, baseSequence: number, transactional: boolean): void {
    this.producerId = producerId
    this.producerEpoch = producerEpoch
    this.baseSequence = baseSequence
    this.transactional = transactional
    this.encoded = null
  }

  /** Settles every record with success: offsets baseOffset + i, timestamps per log-append time. */
  complete(baseOffset: bigint, logAppendTimeMs: number): void {
    if (this.done) return
    this.done = true
    const useAppendTime = logAppendTimeMs >= 0
    const known = baseOffset >= 0n
    for (let i = 0; i < this.records.length; i++) {
      const r = this.records[i]!
      r.completion.succeed(this.partition, known ? baseOffset + BigInt(i) : -1n, useAppendTime ? logAppendTimeMs : r.timestamp)
    }
  }

  /** Settles every record with `err`. */
  fail(err: Error): void {
    if (this.done) return
    this.done = true
    for (const r of this.records) r.completion.fail(err)
  }
}
