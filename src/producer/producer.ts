// The Producer facade (API.md "Producer"): send(record, callback?) → Promise<RecordMetadata>,
// flush(), close({ timeoutMs }), transactions. A send runs interceptors, serializes, checks
// sizes, waits (up to maxBlockMs) for topic metadata and buffer memory, partitions and appends;
// the Sender does the rest. Bad input rejects that send with a typed error, never throws.
// Invariants: every send settles exactly once (ClosedError if close could not deliver it), and
// sends to one partition keep their call order (both waiting queues are FIFO).
import { ClosedError, ProtocolError } from '../errors.js'
import { type Logger, safeLog } from '../network/logger.js'
import { type Clock, realClock, type TimerHandle } from '../util/clock.js'
import { RecordAccumulator } from './accumulator.js'
import { headersSize, RECORD_BATCH_OVERHEAD, recordSizeUpperBound } from './batch.js'
import { BufferPool } from './buffer-pool.js'
import type { ProducerCluster, ProducerTopicMetadata } from './cluster-port.js'
import { type CompletionSink, SendCompletion } from './completion.js'
import { InvalidRecordError, TransactionStateError } from './errors.js'
import { IdempotenceManager } from './idempotence.js'
import { InterceptorChain } from './interceptors.js'
import { MetadataWaits } from './metadata-wait.js'
import { type ProducerClientDefaults, type ProducerOptions, type ResolvedProducerOptions, resolveProducerOptions } from './options.js'
import { BuiltInPartitioner, choosePartitionNumber, usesStickyPartition } from './partitioner.js'
import { type AppendSink, PendingSend, type ScratchRecord } from './pending-send.js'
import { Sender } from './sender.js'
import { normalizeHeaders, serialize } from './serializers.js'
import { TransactionManager } from './transactions.js'
import type {
  ConsumerGroupMetadata,
  DefaultKey,
  DefaultValue,
  ProducerRecord,
  RecordHeader,
  RecordMetadata,
  SendCallback,
  TopicPartitionOffset,
} from './types.js'

export interface ProducerDeps {
  readonly clock?: Clock
  /** uniform [0, 1): sticky partition choice and backoff jitter */
  readonly random?: () => number
  /** close the cluster when the producer closes (the Kafka facade gives each producer its own) */
  readonly ownsCluster?: boolean
  readonly clientDefaults?: ProducerClientDefaults
}

export interface CloseOptions {
  /** how long to wait for outstanding records before failing them with ClosedError; default: no limit */
  readonly timeoutMs?: number
}

const NO_HEADERS: readonly RecordHeader[] = []

export class Producer<K = DefaultKey, V = DefaultValue> implements CompletionSink {
  readonly options: ResolvedProducerOptions<K, V>
  readonly #cluster: ProducerCluster
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #ownsCluster: boolean
  readonly #accumulator: RecordAccumulator
  readonly #memory: BufferPool
  readonly #sender: Sender
  readonly #idempotence: IdempotenceManager | null
  readonly #txn: TransactionManager | null
  readonly #interceptors: InterceptorChain<K, V>
  readonly #partitioner: BuiltInPartitioner
  // unsettled sends: an intrusive list in send order (O(1) add/remove, no hashing per record)
  #oldest: SendCompletion | null = null
  #newest: SendCompletion | null = null
  #unsettledCount = 0
  #sendSeq = 0
  /** flush() calls in call order: each waits until no send with seq <= upToSeq is unsettled */
  readonly #flushWaiters: { readonly upToSeq: number; readonly resolve: () => void }[] = []
  readonly #metadataWaits: MetadataWaits
  readonly #appendSink: AppendSink = { append: (p) => this.#append(p) }
  readonly #scratch: ScratchRecord = { key: null, value: null, headers: NO_HEADERS, timestampMs: 0 }
  #state: 'open' | 'closing' | 'closed' = 'open'
  #closePromise: Promise<void> | null = null

  constructor(cluster: ProducerCluster, options: ProducerOptions<K, V> = {}, deps: ProducerDeps = {}) {
    this.options = resolveProducerOptions<K, V>(options, deps.clientDefaults)
    const o = this.options
    this.#cluster = cluster
    this.#clock = deps.clock ?? realClock
    this.#logger = o.logger
    this.#ownsCluster = deps.ownsCluster ?? false
    this.#accumulator = new RecordAccumulator({
      batchSize: o.batchSize,
      lingerMs: o.lingerMs,
      compression: o.compressionType,
      transactional: o.transactionalId !== null,
    })
    this.#memory = new BufferPool(o.bufferMemory, this.#clock)
    this.#idempotence = o.enableIdempotence ? new IdempotenceManager(o.transactionalId !== null) : null
    this.#interceptors = new InterceptorChain(o.interceptors, o.logger)
    const accumulator = this.#accumulator
    this.#metadataWaits = new MetadataWaits({
      cluster,
      clock: this.#clock,
      options: o,
      isClosed: () => this.#state === 'closed',
      onMetadata: (p, md) => this.#partitionAndReserve(p, md),
    })
    this.#partitioner = new BuiltInPartitioner({
      batchSize: o.batchSize,
      adaptive: o.partitionerAdaptivePartitioningEnable,
      random: deps.random,
      queueSize: (topic, partition) => accumulator.queueSize(topic, partition),
    })
    if (o.transactionalId !== null && this.#idempotence !== null) {
      this.#txn = new TransactionManager({
        transactionalId: o.transactionalId,
        transactionTimeoutMs: o.transactionTimeoutMs,
        maxBlockMs: o.maxBlockMs,
        requestTimeoutMs: o.requestTimeoutMs,
        retryBackoffMs: o.retryBackoffMs,
        retryBackoffMaxMs: o.retryBackoffMaxMs,
        cluster,
        idempotence: this.#idempotence,
        clock: this.#clock,
        logger: o.logger,
        wakeup: () => this.#sender.wakeup(),
        flush: () => this.flush(),
        abortUndrained: (err) => {
          for (const b of this.#accumulator.removeAll((batch) => batch.attempts === 0)) this.#sender.failBatch(b, err)
          this.#metadataWaits.failAll(err)
          this.#memory.drainWaiters((w) => (w as PendingSend).completion.fail(err))
        },
        fatal: (err) => {
          this.#sender.fatal(err)
          this.#metadataWaits.failAll(err)
          this.#memory.drainWaiters((w) => (w as PendingSend).completion.fail(err))
        },
      })
    } else {
      this.#txn = null
    }
    this.#sender = new Sender({
      accumulator: this.#accumulator,
      cluster,
      options: o,
      clock: this.#clock,
      logger: o.logger,
      memory: this.#memory,
      idempotence: this.#idempotence,
      transactions: this.#txn,
      random: deps.random,
    })
  }

  /** Optional: checks that the cluster is reachable (send() connects lazily). */
  async connect(): Promise<void> {
    if (this.#state !== 'open') throw new ClosedError('producer closed')
    await this.#cluster.refreshMetadata([])
  }

  /** Sends one record. The promise and the callback settle once, when the broker acked or the send failed. */
  send(record: ProducerRecord<K, V>, callback?: SendCallback): Promise<RecordMetadata> {
    const cb = typeof callback === 'function' ? callback : null
    let completion: SendCompletion | null = null
    try {
      if (this.#state !== 'open') throw new ClosedError('producer closed')
      const fatal = this.#sender.fatalError
      if (fatal !== null) throw fatal
      this.#txn?.checkCanSend()
      const r = this.#interceptors.isEmpty ? record : this.#interceptors.onSend(record)
      if (typeof r !== 'object' || r === null) throw new InvalidRecordError('send() needs a record object')
      const topic = r.topic
      if (typeof topic !== 'string' || topic.length === 0) throw new InvalidRecordError('record.topic must be a non-empty string')
      const partition = r.partition
      if (partition !== undefined && partition !== null && (!Number.isInteger(partition) || partition < 0)) {
        throw new InvalidRecordError(`record.partition must be a non-negative integer (got ${String(partition)})`)
      }
      const now = this.#clock.now()
      const timestampMs = r.timestamp ?? now
      if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
        throw new InvalidRecordError(`record.timestamp must be a non-negative integer in ms (got ${String(r.timestamp)})`)
      }
      const headers = normalizeHeaders(r.headers)
      const key = serialize(this.options.keySerializer, r.key, 'key', topic, headers)
      const value = serialize(this.options.valueSerializer, r.value, 'value', topic, headers)
      const size = RECORD_BATCH_OVERHEAD + recordSizeUpperBound(key, value, headersSize(headers))
      if (size > this.options.maxRequestSize || size > this.options.bufferMemory) {
        const limit = Math.min(this.options.maxRequestSize, this.options.bufferMemory)
        throw new ProtocolError(10, `the record is ${size} bytes serialized, more than maxRequestSize/bufferMemory (${limit})`)
      }
      completion = new SendCompletion(topic, key === null ? -1 : key.length, value === null ? -1 : value.length, cb, this, this.#logger)
      this.#track(completion)
      const explicitPartition = partition ?? undefined
      const memoryBytes = size - RECORD_BATCH_OVERHEAD
      // fast path: metadata known, nobody waits for it or for memory, the memory is free now
      const md = this.#cluster.topicMetadata(topic)
      if (md !== undefined && md.partitionCount > 0 && !this.#metadataWaits.has(topic)) {
        const o = this.options
        let chosen: number
        try {
          chosen = choosePartitionNumber(topic, explicitPartition, key, value, md, o.partitioner, this.#partitioner, o.partitionerIgnoreKeys)
        } catch (err) {
          completion.fail(err instanceof Error ? err : new InvalidRecordError(String(err)))
          return completion.promise
        }
        const sticky = usesStickyPartition(explicitPartition, key, o.partitioner, o.partitionerIgnoreKeys)
        if (this.#memory.tryReserve(memoryBytes)) {
          this.#appendRecord(topic, chosen, sticky, key, value, headers, timestampMs, completion, memoryBytes, now, md)
          return completion.promise
        }
        const waiting = new PendingSend(this.#appendSink, topic, explicitPartition, key, value, headers, timestampMs, memoryBytes, completion, now, o.maxBlockMs)
        waiting.partition = chosen
        waiting.sticky = sticky
        this.#memory.enqueue(waiting)
        return completion.promise
      }
      const pending = new PendingSend(
        this.#appendSink,
        topic,
        explicitPartition,
        key,
        value,
        headers,
        timestampMs,
        memoryBytes,
        completion,
        now,
        this.options.maxBlockMs,
      )
      this.#metadataWaits.add(pending)
      return completion.promise
    } catch (err) {
      const error = err instanceof Error ? err : new InvalidRecordError(String(err))
      if (completion === null) {
        const topic = typeof record === 'object' && record !== null && typeof record.topic === 'string' ? record.topic : ''
        completion = new SendCompletion(topic, -1, -1, cb, this, this.#logger)
        this.#track(completion)
      }
      completion.fail(error)
      return completion.promise
    }
  }

  /** Resolves when every record sent before the call has been acknowledged or has failed. */
  flush(): Promise<void> {
    if (this.#unsettledCount === 0) return Promise.resolve()
    const upToSeq = this.#sendSeq
    return new Promise<void>((resolve) => {
      this.#flushWaiters.push({ upToSeq, resolve })
      this.#accumulator.beginFlush()
      this.#sender.wakeup()
    })
  }

  /** Flushes (up to timeoutMs), then fails whatever is left with ClosedError and releases everything. */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closePromise !== null) return this.#closePromise
    this.#closePromise = this.#close(options.timeoutMs)
    return this.#closePromise
  }

  // transactions -------------------------------------------------------------------------------

  initTransactions(): Promise<void> {
    return this.#transactions().initTransactions()
  }

  beginTransaction(): void {
    this.#transactions().beginTransaction()
  }

  sendOffsetsToTransaction(offsets: readonly TopicPartitionOffset[], groupMetadata: ConsumerGroupMetadata | string): Promise<void> {
    return this.#transactions().sendOffsetsToTransaction(offsets, groupMetadata)
  }

  commitTransaction(): Promise<void> {
    return this.#transactions().commitTransaction()
  }

  abortTransaction(): Promise<void> {
    return this.#transactions().abortTransaction()
  }

  // CompletionSink -------------------------------------------------------------------------------

  /** @internal called by SendCompletion */
  onSettled(completion: SendCompletion, metadata: RecordMetadata | null, err: Error | null): void {
    if (completion.seq > 0) {
      const older = completion.olderUnsettled
      const newer = completion.newerUnsettled
      if (older === null) this.#oldest = newer
      else older.newerUnsettled = newer
      if (newer === null) this.#newest = older
      else newer.olderUnsettled = older
      completion.olderUnsettled = null
      completion.newerUnsettled = null
      this.#unsettledCount--
      // only the oldest send's settlement can complete a flush
      if (older === null && this.#flushWaiters.length > 0) this.#resolveFlushes()
    }
    this.#interceptors.onAcknowledgement(metadata, err)
  }

  // internals -------------------------------------------------------------------------------------

  #track(c: SendCompletion): void {
    c.seq = ++this.#sendSeq
    const newest = this.#newest
    c.olderUnsettled = newest
    if (newest === null) this.#oldest = c
    else newest.newerUnsettled = c
    this.#newest = c
    this.#unsettledCount++
  }

  #resolveFlushes(): void {
    const oldestSeq = this.#oldest === null ? Number.POSITIVE_INFINITY : this.#oldest.seq
    const waiters = this.#flushWaiters
    while (waiters.length > 0 && waiters[0]!.upToSeq < oldestSeq) {
      const w = waiters.shift()!
      this.#accumulator.endFlush()
      w.resolve()
    }
  }

  #transactions(): TransactionManager {
    if (this.#txn === null) {
      throw new TransactionStateError('transactions need the transactionalId option')
    }
    return this.#txn
  }

  #partitionAndReserve(p: PendingSend, md: ProducerTopicMetadata): void {
    try {
      const o = this.options
      p.partition = choosePartitionNumber(p.topic, p.explicitPartition, p.key, p.value, md, o.partitioner, this.#partitioner, o.partitionerIgnoreKeys)
      p.sticky = usesStickyPartition(p.explicitPartition, p.key, o.partitioner, o.partitionerIgnoreKeys)
    } catch (err) {
      p.completion.fail(err instanceof Error ? err : new InvalidRecordError(String(err)))
      return
    }
    if (this.#memory.tryReserve(p.memoryBytes)) this.#append(p)
    else this.#memory.enqueue(p)
  }

  #append(p: PendingSend): void {
    if (p.completion.settled) {
      this.#memory.release(p.memoryBytes)
      return
    }
    const md = p.sticky ? this.#cluster.topicMetadata(p.topic) : undefined
    this.#appendRecord(p.topic, p.partition, p.sticky, p.key, p.value, p.headers, p.timestampMs, p.completion, p.memoryBytes, this.#clock.now(), md)
  }

  /** Puts one record with reserved memory into its partition's batch (the bytes are copied now). */
  #appendRecord(
    topic: string,
    partition: number,
    sticky: boolean,
    key: Buffer | null,
    value: Buffer | null,
    headers: readonly RecordHeader[],
    timestampMs: number,
    completion: SendCompletion,
    memoryBytes: number,
    nowMs: number,
    md: ProducerTopicMetadata | undefined,
  ): void {
    // one scratch input: the builder copies the record's bytes before append returns
    const input = this.#scratch
    input.key = key
    input.value = value
    input.headers = headers
    input.timestampMs = timestampMs
    const acc = this.#accumulator
    const appended = acc.appendRecord(topic, partition, input, completion, memoryBytes, nowMs)
    this.#txn?.maybeAddPartition(topic, partition)
    const batchFull = acc.lastBatchFull
    if (sticky && md !== undefined) this.#partitioner.onAppend(topic, partition, appended, batchFull, md)
    if (acc.lastNewBatch || batchFull || this.options.lingerMs === 0 || acc.flushing) this.#sender.wakeup()
  }

  async #close(timeoutMs: number | undefined): Promise<void> {
    this.#state = 'closing'
    const closed = new ClosedError('producer closed before the record could be delivered')
    if (this.#txn?.inTransaction) {
      try {
        await this.#txn.abortTransaction()
      } catch (err) {
        safeLog(this.#logger, 'warn', 'aborting the open transaction on close failed', { error: err })
      }
    }
    this.#accumulator.beginClose()
    this.#sender.wakeup()
    if (this.#unsettledCount > 0 && timeoutMs !== 0) {
      let timer: TimerHandle | undefined
      await new Promise<void>((resolve) => {
        if (timeoutMs !== undefined) timer = this.#clock.setTimeout(resolve, timeoutMs)
        this.flush().then(resolve, resolve)
      })
      this.#clock.clearTimeout(timer)
    }
    this.#state = 'closed'
    this.#metadataWaits.failAll(closed)
    this.#memory.drainWaiters((w) => (w as PendingSend).completion.fail(closed))
    this.#sender.close(closed)
    for (let c = this.#oldest; c !== null; c = this.#oldest) {
      if (!c.fail(closed)) this.onSettled(c, null, closed) // cannot happen: settled sends leave the list
    }
    this.#memory.close()
    this.#txn?.close()
    this.#interceptors.close()
    if (this.#ownsCluster) {
      try {
        await this.#cluster.close()
      } catch (err) {
        safeLog(this.#logger, 'warn', 'closing the producer connections failed', { error: err })
      }
    }
  }
}
