// The fetcher: one Fetch (v4+, negotiated; sessionless full fetches) per partition leader on the
// 'fetch' connections, responses parsed into CompletedFetch buffers, drained by poll(). Called by
// consumer.ts (sendFetches, collect, drop) only. Invariants: at most one Fetch in flight per node
// and at most one buffered CompletedFetch per partition, and a partition with buffered or
// in-flight data is not fetched again (the prefetch bound); data whose partition state version
// changed since the request (seek, pause, reset, reassignment) is discarded; positions advance only
// through collect(). Leader errors refresh metadata; OFFSET_OUT_OF_RANGE resets per autoOffsetReset.
import type { Cluster } from '../cluster/cluster.js'
import { ProtocolError } from '../errors.js'
import { type Logger, safeLog } from '../network/logger.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import { FetchApi, type FetchRequest, type FetchResponse, type FetchResponsePartitionData } from '../protocol/generated/fetch.js'
import { decodeRecordBatches } from '../protocol/records/record-batch.js'
import type { RecordBatch } from '../protocol/records/types.js'
import type { Clock } from '../util/clock.js'
import { CompletedFetch } from './completed-fetch.js'
import { CorruptRecordError, OffsetOutOfRangeError } from './errors.js'
import type { ResolvedConsumerOptions } from './options.js'
import type { PartitionState, SubscriptionState } from './subscription-state.js'
import type { ConsumerRecord } from './types.js'

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'
/** Fetch v13+ names topics by id only: without ids we stop at v12. */
const LAST_VERSION_WITH_TOPIC_NAMES = 12

interface SentPartition {
  readonly state: PartitionState
  readonly fetchOffset: bigint
  readonly version: number
}

/** Errors from metadata-level partition problems: refresh and try again. */
const REFRESH_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.OFFSET_NOT_AVAILABLE,
])

export class Fetcher<K, V> {
  readonly #cluster: Cluster
  readonly #subs: SubscriptionState
  readonly #o: ResolvedConsumerOptions<K, V>
  readonly #logger: Logger
  readonly #clock: Clock
  readonly #onChange: () => void
  readonly #buffer: CompletedFetch<K, V>[] = []
  readonly #inFlightNodes = new Set<number>()
  readonly #backoffUntil = new Map<number, number>()
  readonly #errors: Error[] = []
  #closed = false
  /** per response: partitions that returned only a cut-off batch, and partitions with whole batches */
  #partialOnly = 0
  #completeBatches = 0

  constructor(cluster: Cluster, subs: SubscriptionState, options: ResolvedConsumerOptions<K, V>, clock: Clock, onChange: () => void) {
    this.#cluster = cluster
    this.#subs = subs
    this.#o = options
    this.#logger = options.logger
    this.#clock = clock
    this.#onChange = onChange
  }

  get inFlightCount(): number {
    return this.#inFlightNodes.size
  }

  /** Buffered data or an error is ready for collect(). */
  get hasReadyData(): boolean {
    return this.#buffer.length > 0 || this.#errors.length > 0
  }

  /** Sends a Fetch to every leader with fetchable partitions that has none in flight. Never throws. */
  sendFetches(): void {
    if (this.#closed) return
    const buffered = new Set<PartitionState>()
    for (const cf of this.#buffer) {
      const s = this.#subs.state(cf)
      if (s !== undefined) buffered.add(s)
    }
    const now = this.#clock.now()
    const byNode = new Map<number, PartitionState[]>()
    const metadata = this.#cluster.metadata
    for (const s of this.#subs.states()) {
      if (!s.fetchable || s.inFlight || buffered.has(s)) continue
      const leader = metadata.partition(s.topic, s.partition)
      if (leader === undefined || leader.leaderId < 0) {
        metadata.requestRefresh()
        continue
      }
      const node = leader.leaderId
      if (this.#inFlightNodes.has(node) || (this.#backoffUntil.get(node) ?? 0) > now) continue
      let list = byNode.get(node)
      if (list === undefined) byNode.set(node, (list = []))
      list.push(s)
    }
    if (metadata.needsRefresh) void metadata.maybeRefresh().then(this.#onChange)
    for (const [node, states] of byNode) this.#send(node, states)
  }

  #send(node: number, states: PartitionState[]): void {
    const metadata = this.#cluster.metadata
    const sent = new Map<string, SentPartition>()
    const topics = new Map<string, FetchRequest['topics'][number]>()
    const namesById = new Map<string, string>()
    let allIds = true
    for (const s of states) {
      let topic = topics.get(s.topic)
      if (topic === undefined) {
        const topicId = metadata.topicId(s.topic)
        if (topicId === undefined) allIds = false
        else namesById.set(topicId, s.topic)
        topic = { topic: s.topic, topicId: topicId ?? ZERO_UUID, partitions: [] }
        topics.set(s.topic, topic)
      }
      topic.partitions.push({
        partition: s.partition,
        currentLeaderEpoch: metadata.partition(s.topic, s.partition)?.leaderEpoch ?? -1,
        fetchOffset: s.position,
        lastFetchedEpoch: s.positionEpoch ?? -1,
        logStartOffset: -1n,
        partitionMaxBytes: this.#o.maxPartitionFetchBytes,
      })
      s.inFlight = true
      sent.set(`${s.topic}\u0000${s.partition}`, { state: s, fetchOffset: s.position, version: s.version })
    }
    const request: FetchRequest = {
      replicaId: -1,
      maxWaitMs: this.#o.fetchMaxWaitMs,
      minBytes: this.#o.fetchMinBytes,
      maxBytes: this.#o.fetchMaxBytes,
      isolationLevel: this.#o.isolationLevel === 'read_committed' ? 1 : 0,
      // sessionless: every fetch is a full fetch (KIP-227 epoch -1), so no session can be evicted
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...topics.values()],
      forgottenTopicsData: [],
      // no rack: a broker with a replica selector would answer with a preferred read replica and no records
      rackId: '',
    }
    this.#inFlightNodes.add(node)
    this.#cluster
      .sendTo(node, 'fetch', FetchApi, request, {
        timeoutMs: this.#o.requestTimeoutMs + this.#o.fetchMaxWaitMs,
        ...(allIds ? {} : { maxVersion: LAST_VERSION_WITH_TOPIC_NAMES }),
      })
      .then(
        (response) => this.#onResponse(node, sent, namesById, response),
        (err: unknown) => this.#onFailure(node, sent, err),
      )
      .catch((err: unknown) => {
        safeLog(this.#logger, 'error', 'fetch response handling failed', { error: String(err) })
      })
      .finally(() => {
        this.#inFlightNodes.delete(node)
        for (const p of sent.values()) p.state.inFlight = false
        this.#onChange()
      })
  }

  #delayNode(node: number, delayMs: number): void {
    const until = this.#clock.now() + delayMs
    if ((this.#backoffUntil.get(node) ?? 0) < until) this.#backoffUntil.set(node, until)
  }

  #onFailure(node: number, _sent: Map<string, SentPartition>, err: unknown): void {
    if (this.#closed) return
    this.#cluster.metadata.handleError(err)
    this.#delayNode(node, this.#o.retryBackoffMs)
    safeLog(this.#logger, 'debug', 'fetch failed', { node, error: err instanceof Error ? err.message : String(err) })
  }

  async #onResponse(node: number, sent: Map<string, SentPartition>, namesById: Map<string, string>, response: FetchResponse): Promise<void> {
    if (this.#closed) return
    if ((response.errorCode ?? 0) !== 0) {
      this.#onFailure(node, sent, new ProtocolError(response.errorCode ?? 0, 'Fetch'))
      return
    }
    // a throttled client waits before asking this broker again (KIP-219)
    if (response.throttleTimeMs > 0) this.#delayNode(node, response.throttleTimeMs)
    const ready: Promise<void>[] = []
    this.#partialOnly = 0
    this.#completeBatches = 0
    for (const topic of response.responses) {
      const name = topic.topic !== undefined && topic.topic !== '' ? topic.topic : (namesById.get(topic.topicId ?? '') ?? this.#cluster.metadata.topicName(topic.topicId ?? ''))
      if (name === undefined) continue
      for (const p of topic.partitions) {
        const entry = sent.get(`${name}\u0000${p.partitionIndex}`)
        if (entry === undefined) continue
        const pending = this.#onPartition(node, name, p, entry, response)
        if (pending !== null) ready.push(pending)
      }
    }
    if (this.#partialOnly > 0 && this.#completeBatches === 0) {
      // Only cut-off batches: a KIP-74 broker always returns the first batch whole, so this one
      // does not; back off instead of asking again at once (no busy loop).
      safeLog(this.#logger, 'warn', 'fetch returned no complete batch; backing off', { node })
      this.#delayNode(node, this.#o.retryBackoffMs)
    }
    if (ready.length > 0) await Promise.all(ready)
  }

  /** Handles one partition; returns a promise when compressed batches are being inflated. */
  #onPartition(node: number, topic: string, p: FetchResponsePartitionData, entry: SentPartition, response: FetchResponse): Promise<void> | null {
    const s = entry.state
    if (!this.#current(entry)) return null
    const metadata = this.#cluster.metadata
    if (p.errorCode !== ErrorCode.NONE) {
      this.#onPartitionError(node, topic, p, entry, response)
      return null
    }
    if (p.highWatermark >= 0n) s.highWatermark = p.highWatermark
    if (p.lastStableOffset >= 0n) s.lastStableOffset = p.lastStableOffset
    if ((p.logStartOffset ?? -1n) >= 0n) s.logStartOffset = p.logStartOffset ?? -1n
    const diverging = p.divergingEpoch
    if (diverging !== undefined && diverging.epoch >= 0 && diverging.endOffset >= 0n) {
      // KIP-320: the log was truncated below our position (unclean election): go back to the divergence point
      if (diverging.endOffset < s.position) {
        safeLog(this.#logger, 'warn', 'log truncation detected: resetting the position to the divergence point', {
          topic,
          partition: p.partitionIndex,
          position: String(s.position),
          divergingOffset: String(diverging.endOffset),
        })
        s.seek(diverging.endOffset, diverging.epoch)
      } else {
        // our epoch is unknown to the leader but our position is within its log: adopt its epoch
        // (asking again with the old one would get the same answer forever)
        s.positionEpoch = diverging.epoch
      }
      return null
    }
    let batches: RecordBatch[]
    try {
      const decoded = decodeRecordBatches(p.records, { verifyCrc: this.#o.checkCrcs })
      batches = decoded.batches
      if (batches.length === 0 && decoded.partial) this.#partialOnly++
    } catch (err) {
      this.#errors.push(
        new CorruptRecordError(topic, p.partitionIndex, entry.fetchOffset, err instanceof Error ? err.message : String(err), { cause: err }),
      )
      return null
    }
    if (batches.length === 0) return null
    this.#completeBatches++
    metadata.updateLeaderEpoch(topic, p.partitionIndex, batches[batches.length - 1]!.partitionLeaderEpoch)
    const cf = new CompletedFetch<K, V>(
      topic,
      p.partitionIndex,
      entry.fetchOffset,
      entry.version,
      batches,
      p.records?.length ?? 0,
      this.#o.isolationLevel === 'read_committed',
      p.abortedTransactions,
      this.#o.keyDeserializer,
      this.#o.valueDeserializer,
    )
    let compressed: Promise<void>[] | null = null
    for (const b of batches) {
      if (b.compression !== 'none' && b.lastOffset >= entry.fetchOffset) (compressed ??= []).push(b.inflate())
    }
    if (compressed === null) {
      this.#buffer.push(cf)
      return null
    }
    return Promise.all(compressed).then(
      () => {
        if (this.#current(entry)) this.#buffer.push(cf)
      },
      (err: unknown) => {
        if (this.#current(entry)) {
          this.#errors.push(new CorruptRecordError(topic, p.partitionIndex, entry.fetchOffset, `decompression failed: ${String(err)}`, { cause: err }))
        }
      },
    )
  }

  #current(entry: SentPartition): boolean {
    const s = entry.state
    return !this.#closed && this.#subs.state(s) === s && s.version === entry.version && s.fetchable && s.position === entry.fetchOffset
  }

  #onPartitionError(node: number, topic: string, p: FetchResponsePartitionData, entry: SentPartition, response: FetchResponse): void {
    const code = p.errorCode
    const s = entry.state
    const metadata = this.#cluster.metadata
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (this.#subs.defaultResetStrategy === 'none') {
        this.#errors.push(new OffsetOutOfRangeError([{ topic, partition: p.partitionIndex, offset: entry.fetchOffset }]))
      } else {
        safeLog(this.#logger, 'info', 'fetch position out of range; resetting', {
          topic,
          partition: p.partitionIndex,
          offset: String(entry.fetchOffset),
          strategy: this.#subs.defaultResetStrategy,
        })
        s.requestReset(this.#subs.defaultResetStrategy)
      }
      return
    }
    if (REFRESH_ERRORS.has(code)) {
      const leader = p.currentLeader
      if (leader !== undefined && leader.leaderId >= 0 && leader.leaderEpoch >= 0) {
        const endpoint = response.nodeEndpoints?.find((n) => n.nodeId === leader.leaderId)
        metadata.updateLeader(topic, p.partitionIndex, leader.leaderId, leader.leaderEpoch, endpoint)
      }
      metadata.requestRefresh()
      // no immediate re-fetch from a broker that just said it cannot serve us (no busy loop)
      this.#delayNode(node, this.#o.retryBackoffMs)
      safeLog(this.#logger, 'debug', 'fetch partition error; refreshing metadata', { topic, partition: p.partitionIndex, error: code })
      return
    }
    if (code === ErrorCode.TOPIC_AUTHORIZATION_FAILED || code === ErrorCode.UNSUPPORTED_COMPRESSION_TYPE || code === ErrorCode.CORRUPT_MESSAGE) {
      this.#errors.push(new ProtocolError(code, `fetching ${topic}-${p.partitionIndex}`))
      return
    }
    safeLog(this.#logger, 'warn', 'unexpected fetch error', { topic, partition: p.partitionIndex, error: code })
  }

  /**
   * Drains up to `max` records from the buffer, advancing positions. Throws a pending error
   * (out of range with reset 'none', corrupt data, authorization) when it has no records to return.
   */
  collect(max: number): ConsumerRecord<K, V>[] {
    const out: ConsumerRecord<K, V>[] = []
    while (out.length < max && this.#buffer.length > 0) {
      const cf = this.#buffer[0]!
      const s = this.#subs.state(cf)
      if (s === undefined || s.version !== cf.positionVersion || !s.fetchable || s.position !== cf.nextOffset) {
        this.#buffer.shift()
        continue
      }
      const before = out.length
      try {
        cf.drain(max - out.length, out)
      } catch (err) {
        if (out.length > 0) break
        throw err
      }
      if (cf.nextOffset !== s.position) {
        s.position = cf.nextOffset
        if (cf.lastEpoch !== null) s.positionEpoch = cf.lastEpoch
      }
      if (cf.error !== null) break
      if (cf.isConsumed) {
        this.#buffer.shift()
        if (out.length > before) this.#subs.moveToEnd(s)
      }
    }
    if (out.length === 0 && this.#errors.length > 0) throw this.#errors.shift()
    return out
  }

  /** Forgets buffered data of partitions no longer fetchable (paused, revoked). */
  dropUnfetchable(): void {
    for (let i = this.#buffer.length - 1; i >= 0; i--) {
      const cf = this.#buffer[i]!
      const s = this.#subs.state(cf)
      if (s === undefined || !s.fetchable || s.version !== cf.positionVersion) this.#buffer.splice(i, 1)
    }
  }

  /** Fetched bytes currently buffered (for tests and diagnostics). */
  get bufferedBytes(): number {
    let n = 0
    for (const cf of this.#buffer) n += cf.sizeInBytes
    return n
  }

  close(): void {
    this.#closed = true
    this.#buffer.length = 0
    this.#errors.length = 0
  }
}
