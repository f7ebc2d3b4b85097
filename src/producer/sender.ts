// The send loop (Java Sender): expires batches past deliveryTimeoutMs, keeps a producer id for
// idempotence, finds ready leaders, drains their batches into multi-partition Produce requests
// (at most maxInFlightRequestsPerConnection per broker; one NodeSender per broker) and settles
// each partition's outcome: success, retry (retriable errors only, bounded by retries and
// deliveryTimeoutMs, with backoff, in order), KIP-360 bump, or failure. Owned by producer.ts; its
// contracts are in sender-deps.ts, producer-id and metadata requests in their own modules.
// Invariants: a batch is in at most one place (queue, on the wire, settled); every batch settles.
import { ClosedError, KafkaClientError, ProtocolError, RetriesExhaustedError } from '../errors.js'
import { safeLog } from '../network/logger.js'
import { ErrorCode as E } from '../protocol/generated/error-table.js'
import {
  ProduceApi,
  type ProduceRequest,
  type ProduceRequestTopicProduceData,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from '../protocol/generated/produce.js'
import { ExponentialBackoff } from '../util/backoff.js'
import type { TimerHandle } from '../util/clock.js'
import type { PartitionQueue } from './accumulator.js'
import type { ProducerBatch } from './batch.js'
import { deliveryTimeout, fenced, findPartitionResponse, publishBatch } from './batch-outcome.js'
import { batchChannel, type RequestMessage, requestChannel, type RetryMessage, retryChannel } from './diagnostics.js'
import { MetadataRefresh } from './metadata-refresh.js'
import { ProducerIdRequest } from './producer-id-request.js'
import type { SenderDeps } from './sender-deps.js'

const SEQUENCE_ERRORS = new Set<number>([E.OUT_OF_ORDER_SEQUENCE_NUMBER, E.INVALID_PRODUCER_EPOCH, E.UNKNOWN_PRODUCER_ID, E.PRODUCER_FENCED])

/** Per-broker state: requests on the wire. */
class NodeSender {
  inFlight = 0
  constructor(readonly nodeId: number) {}
}

export class Sender {
  readonly #d: SenderDeps
  readonly #backoff: ExponentialBackoff
  readonly #nodes = new Map<number, NodeSender>()
  readonly #onWire = new Set<ProducerBatch>()
  /** non-idempotent, maxInFlight 1: partitions with a batch on the wire (Java "muted") */
  readonly #muted = new Set<PartitionQueue>()
  readonly #guaranteeOrder: boolean
  #immediate: NodeJS.Immediate | undefined
  #timer: TimerHandle | undefined
  #timerDueMs = Number.POSITIVE_INFINITY
  #closed = false
  #fatal: Error | null = null
  readonly #pid: ProducerIdRequest
  readonly #metadata: MetadataRefresh
  readonly #gate: (q: PartitionQueue, b: ProducerBatch) => boolean

  constructor(deps: SenderDeps) {
    this.#d = deps
    this.#backoff = new ExponentialBackoff({
      retryBackoffMs: deps.options.retryBackoffMs,
      retryBackoffMaxMs: deps.options.retryBackoffMaxMs,
      random: deps.random,
    })
    this.#guaranteeOrder = deps.options.maxInFlightRequestsPerConnection === 1 && deps.idempotence === null
    this.#gate = (q, b) => this.#canDrain(q, b)
    const wakeup = () => this.wakeup()
    this.#pid = new ProducerIdRequest({
      cluster: deps.cluster,
      idempotence: deps.idempotence,
      clock: deps.clock,
      logger: deps.logger,
      backoff: this.#backoff,
      requestTimeoutMs: deps.options.requestTimeoutMs,
      wakeup,
      onFatal: (err) => this.fatal(err),
    })
    this.#metadata = new MetadataRefresh({
      cluster: deps.cluster,
      clock: deps.clock,
      logger: deps.logger,
      retryBackoffMs: deps.options.retryBackoffMs,
      wakeup,
    })
  }

  /** Batches currently on the wire. */
  get inFlightBatches(): number {
    return this.#onWire.size
  }

  /** The fatal error that stopped this producer, if any. */
  get fatalError(): Error | null {
    return this.#fatal
  }

  /** Schedules a send-loop run soon (coalesced). */
  wakeup(): void {
    if (this.#immediate !== undefined || this.#closed) return
    this.#immediate = setImmediate(() => {
      this.#immediate = undefined
      this.run()
    })
  }

  /** Stops the loop; with `err`, fails every queued and in-flight batch with it. */
  close(err?: Error): void {
    this.#closed = true
    if (this.#immediate !== undefined) clearImmediate(this.#immediate)
    this.#immediate = undefined
    this.#clearTimer()
    if (err !== undefined) this.failAll(err)
  }

  /** Fails every queued and in-flight batch (close after timeout, fatal error). */
  failAll(err: Error): void {
    for (const b of this.#d.accumulator.removeAll()) this.failBatch(b, err)
    for (const b of [...this.#onWire]) this.failBatch(b, err)
  }

  /** Enters the fatal state: every batch fails now, every later send fails at once. */
  fatal(err: Error): void {
    if (this.#fatal !== null) return
    this.#fatal = err
    this.#d.transactions?.onFatalError(err)
    this.failAll(err)
  }

  /** One pass of the send loop. Never throws; reschedules itself. */
  run(): void {
    if (this.#closed) return
    try {
      this.#runOnce()
    } catch (err) {
      safeLog(this.#d.logger, 'error', 'producer send loop failed', { error: err })
      this.#schedule(this.#d.options.retryBackoffMs)
    }
  }

  #runOnce(): void {
    const d = this.#d
    const now = d.clock.now()
    let nextMs = d.accumulator.expire(now, d.options.deliveryTimeoutMs, (b) => this.#expire(b, now))
    if (this.#fatal !== null) return

    // metadataMaxAgeMs: new partitions and moved leaders show up without an error first
    d.cluster.maybeRefresh?.()
    const idem = d.idempotence
    if (idem !== null) {
      idem.applyPendingBump()
      if (!idem.hasProducerId()) {
        // a transactional producer gets its id from initTransactions (or its epoch bump)
        if (d.transactions == null && d.accumulator.queuedBatches > 0) this.#pid.request(now)
        if (!this.#pid.inFlight && this.#pid.retryAtMs > now) nextMs = Math.min(nextMs, this.#pid.retryAtMs - now)
        this.#schedule(nextMs)
        return
      }
    }
    d.transactions?.poll()

    const ready = d.accumulator.ready(now, (t, p) => this.#leaderOf(t, p), d.memory.waiting > 0)
    const metadata = this.#metadata
    if (ready.unknownLeaderTopics.size > 0 || metadata.staleTopics.size > 0) {
      for (const t of ready.unknownLeaderTopics) metadata.staleTopics.add(t)
      metadata.refresh(now)
      if (!metadata.inFlight) nextMs = Math.min(nextMs, Math.max(1, metadata.retryAtMs - now))
    }
    const maxInFlight = d.options.maxInFlightRequestsPerConnection
    for (const nodeId of ready.readyNodes) {
      const queues = ready.byNode.get(nodeId)
      if (queues === undefined) continue
      const node = this.#node(nodeId)
      while (node.inFlight < maxInFlight) {
        const batches = d.accumulator.drain(nodeId, queues, d.options.maxRequestSize, now, this.#gate)
        if (batches.length === 0) break
        this.#sendProduce(node, batches, now)
      }
    }
    nextMs = Math.min(nextMs, ready.nextReadyCheckDelayMs)
    this.#schedule(nextMs)
  }

  #node(nodeId: number): NodeSender {
    let n = this.#nodes.get(nodeId)
    if (n === undefined) {
      n = new NodeSender(nodeId)
      this.#nodes.set(nodeId, n)
    }
    return n
  }

  #leaderOf(topic: string, partition: number): number {
    const md = this.#d.cluster.topicMetadata(topic)
    if (md === undefined) return -1
    return md.leaders[partition] ?? -1
  }

  #canDrain(q: PartitionQueue, b: ProducerBatch): boolean {
    if (this.#guaranteeOrder && this.#muted.has(q)) return false
    const txn = this.#d.transactions
    if (txn && !txn.canDrain(q.topic, q.partition)) return false
    const idem = this.#d.idempotence
    if (idem !== null && !idem.canDrain(q, b)) return false
    if (this.#guaranteeOrder) this.#muted.add(q)
    return true
  }

  #schedule(delayMs: number): void {
    if (this.#closed || !Number.isFinite(delayMs)) return
    const clock = this.#d.clock
    const due = clock.now() + Math.max(0, delayMs)
    if (this.#timer !== undefined && this.#timerDueMs <= due) return
    this.#clearTimer()
    this.#timerDueMs = due
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined
      this.#timerDueMs = Number.POSITIVE_INFINITY
      this.run()
    }, Math.max(0, delayMs))
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#d.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timerDueMs = Number.POSITIVE_INFINITY
  }

  // ---------------------------------------------------------------------------------------------
  // produce

  #sendProduce(node: NodeSender, batches: ProducerBatch[], now: number): void {
    const d = this.#d
    const topicData: ProduceRequestTopicProduceData[] = []
    const sent: ProducerBatch[] = []
    for (const b of batches) {
      let records: Buffer
      try {
        records = b.encode()
      } catch (err) {
        this.failBatch(b, err instanceof Error ? err : new KafkaClientError('ENCODE_FAILED', String(err)))
        continue
      }
      b.attempts++
      b.lastAttemptMs = now
      b.inFlight = true
      this.#onWire.add(b)
      sent.push(b)
      let td = topicData.find((t) => t.name === b.topic)
      if (td === undefined) {
        td = { name: b.topic, partitionData: [] }
        topicData.push(td)
      }
      td.partitionData.push({ index: b.partition, records })
    }
    if (sent.length === 0) return
    const request: ProduceRequest = {
      transactionalId: d.transactions?.transactionalId ?? null,
      acks: d.options.acks,
      timeoutMs: d.options.requestTimeoutMs,
      topicData,
    }
    node.inFlight++
    if (requestChannel.hasSubscribers) {
      requestChannel.publish({ nodeId: node.nodeId, batchCount: sent.length, acks: d.options.acks } satisfies RequestMessage)
    }
    const opts = { timeoutMs: d.options.requestTimeoutMs }
    try {
      if (d.options.acks === 0) {
        d.cluster.sendWithoutResponse(node.nodeId, ProduceApi, request, opts).then(
          () => this.#onAcksZero(node, sent),
          (err: unknown) => this.#onRequestError(node, sent, err),
        )
      } else {
        d.cluster.send(node.nodeId, ProduceApi, request, opts).then(
          (res: ProduceResponse) => this.#onResponse(node, sent, res),
          (err: unknown) => this.#onRequestError(node, sent, err),
        )
      }
    } catch (err) {
      // the port promises not to throw; if it does, the batches must still come back
      this.#onRequestError(node, sent, err)
    }
  }

  #requestDone(node: NodeSender, batches: readonly ProducerBatch[]): void {
    node.inFlight--
    for (const b of batches) {
      b.inFlight = false
      this.#onWire.delete(b)
      if (this.#guaranteeOrder) this.#muted.delete(this.#d.accumulator.queue(b.topic, b.partition))
    }
  }

  #onAcksZero(node: NodeSender, batches: ProducerBatch[]): void {
    this.#requestDone(node, batches)
    for (const b of batches) if (!b.done) this.#completeBatch(b, -1n, -1)
    this.wakeup()
  }

  #onResponse(node: NodeSender, batches: ProducerBatch[], res: ProduceResponse): void {
    this.#requestDone(node, batches)
    const now = this.#d.clock.now()
    for (const b of batches) {
      if (b.done) continue // failed meanwhile (close, fatal)
      try {
        const pr = findPartitionResponse(res, b.topic, b.partition)
        if (pr === undefined) {
          this.#retryOrFail(b, new KafkaClientError('MISSING_PARTITION_RESPONSE', `no response for ${b.topic}-${b.partition}`, { retriable: true }), now)
          continue
        }
        this.#onPartitionResponse(b, pr, now)
      } catch (err) {
        // a bug here must not strand the batch: fail it and keep going
        safeLog(this.#d.logger, 'error', 'producer response handling failed', { error: err })
        this.failBatch(b, err instanceof Error ? err : new KafkaClientError('INTERNAL', String(err)))
      }
    }
    this.wakeup()
  }

  #onPartitionResponse(b: ProducerBatch, pr: ProduceResponsePartitionProduceResponse, now: number): void {
    const code = pr.errorCode
    if (code === E.NONE || code === E.DUPLICATE_SEQUENCE_NUMBER) {
      // a duplicate is the broker recognising a retry it already appended: success
      this.#completeBatch(b, pr.baseOffset, Number(pr.logAppendTimeMs))
      return
    }
    const err = new ProtocolError(code, pr.errorMessage ?? `${b.topic}-${b.partition}`)
    const idem = this.#d.idempotence
    if (idem !== null && SEQUENCE_ERRORS.has(code)) {
      const action = idem.classify(b, code, pr.logStartOffset ?? -1n)
      if (action === 'fatal') {
        const error = code === 90 || code === 47 ? fenced(err) : err
        // fatal first: failing the batch inside a transaction would otherwise make it merely abortable
        this.fatal(error)
        this.failBatch(b, error)
        return
      }
      if (action === 'abortable') {
        this.failBatch(b, err)
        this.#d.transactions?.onAbortableError(err)
        return
      }
      if (action === 'bump-and-retry') {
        safeLog(this.#d.logger, 'warn', `${err.errorName} on ${b.topic}-${b.partition}: bumping the producer epoch`)
        idem.requestEpochBump(b.topic, b.partition)
      }
      this.#retryOrFail(b, err, now, true)
      return
    }
    if (err.invalidatesMetadata) this.#leaderMoved(b, pr)
    this.#retryOrFail(b, err, now)
  }

  #leaderMoved(b: ProducerBatch, pr: ProduceResponsePartitionProduceResponse): void {
    const cluster = this.#d.cluster
    const hint = pr.currentLeader
    if (hint !== undefined && hint.leaderId >= 0 && cluster.updateLeader !== undefined) {
      cluster.updateLeader(b.topic, b.partition, hint.leaderId, hint.leaderEpoch)
    }
    cluster.markStale(b.topic)
    this.#metadata.staleTopics.add(b.topic)
  }

  #onRequestError(node: NodeSender, batches: ProducerBatch[], err: unknown): void {
    this.#requestDone(node, batches)
    const now = this.#d.clock.now()
    const error = err instanceof Error ? err : new KafkaClientError('UNKNOWN', String(err))
    for (const b of batches) {
      if (b.done) continue
      // a broken connection may mean the leader is gone
      if (error instanceof KafkaClientError && error.retriable) {
        this.#d.cluster.markStale(b.topic)
        this.#metadata.staleTopics.add(b.topic)
      }
      this.#retryOrFail(b, error, now)
    }
    this.wakeup()
  }

  /** Retries a retriable error while retries and the delivery timeout allow; fails otherwise. */
  #retryOrFail(b: ProducerBatch, err: Error, now: number, forceRetriable = false): void {
    b.errors.push(err)
    const retriable = forceRetriable || (err instanceof KafkaClientError && err.retriable)
    // nothing is retried once the producer is fatal or closed: the batch would never leave the queue
    if (this.#fatal !== null) {
      this.failBatch(b, this.#fatal)
      return
    }
    if (this.#closed) {
      this.failBatch(b, err instanceof ClosedError ? err : new ClosedError('producer closed'))
      return
    }
    if (!retriable) {
      this.failBatch(b, err)
      return
    }
    const opts = this.#d.options
    if (b.attempts > opts.retries) {
      this.failBatch(b, new RetriesExhaustedError(`${b.topic}-${b.partition}: gave up after ${b.attempts} attempts`, b.errors))
      return
    }
    if (now >= b.createdMs + opts.deliveryTimeoutMs) {
      this.failBatch(b, deliveryTimeout(b, opts.deliveryTimeoutMs))
      return
    }
    b.retryAtMs = now + this.#backoff.delayMs(b.attempts - 1)
    if (retryChannel.hasSubscribers) {
      retryChannel.publish({ topic: b.topic, partition: b.partition, attempts: b.attempts, error: err } satisfies RetryMessage)
    }
    this.#d.accumulator.reenqueue(b)
  }

  #expire(b: ProducerBatch, _now: number): void {
    this.failBatch(b, deliveryTimeout(b, this.#d.options.deliveryTimeoutMs))
  }

  #completeBatch(b: ProducerBatch, baseOffset: bigint, logAppendTimeMs: number): void {
    this.#d.idempotence?.onAcknowledged(b)
    b.complete(baseOffset, logAppendTimeMs)
    this.#d.memory.release(b.memoryBytes)
    if (batchChannel.hasSubscribers) publishBatch(b, baseOffset, null)
  }

  /** Fails one batch (not retried): releases its memory and its sequence. */
  failBatch(b: ProducerBatch, err: Error): void {
    if (b.done) return
    if (b.inFlight) {
      b.inFlight = false
      this.#onWire.delete(b)
    }
    const idem = this.#d.idempotence
    // a failed sequenced batch leaves a gap: bump (idempotent) or abort (transactional)
    if (idem?.onFailed(b) && !(err instanceof ClosedError)) this.#d.transactions?.onAbortableError(err)
    b.fail(err)
    this.#d.memory.release(b.memoryBytes)
    if (batchChannel.hasSubscribers) publishBatch(b, null, err)
  }
}
