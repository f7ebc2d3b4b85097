// ProducerBatch: the records bound for one partition that go on the wire as one RecordBatch v2,
// plus their send state (attempts, backoff, producer id/epoch/sequence, encoded bytes). Records
// are encoded into a RecordBatchBuilder as they are appended (exact sizes); the batch is built
// once on first send and retries resend the same bytes; a KIP-360 sequence rewrite patches the
// header in place. Created and appended to by the accumulator; encoded and settled by the sender.
import { type CompressionCodec, RecordBatchBuilder, type RecordInput, setProducerState } from '../protocol/records/index.js'
import { sizeOfVarint } from '../protocol/primitives/varint.js'
import type { SendCompletion } from './completion.js'
import type { RecordHeader } from './types.js'

/** Bytes of a RecordBatch v2 header (baseOffset .. recordCount). */
export const RECORD_BATCH_OVERHEAD = 61

/** Zig-zag varlong size of a number delta (timestamps may exceed int32). */
function sizeOfVarlongNumber(n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return sizeOfVarint(n)
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
  key: Uint8Array | null,
  value: Uint8Array | null,
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

/** An upper bound of a record's size in any batch (largest deltas): checked before batching. */
export function recordSizeUpperBound(key: Uint8Array | null, value: Uint8Array | null, headerBytes: number): number {
  return recordSizeInBatch(0x7fffffff, 2 ** 40, key, value, headerBytes)
}

export interface BatchOptions {
  readonly compression: CompressionCodec
  readonly transactional: boolean
  /** first allocation of the builder's buffer (batchSize avoids regrowth) */
  readonly initialCapacityBytes: number
}

let nextBatchId = 0

export class ProducerBatch {
  /** creation order, producer-wide: retries are requeued in this order */
  readonly id = nextBatchId++
  readonly topic: string
  readonly partition: number
  readonly createdMs: number
  readonly transactional: boolean
  /** per record, in offset order */
  readonly completions: SendCompletion[] = []
  readonly timestamps: number[] = []
  #builder: RecordBatchBuilder | null
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
  /** the built RecordBatch, kept so retries resend identical bytes */
  #encoded: Buffer | null = null
  #sizeBytes: number
  /** each failed attempt's error, oldest first */
  readonly errors: unknown[] = []

  constructor(topic: string, partition: number, createdMs: number, options: BatchOptions) {
    this.topic = topic
    this.partition = partition
    this.createdMs = createdMs
    this.transactional = options.transactional
    this.#builder = new RecordBatchBuilder({
      compression: options.compression,
      transactional: options.transactional,
      initialCapacityBytes: Math.min(Math.max(options.initialCapacityBytes, 128), 1 << 20),
    })
    this.#sizeBytes = this.#builder.sizeInBytes
  }

  get recordCount(): number {
    return this.completions.length
  }

  /** Size on the wire: exact uncompressed size while open, the built size afterwards. */
  get sizeBytes(): number {
    return this.#encoded === null ? this.#sizeBytes : this.#encoded.length
  }

  get hasSequence(): boolean {
    return this.baseSequence >= 0
  }

  /** Sequence of the last record (wrapping after Int32.MAX as the broker does). */
  get lastSequence(): number {
    return (this.baseSequence + this.completions.length - 1) % 0x80000000
  }

  /**
   * Appends when the record fits in `batchSize` (an empty batch takes any record). Returns the
   * bytes added, or -1 when it does not fit or the batch is closed.
   */
  tryAppend(record: RecordInput, completion: SendCompletion, batchSize: number): number {
    const builder = this.#builder
    if (this.closed || builder === null) return -1
    const before = builder.sizeInBytes
    if (builder.tryAppend(record, batchSize) < 0) return -1
    this.#sizeBytes = builder.sizeInBytes
    this.completions.push(completion)
    this.timestamps.push(record.timestampMs)
    return this.#sizeBytes - before
  }

  /** true when the batch reached batchSize or was closed */
  isFull(batchSize: number): boolean {
    return this.closed || this.#sizeBytes >= batchSize
  }

  /** Stamps producer id/epoch/sequence; patches already-built bytes in place (with a new CRC). */
  setProducerState(producerId: bigint, producerEpoch: number, baseSequence: number): void {
    this.producerId = producerId
    this.producerEpoch = producerEpoch
    this.baseSequence = baseSequence
    if (this.#encoded !== null) setProducerState(this.#encoded, 0, { producerId, producerEpoch, baseSequence })
  }

  /** The RecordBatch bytes: built (and compressed) on first call, the same bytes afterwards. */
  encode(): Buffer {
    if (this.#encoded !== null) return this.#encoded
    const builder = this.#builder
    if (builder === null) throw new Error('ProducerBatch.encode after release')
    this.closed = true
    this.#encoded = builder.buildSync({
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence: this.baseSequence,
    })
    this.#builder = null
    return this.#encoded
  }

  /** Settles every record with success: offsets baseOffset + i; LogAppendTime when the broker set one. */
  complete(baseOffset: bigint, logAppendTimeMs: number): void {
    if (this.done) return
    this.done = true
    this.#release()
    const useAppendTime = logAppendTimeMs >= 0
    const known = baseOffset >= 0n
    const completions = this.completions
    const timestamps = this.timestamps
    const partition = this.partition
    let offset = baseOffset
    for (let i = 0; i < completions.length; i++) {
      completions[i]!.succeed(partition, known ? offset : -1n, useAppendTime ? logAppendTimeMs : timestamps[i]!)
      if (known) offset += 1n
    }
  }

  /** Settles every record with `err`. */
  fail(err: Error): void {
    if (this.done) return
    this.done = true
    this.#release()
    for (const c of this.completions) c.fail(err)
  }

  #release(): void {
    this.#builder = null
    this.#encoded = null
  }
}
