// CompletedFetch: one partition's data from one Fetch response, turned into ConsumerRecords on
// demand (NOTES §d.4, §k.11). Records below the fetch position are dropped (a batch may start
// before it); control batches are never delivered but move the position past them; under
// read_committed, batches of aborted transactions are skipped using the response's
// AbortedTransactions list together with the ABORT markers; a truncated trailing batch was already
// left out by decodeRecordBatches. Called by the fetcher (construction) and poll (drain). Hot
// path: drain() is synchronous, allocates one ConsumerRecord per record and no closures.
// Invariant: `nextOffset` only grows, and is the offset after the last record delivered or skipped.
import { ProtocolDecodeError } from '../errors.js'
import { ControlRecordType, readControlRecordType } from '../protocol/records/control-record.js'
import type { KafkaRecord, RecordBatch } from '../protocol/records/types.js'
import type { Deserializer } from './deserializers.js'
import { CorruptRecordError, RecordDeserializationError } from './errors.js'
import { ConsumerRecord, type TimestampTypeName } from './types.js'

export interface AbortedTransaction {
  readonly producerId: bigint
  readonly firstOffset: bigint
}

const TIMESTAMP_TYPES: readonly TimestampTypeName[] = ['NoTimestampType', 'CreateTime', 'LogAppendTime']

function timestampTypeName(t: number): TimestampTypeName {
  return TIMESTAMP_TYPES[t + 1] ?? 'NoTimestampType'
}

export class CompletedFetch<K, V> {
  readonly topic: string
  readonly partition: number
  /** the position the fetch was sent for */
  readonly fetchOffset: bigint
  /** the partition state's version when the fetch was sent (stale data detection) */
  readonly positionVersion: number
  readonly sizeInBytes: number
  /** next offset to read after what drain() delivered or skipped so far */
  nextOffset: bigint
  /** leader epoch of the last delivered record (null: unchanged/unknown) */
  lastEpoch: number | null = null
  readonly #batches: readonly RecordBatch[]
  readonly #readCommitted: boolean
  readonly #aborted: AbortedTransaction[]
  readonly #abortedPids = new Set<bigint>()
  readonly #keyDeserializer: Deserializer<K> | null
  readonly #valueDeserializer: Deserializer<V> | null
  #abortedIndex = 0
  #batchIndex = 0
  #batch: RecordBatch | null = null
  #records: IterableIterator<KafkaRecord> | null = null
  /** a record we could not deliver; kept so the next drain returns it first */
  #pending: KafkaRecord | null = null
  #error: Error | null = null
  #done = false

  constructor(
    topic: string,
    partition: number,
    fetchOffset: bigint,
    positionVersion: number,
    batches: readonly RecordBatch[],
    sizeInBytes: number,
    readCommitted: boolean,
    abortedTransactions: readonly AbortedTransaction[] | null,
    keyDeserializer: Deserializer<K> | null,
    valueDeserializer: Deserializer<V> | null,
  ) {
    this.topic = topic
    this.partition = partition
    this.fetchOffset = fetchOffset
    this.positionVersion = positionVersion
    this.nextOffset = fetchOffset
    this.sizeInBytes = sizeInBytes
    this.#batches = batches
    this.#readCommitted = readCommitted
    this.#aborted = abortedTransactions === null ? [] : [...abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
    this.#keyDeserializer = keyDeserializer
    this.#valueDeserializer = valueDeserializer
  }

  /** true once every batch is consumed (the position then equals nextOffset) */
  get isConsumed(): boolean {
    return this.#done
  }

  /** An error stays until the user seeks away (the fetcher then drops this fetch). */
  get error(): Error | null {
    return this.#error
  }

  /**
   * Appends up to `max` records to `out` and returns how many. Throws the stored error when it
   * cannot deliver anything (a corrupt batch or a failing deserializer at the current position).
   */
  drain(max: number, out: ConsumerRecord<K, V>[]): number {
    if (this.#error !== null) throw this.#error
    let added = 0
    while (added < max && !this.#done) {
      let record: KafkaRecord | null = this.#pending
      this.#pending = null
      if (record === null) {
        try {
          record = this.#nextRecord()
        } catch (err) {
          this.#error = new CorruptRecordError(this.topic, this.partition, this.nextOffset, err instanceof Error ? err.message : String(err), {
            cause: err,
          })
          break
        }
        if (record === null) continue
      }
      const batch = this.#batch!
      const converted = this.#convert(record, batch)
      if (converted === null) {
        this.#pending = record
        break
      }
      out.push(converted)
      this.nextOffset = record.offset + 1n
      this.lastEpoch = batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : null
      added++
    }
    if (added === 0 && this.#error !== null) throw this.#error
    return added
  }

  /** The next deliverable record of the current batch; null when a batch ended or was skipped. */
  #nextRecord(): KafkaRecord | null {
    if (this.#records === null) {
      const batch = this.#batches[this.#batchIndex++]
      if (batch === undefined) {
        this.#done = true
        return null
      }
      if (batch.lastOffset < this.nextOffset) return null
      if (this.#skipBatch(batch)) {
        this.nextOffset = batch.lastOffset + 1n
        return null
      }
      this.#batch = batch
      this.#records = batch.records()
    }
    for (;;) {
      const next = this.#records.next()
      if (next.done) {
        // compaction can leave the last offsets of a batch empty: move past the whole batch
        const end = this.#batch!.lastOffset + 1n
        if (end > this.nextOffset) this.nextOffset = end
        this.#records = null
        return null
      }
      if (next.value.offset >= this.nextOffset) return next.value
    }
  }

  /** Control batches and, under read_committed, batches of aborted transactions. */
  #skipBatch(batch: RecordBatch): boolean {
    if (this.#readCommitted && batch.producerId >= 0n) {
      // every transaction that started at or before this batch's end may cover it
      while (this.#abortedIndex < this.#aborted.length && this.#aborted[this.#abortedIndex]!.firstOffset <= batch.lastOffset) {
        this.#abortedPids.add(this.#aborted[this.#abortedIndex++]!.producerId)
      }
      if (batch.isControl) {
        if (isAbortMarker(batch)) this.#abortedPids.delete(batch.producerId)
      } else if (batch.isTransactional && this.#abortedPids.has(batch.producerId)) {
        return true
      }
    }
    return batch.isControl
  }

  #convert(r: KafkaRecord, batch: RecordBatch): ConsumerRecord<K, V> | null {
    let key: K
    let value: V
    try {
      key = this.#keyDeserializer === null ? (r.key as K) : this.#keyDeserializer(r.key, this.topic, r.headers)
      value = this.#valueDeserializer === null ? (r.value as V) : this.#valueDeserializer(r.value, this.topic, r.headers)
    } catch (err) {
      this.#error = new RecordDeserializationError(this.topic, this.partition, r.offset, `deserializer threw: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      })
      return null
    }
    return new ConsumerRecord<K, V>(
      this.topic,
      this.partition,
      r.offset,
      r.timestamp,
      timestampTypeName(batch.magic === 0 ? -1 : batch.timestampType),
      key,
      value,
      r.headers,
      batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : null,
      r.key === null ? -1 : r.key.length,
      r.value === null ? -1 : r.value.length,
    )
  }
}

function isAbortMarker(batch: RecordBatch): boolean {
  const first = batch.records().next()
  if (first.done) return false
  const key = first.value.key
  if (key === null || key.length < 4) throw new ProtocolDecodeError('control record key shorter than 4 bytes', { offset: 0 })
  return readControlRecordType(key) === ControlRecordType.ABORT
}
