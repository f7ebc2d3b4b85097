// RecordAccumulator: per-partition queues of ProducerBatch (Java RecordAccumulator). append()
// fills the last batch of a partition or opens a new one; ready() finds the leaders with a
// sendable batch (full, lingered lingerMs, flushing, closing, or memory exhausted) and when to
// look again; drain() takes at most one batch per partition for one node up to maxRequestSize.
// Retried batches go back in sequence order. Called by producer.ts (append) and sender.ts.
import type { RecordInput } from '../protocol/records/index.js'
import { type BatchOptions, ProducerBatch } from './batch.js'
import type { SendCompletion } from './completion.js'

export class PartitionQueue {
  readonly topic: string
  readonly partition: number
  /** oldest first; retries are reinserted at the front in sequence order */
  readonly batches: ProducerBatch[] = []

  constructor(topic: string, partition: number) {
    this.topic = topic
    this.partition = partition
  }

  first(): ProducerBatch | undefined {
    return this.batches[0]
  }

  last(): ProducerBatch | undefined {
    return this.batches[this.batches.length - 1]
  }
}

export interface AppendResult {
  readonly batch: ProducerBatch
  readonly newBatch: boolean
  /** bytes the record added to its batch */
  readonly appendedBytes: number
  /** the partition's last batch is full after this append (Java: a sticky switch is allowed) */
  readonly batchFull: boolean
}

export interface ReadyResult {
  /** every leader with queued batches, and the queues it leads */
  readonly byNode: Map<number, PartitionQueue[]>
  /** leaders with at least one sendable batch */
  readonly readyNodes: Set<number>
  /** ms until some batch becomes sendable (Infinity when nothing waits) */
  readonly nextReadyCheckDelayMs: number
  /** topics with queued batches whose partition has no known leader */
  readonly unknownLeaderTopics: Set<string>
}

export interface AccumulatorOptions {
  readonly batchSize: number
  readonly lingerMs: number
  readonly compression?: BatchOptions['compression']
  readonly transactional?: boolean
}

/** A drain gate: false keeps the partition's first batch queued (idempotence ordering, txn adds). */
export type DrainGate = (queue: PartitionQueue, batch: ProducerBatch) => boolean

export class RecordAccumulator {
  readonly #batchSize: number
  readonly #lingerMs: number
  readonly #batchOptions: BatchOptions
  readonly #queues = new Map<string, Map<number, PartitionQueue>>()
  readonly #drainIndex = new Map<number, number>()
  #flushes = 0
  #closing = false
  #queuedBatches = 0
  /** the queue of the previous append (records mostly go to the same partition in a row) */
  #lastQueue: PartitionQueue | null = null
  /** what the last appendRecord() did */
  lastBatch: ProducerBatch | null = null
  lastNewBatch = false
  lastBatchFull = false

  constructor(options: AccumulatorOptions) {
    this.#batchSize = options.batchSize
    this.#lingerMs = options.lingerMs
    this.#batchOptions = {
      compression: options.compression ?? 'none',
      transactional: options.transactional ?? false,
      initialCapacityBytes: options.batchSize,
    }
  }

  get batchSize(): number {
    return this.#batchSize
  }

  /** Batches waiting in queues (not in flight). */
  get queuedBatches(): number {
    return this.#queuedBatches
  }

  queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.#queues.get(topic)
    if (byPartition === undefined) {
      byPartition = new Map()
      this.#queues.set(topic, byPartition)
    }
    let q = byPartition.get(partition)
    if (q === undefined) {
      q = new PartitionQueue(topic, partition)
      byPartition.set(partition, q)
    }
    return q
  }

  /** Batches queued for one partition (the adaptive partitioner's load signal). */
  queueSize(topic: string, partition: number): number {
    return this.#queues.get(topic)?.get(partition)?.batches.length ?? 0
  }

  /** Appends a record, opening a new batch when the last one is closed or has no room. */
  append(
    topic: string,
    partition: number,
    record: RecordInput,
    completion: SendCompletion,
    memoryBytes: number,
    nowMs: number,
  ): AppendResult {
    const appendedBytes = this.appendRecord(topic, partition, record, completion, memoryBytes, nowMs)
    return { batch: this.lastBatch!, newBatch: this.lastNewBatch, appendedBytes, batchFull: this.lastBatchFull }
  }

  /**
   * append() without the result object (the per-record path): returns the bytes the record
   * added; lastBatch / lastNewBatch / lastBatchFull describe this append until the next one.
   */
  appendRecord(
    topic: string,
    partition: number,
    record: RecordInput,
    completion: SendCompletion,
    memoryBytes: number,
    nowMs: number,
  ): number {
    let q = this.#lastQueue
    if (q === null || q.partition !== partition || q.topic !== topic) {
      q = this.queue(topic, partition)
      this.#lastQueue = q
    }
    const list = q.batches
    let batch = list[list.length - 1]
    let newBatch = false
    let added = batch === undefined ? -1 : batch.tryAppend(record, completion, this.#batchSize)
    if (added < 0 || batch === undefined) {
      if (batch !== undefined) batch.closed = true
      batch = new ProducerBatch(topic, partition, nowMs, this.#batchOptions)
      added = batch.tryAppend(record, completion, this.#batchSize)
      list.push(batch)
      this.#queuedBatches++
      newBatch = true
    }
    batch.memoryBytes += memoryBytes
    this.lastBatch = batch
    this.lastNewBatch = newBatch
    this.lastBatchFull = batch.isFull(this.#batchSize)
    return added
  }

  /**
   * Puts a batch back for a retry: after the retries created before it, before every batch not
   * sent yet. Creation order is also sequence order, so idempotent retries go out in sequence.
   */
  reenqueue(batch: ProducerBatch): void {
    const q = this.queue(batch.topic, batch.partition)
    batch.closed = true
    const list = q.batches
    let i = 0
    while (i < list.length && list[i]!.attempts > 0 && list[i]!.id < batch.id) i++
    list.splice(i, 0, batch)
    this.#queuedBatches++
  }

  /** Whether every record so far should go out now regardless of lingerMs. */
  get flushing(): boolean {
    return this.#flushes > 0 || this.#closing
  }

  beginFlush(): void {
    this.#flushes++
  }

  endFlush(): void {
    if (this.#flushes > 0) this.#flushes--
  }

  beginClose(): void {
    this.#closing = true
  }

  /**
   * Which leaders can be sent to now. `leaderOf` gives a partition's leader id or -1;
   * `exhausted` (sends wait for memory) makes every batch sendable, as in Java.
   */
  ready(nowMs: number, leaderOf: (topic: string, partition: number) => number, exhausted: boolean): ReadyResult {
    const byNode = new Map<number, PartitionQueue[]>()
    const readyNodes = new Set<number>()
    const unknownLeaderTopics = new Set<string>()
    let nextDelayMs = Number.POSITIVE_INFINITY
    const forceSend = exhausted || this.flushing
    for (const [topic, byPartition] of this.#queues) {
      for (const q of byPartition.values()) {
        const first = q.batches[0]
        if (first === undefined) continue
        const leader = leaderOf(topic, q.partition)
        if (leader < 0) {
          unknownLeaderTopics.add(topic)
          continue
        }
        let list = byNode.get(leader)
        if (list === undefined) {
          list = []
          byNode.set(leader, list)
        }
        list.push(q)
        if (readyNodes.has(leader)) continue
        const backingOff = first.attempts > 0 && nowMs < first.retryAtMs
        if (backingOff) {
          nextDelayMs = Math.min(nextDelayMs, first.retryAtMs - nowMs)
          continue
        }
        const full = q.batches.length > 1 || first.isFull(this.#batchSize)
        const waitedMs = nowMs - first.createdMs
        if (full || forceSend || first.attempts > 0 || waitedMs >= this.#lingerMs) {
          readyNodes.add(leader)
        } else {
          nextDelayMs = Math.min(nextDelayMs, this.#lingerMs - waitedMs)
        }
      }
    }
    return { byNode, readyNodes, nextReadyCheckDelayMs: nextDelayMs, unknownLeaderTopics }
  }

  /**
   * Takes the first batch of each queue (round-robin start per node for fairness) while the
   * total stays within maxRequestSize (one batch always goes). Skips queues whose first batch is
   * backing off or that `gate` holds back. Drained batches are closed to appends.
   */
  drain(nodeId: number, queues: readonly PartitionQueue[], maxRequestSize: number, nowMs: number, gate?: DrainGate): ProducerBatch[] {
    const out: ProducerBatch[] = []
    if (queues.length === 0) return out
    let size = 0
    const start = (this.#drainIndex.get(nodeId) ?? 0) % queues.length
    let i = start
    do {
      const q = queues[i]!
      const first = q.batches[0]
      if (first === undefined || (first.attempts > 0 && nowMs < first.retryAtMs)) {
        i = (i + 1) % queues.length
        continue
      }
      // the partition that does not fit goes first next time
      if (out.length > 0 && size + first.sizeBytes > maxRequestSize) break
      i = (i + 1) % queues.length
      if (gate !== undefined && !gate(q, first)) continue
      q.batches.shift()
      this.#queuedBatches--
      first.closed = true
      size += first.sizeBytes
      out.push(first)
    } while (i !== start)
    this.#drainIndex.set(nodeId, i)
    return out
  }

  /**
   * Removes queued batches whose delivery deadline passed and hands each to `onExpired`.
   * Returns ms until the next batch expires (Infinity when none is queued).
   */
  expire(nowMs: number, deliveryTimeoutMs: number, onExpired: (batch: ProducerBatch) => void): number {
    let nextMs = Number.POSITIVE_INFINITY
    for (const byPartition of this.#queues.values()) {
      for (const q of byPartition.values()) {
        const list = q.batches
        let i = 0
        while (i < list.length) {
          const b = list[i]!
          const deadline = b.createdMs + deliveryTimeoutMs
          if (deadline <= nowMs) {
            list.splice(i, 1)
            this.#queuedBatches--
            onExpired(b)
          } else {
            if (deadline - nowMs < nextMs) nextMs = deadline - nowMs
            i++
          }
        }
      }
    }
    return nextMs
  }

  /** Removes every queued batch matching `filter` (all by default) and returns them. */
  removeAll(filter?: (batch: ProducerBatch) => boolean): ProducerBatch[] {
    const out: ProducerBatch[] = []
    for (const byPartition of this.#queues.values()) {
      for (const q of byPartition.values()) {
        if (filter === undefined) {
          out.push(...q.batches)
          q.batches.length = 0
          continue
        }
        for (let i = 0; i < q.batches.length; ) {
          const b = q.batches[i]!
          if (filter(b)) {
            q.batches.splice(i, 1)
            out.push(b)
          } else {
            i++
          }
        }
      }
    }
    this.#queuedBatches -= out.length
    return out
  }

  /** Every partition that has queued batches. */
  *partitions(): IterableIterator<PartitionQueue> {
    for (const byPartition of this.#queues.values()) {
      for (const q of byPartition.values()) if (q.batches.length > 0) yield q
    }
  }
}
