// The client's view of the cluster: brokers, controller, and per-topic partition leaders with
// leader epochs and topic ids, kept fresh from Metadata responses. Called by cluster.ts, the
// coordinator lookup and the producer/consumer/admin layers. Invariants: one refresh at a time
// (single-flight; callers share it); an answer whose leader epoch is lower than one already seen
// for a partition never replaces newer knowledge; refreshes ask known brokers first and fall back
// to the bootstrap addresses; the cache goes stale after metadataMaxAgeMs or an invalidating error.
import { ClosedError, ConnectionError, KafkaClientError, ProtocolError } from '../errors.js'
import type { BrokerAddress } from '../network/address.js'
import type { Connection, SendOptions } from '../network/connection.js'
import { type Logger, NOOP_LOGGER, safeLog } from '../network/logger.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { ERROR_TABLE } from '../protocol/generated/error-table.js'
import { type MetadataRequest, type MetadataResponse, MetadataApi } from '../protocol/generated/metadata.js'
import { type Clock, realClock } from '../util/clock.js'
import { BrokerRotation } from './broker-rotation.js'
import type { ConnectionPool, ConnectionPurpose } from './connection-pool.js'
import { retry } from './retry.js'

export interface BrokerNode {
  readonly nodeId: number
  readonly host: string
  readonly port: number
  readonly rack: string | null
}

export interface PartitionInfo {
  readonly topic: string
  readonly partition: number
  readonly errorCode: number
  /** -1 when the partition has no leader */
  readonly leaderId: number
  /** -1 when the broker does not report epochs (Metadata < v7) */
  readonly leaderEpoch: number
  readonly replicaNodes: readonly number[]
  readonly isrNodes: readonly number[]
  readonly offlineReplicas: readonly number[]
}

export interface TopicInfo {
  readonly name: string
  /** Kafka's uuid text form; ZERO_UUID when unknown */
  readonly topicId: string
  readonly isInternal: boolean
  /** indexed by partition number */
  readonly partitions: readonly PartitionInfo[]
}

export interface MetadataCacheOptions {
  readonly pool: ConnectionPool
  readonly bootstrapServers: readonly BrokerAddress[]
  readonly metadataMaxAgeMs: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  /** Let the broker auto-create requested topics (broker setting permitting). Default true. */
  readonly allowAutoTopicCreation?: boolean
  readonly logger?: Logger
  readonly clock?: Clock
  readonly random?: () => number
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'
const DEFAULT_ENSURE_TIMEOUT_MS = 60_000

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

function noop(): void {}

export class MetadataCache {
  readonly #rotation: BrokerRotation
  readonly #options: MetadataCacheOptions
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #random: () => number

  #brokers = new Map<number, BrokerNode>()
  #clusterId: string | null = null
  #controllerId = -1
  readonly #topics = new Map<string, TopicInfo>()
  readonly #topicErrors = new Map<string, number>()
  readonly #namesById = new Map<string, string>()
  /** highest leader epoch seen per partition, from metadata or from produce/fetch responses */
  readonly #lastSeenEpoch = new Map<string, number>()
  readonly #wanted = new Set<string>()
  readonly #listeners: Array<() => void> = []

  #lastRefreshMs = Number.NEGATIVE_INFINITY
  #lastAttemptMs = Number.NEGATIVE_INFINITY
  /** bumped by requestRefresh(); a refresh clears the request only if it started after it */
  #refreshRequests = 1
  #refreshRequestsAnswered = 0
  #inflight: Promise<void> | null = null
  #inflightTopics: ReadonlySet<string> = new Set()
  #followUp: Promise<void> | null = null
  #closed = false

  constructor(options: MetadataCacheOptions) {
    this.#options = options
    this.#clock = options.clock ?? realClock
    this.#logger = options.logger ?? NOOP_LOGGER
    this.#random = options.random ?? Math.random
    this.#rotation = new BrokerRotation(options.pool, options.bootstrapServers, this.#random, this.#logger, () => this.#closed)
  }

  // ---- reads -----------------------------------------------------------------------------

  get clusterId(): string | null {
    return this.#clusterId
  }

  /** -1 when unknown */
  get controllerId(): number {
    return this.#controllerId
  }

  get brokers(): ReadonlyMap<number, BrokerNode> {
    return this.#brokers
  }

  broker(nodeId: number): BrokerNode | undefined {
    return this.#brokers.get(nodeId)
  }

  topic(name: string): TopicInfo | undefined {
    return this.#topics.get(name)
  }

  /** Every topic currently cached. */
  cachedTopics(): IterableIterator<TopicInfo> {
    return this.#topics.values()
  }

  partitionCount(topic: string): number | undefined {
    return this.#topics.get(topic)?.partitions.length
  }

  partition(topic: string, partition: number): PartitionInfo | undefined {
    return this.#topics.get(topic)?.partitions[partition]
  }

  /** The partition leader's broker, or undefined when unknown or leaderless. */
  leaderFor(topic: string, partition: number): BrokerNode | undefined {
    const info = this.partition(topic, partition)
    return info === undefined || info.leaderId < 0 ? undefined : this.#brokers.get(info.leaderId)
  }

  topicName(topicId: string): string | undefined {
    return this.#namesById.get(topicId)
  }

  topicId(name: string): string | undefined {
    const id = this.#topics.get(name)?.topicId
    return id === undefined || id === ZERO_UUID ? undefined : id
  }

  /** The error code of the last answer for a topic that came back with a topic-level error. */
  topicError(name: string): number | undefined {
    return this.#topicErrors.get(name)
  }

  /** Highest leader epoch seen for a partition (-1 if none). */
  lastSeenLeaderEpoch(topic: string, partition: number): number {
    return this.#lastSeenEpoch.get(partitionKey(topic, partition)) ?? -1
  }

  get lastRefreshMs(): number {
    return this.#lastRefreshMs
  }

  /** True when an update was requested or the data is older than metadataMaxAgeMs. */
  get needsRefresh(): boolean {
    return (
      this.#refreshRequests > this.#refreshRequestsAnswered ||
      this.#clock.now() - this.#lastRefreshMs >= this.#options.metadataMaxAgeMs
    )
  }

  /** Runs after every applied Metadata response. */
  onUpdate(listener: () => void): void {
    this.#listeners.push(listener)
  }

  // ---- interest and invalidation ---------------------------------------------------------

  /** Topics every refresh asks for. Returns true (and requests a refresh) if any was new. */
  addTopics(names: Iterable<string>): boolean {
    let added = false
    for (const name of names) {
      if (this.#wanted.has(name)) continue
      this.#wanted.add(name)
      added = true
    }
    if (added) this.requestRefresh()
    return added
  }

  removeTopics(names: Iterable<string>): void {
    for (const name of names) {
      this.#wanted.delete(name)
      const info = this.#topics.get(name)
      if (info !== undefined) this.#namesById.delete(info.topicId)
      this.#topics.delete(name)
      this.#topicErrors.delete(name)
    }
  }

  get trackedTopics(): ReadonlySet<string> {
    return this.#wanted
  }

  /** Marks the cache stale: the next maybeRefresh() refreshes. */
  requestRefresh(): void {
    this.#refreshRequests++
  }

  /**
   * Feeds an error seen by a caller (ProtocolError, error code or connection error). Requests a
   * refresh when it means our leaders may be wrong (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION,
   * FENCED_LEADER_EPOCH, ..., or a lost connection). Returns true when it did.
   */
  handleError(error: unknown): boolean {
    let invalidates = false
    if (typeof error === 'number') invalidates = ERROR_TABLE.get(error)?.invalidatesMetadata ?? false
    else if (error instanceof ProtocolError) invalidates = error.invalidatesMetadata
    else if (error instanceof ConnectionError) invalidates = true
    if (invalidates) this.requestRefresh()
    return invalidates
  }

  /**
   * Records a leader epoch seen elsewhere (Produce/Fetch responses, KIP-320). A newer epoch than
   * the cached one means the leader moved: returns true and requests a refresh.
   */
  updateLeaderEpoch(topic: string, partition: number, leaderEpoch: number): boolean {
    if (leaderEpoch < 0) return false
    const key = partitionKey(topic, partition)
    const seen = this.#lastSeenEpoch.get(key)
    if (seen !== undefined && leaderEpoch <= seen) return false
    this.#lastSeenEpoch.set(key, leaderEpoch)
    const cached = this.partition(topic, partition)
    if (cached === undefined || cached.leaderEpoch < leaderEpoch) {
      this.requestRefresh()
      return true
    }
    return false
  }

  /**
   * KIP-951: a Produce/Fetch response named the partition's new leader. When its epoch is newer
   * than what we hold, adopt it at once (and the leader's endpoint, if given) instead of waiting
   * for a Metadata round trip. Returns true when the cache changed.
   */
  updateLeader(
    topic: string,
    partition: number,
    leaderId: number,
    leaderEpoch: number,
    endpoint?: { readonly host: string; readonly port: number; readonly rack?: string | null },
  ): boolean {
    const info = this.#topics.get(topic)
    const cached = info?.partitions[partition]
    if (info === undefined || cached === undefined || leaderId < 0 || leaderEpoch < 0) return false
    if (cached.leaderEpoch >= leaderEpoch) return false
    const key = partitionKey(topic, partition)
    if ((this.#lastSeenEpoch.get(key) ?? -1) < leaderEpoch) this.#lastSeenEpoch.set(key, leaderEpoch)
    if (endpoint !== undefined && !this.#brokers.has(leaderId)) {
      this.#brokers.set(leaderId, { nodeId: leaderId, host: endpoint.host, port: endpoint.port, rack: endpoint.rack ?? null })
    }
    if (!this.#brokers.has(leaderId)) {
      // We cannot reach a leader we know nothing about: let a refresh tell us where it lives.
      this.requestRefresh()
      return false
    }
    const partitions = info.partitions.slice()
    partitions[partition] = { ...cached, leaderId, leaderEpoch }
    this.#topics.set(topic, { ...info, partitions })
    return true
  }

  // ---- refreshing ------------------------------------------------------------------------

  /**
   * Asks one broker for the tracked topics (known brokers first, then bootstrap addresses).
   * Concurrent calls share one request; a call that needs topics the running request lacks
   * waits for a follow-up. Rejects with the last broker's error when none answered.
   */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError('metadata cache closed'))
    if (this.#inflight !== null) {
      let covered = true
      for (const name of this.#wanted) if (!this.#inflightTopics.has(name)) covered = false
      if (covered) return this.#inflight
      if (this.#followUp === null) {
        this.#followUp = this.#inflight.catch(noop).then(() => {
          this.#followUp = null
          return this.refresh()
        })
      }
      return this.#followUp
    }
    const topics = new Set(this.#wanted)
    const requestsSeen = this.#refreshRequests
    this.#inflightTopics = topics
    this.#lastAttemptMs = this.#clock.now()
    this.#inflight = this.#requestMetadata([...topics])
      .then((response) => this.#apply(response, requestsSeen))
      .finally(() => {
        this.#inflight = null
      })
    return this.#inflight
  }

  /**
   * Refreshes when needsRefresh, at most once per retryBackoffMs (so a storm of NOT_LEADER
   * errors does not become a storm of Metadata requests). Never rejects: failures leave the
   * cache stale and the next call tries again.
   */
  maybeRefresh(): Promise<void> {
    if (this.#closed || !this.needsRefresh) return Promise.resolve()
    if (this.#inflight !== null) return this.#inflight.catch(noop)
    if (this.#clock.now() - this.#lastAttemptMs < this.#options.retryBackoffMs) return Promise.resolve()
    return this.refresh().catch((err) => {
      safeLog(this.#logger, 'warn', 'metadata refresh failed', { error: String(err) })
    })
  }

  /**
   * Resolves when every named topic has metadata, refreshing (with backoff) while topics are
   * unknown or leaderless at topic level. Non-retriable topic errors (authorization, invalid
   * name) reject at once; running out of time rejects with RetriesExhaustedError.
   */
  async ensureTopics(
    names: readonly string[],
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Map<string, TopicInfo>> {
    this.addTopics(names)
    return retry(
      async (attempt) => {
        const missing = names.some((n) => !this.#topics.has(n))
        if (missing || (attempt === 0 && this.needsRefresh) || attempt > 0) await this.refresh()
        const out = new Map<string, TopicInfo>()
        for (const name of names) {
          const info = this.#topics.get(name)
          if (info !== undefined) {
            out.set(name, info)
            continue
          }
          const code = this.#topicErrors.get(name) ?? 3
          throw new ProtocolError(code, `topic "${name}"`)
        }
        return out
      },
      {
        retryBackoffMs: this.#options.retryBackoffMs,
        retryBackoffMaxMs: this.#options.retryBackoffMaxMs,
        timeoutMs: options.timeoutMs ?? DEFAULT_ENSURE_TIMEOUT_MS,
        clock: this.#clock,
        random: this.#random,
        operation: `metadata for ${names.map((n) => `"${n}"`).join(', ')}`,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    )
  }

  /** Every topic in the cluster (Metadata with topics = null); updates the cache as well. */
  async fetchAllTopics(): Promise<TopicInfo[]> {
    const requestsSeen = this.#refreshRequests
    const response = await this.withAnyBroker('metadata', (conn) =>
      conn.send(MetadataApi, this.#metadataRequest(conn, null)),
    )
    this.#apply(response, requestsSeen)
    const out: TopicInfo[] = []
    for (const t of response.topics) {
      const name = t.name ?? this.#namesById.get(t.topicId ?? ZERO_UUID)
      const info = name === undefined ? undefined : this.#topics.get(name)
      if (info !== undefined) out.push(info)
    }
    return out
  }

  /** Sends a request to any reachable broker (see withAnyBroker). */
  sendToAnyBroker<Req, Res>(purpose: ConnectionPurpose, api: ApiDescriptor<Req, Res>, body: Req, options?: SendOptions): Promise<Res> {
    return this.withAnyBroker(purpose, (conn) => conn.send(api, body, options))
  }

  /**
   * Runs `fn` on a connection to some broker (broker-rotation.ts: the last one that answered, then
   * the other known brokers in random order, then the bootstrap addresses). Moves on after
   * retriable failures (connection errors, timeouts); rethrows the last one when every broker failed.
   */
  async withAnyBroker<T>(purpose: ConnectionPurpose, fn: (conn: Connection) => Promise<T>): Promise<T> {
    if (this.#closed) throw new ClosedError('metadata cache closed')
    return this.#rotation.run(this.#brokers.values(), purpose, fn)
  }

  close(): void {
    this.#closed = true
    this.#listeners.length = 0
  }

  // ---- internals -------------------------------------------------------------------------

  #metadataRequest(conn: Connection, topics: string[] | null): MetadataRequest {
    // Metadata v0 has no null: an empty list means "all topics" there.
    const version = conn.versionFor(MetadataApi)
    return {
      topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name })),
      allowAutoTopicCreation: this.#options.allowAutoTopicCreation ?? true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }
  }

  #requestMetadata(topics: string[]): Promise<MetadataResponse> {
    return this.withAnyBroker('metadata', (conn) => conn.send(MetadataApi, this.#metadataRequest(conn, topics)))
  }

  #apply(response: MetadataResponse, requestsSeen: number): void {
    if (this.#closed) return
    let stale = false
    if (response.brokers.length > 0) {
      const brokers = new Map<number, BrokerNode>()
      for (const b of response.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })
      this.#brokers = brokers
    }
    this.#clusterId = response.clusterId ?? null
    this.#controllerId = response.controllerId ?? -1
    for (const t of response.topics) {
      const topicId = t.topicId ?? ZERO_UUID
      const name = t.name ?? this.#namesById.get(topicId)
      if (name === undefined) continue
      if (t.errorCode !== 0) {
        this.#topicErrors.set(name, t.errorCode)
        const old = this.#topics.get(name)
        if (old !== undefined) this.#namesById.delete(old.topicId)
        this.#topics.delete(name)
        continue
      }
      this.#topicErrors.delete(name)
      let old = this.#topics.get(name)
      if (old !== undefined && old.topicId !== ZERO_UUID && topicId !== ZERO_UUID && old.topicId !== topicId) {
        // deleted and re-created: epochs start over
        for (let p = 0; p < old.partitions.length; p++) this.#lastSeenEpoch.delete(partitionKey(name, p))
        this.#namesById.delete(old.topicId)
        old = undefined
      }
      const partitions: PartitionInfo[] = []
      for (const p of t.partitions) {
        const fresh: PartitionInfo = {
          topic: name,
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch ?? -1,
          replicaNodes: p.replicaNodes,
          isrNodes: p.isrNodes,
          offlineReplicas: p.offlineReplicas ?? [],
        }
        const key = partitionKey(name, p.partitionIndex)
        const seen = this.#lastSeenEpoch.get(key)
        if (fresh.leaderEpoch >= 0 && seen !== undefined && fresh.leaderEpoch < seen) {
          // A broker that has not caught up: keep what we know and ask again.
          stale = true
          partitions[p.partitionIndex] = old?.partitions[p.partitionIndex] ?? fresh
          continue
        }
        if (fresh.leaderEpoch >= 0) this.#lastSeenEpoch.set(key, fresh.leaderEpoch)
        partitions[p.partitionIndex] = fresh
      }
      // A gap means a malformed answer; fill it so partitions stays dense.
      for (let i = 0; i < partitions.length; i++) {
        partitions[i] ??= {
          topic: name,
          partition: i,
          errorCode: 5,
          leaderId: -1,
          leaderEpoch: -1,
          replicaNodes: [],
          isrNodes: [],
          offlineReplicas: [],
        }
      }
      this.#topics.set(name, { name, topicId, isInternal: t.isInternal ?? false, partitions })
      if (topicId !== ZERO_UUID) this.#namesById.set(topicId, name)
    }
    this.#lastRefreshMs = this.#clock.now()
    this.#refreshRequestsAnswered = Math.max(this.#refreshRequestsAnswered, requestsSeen)
    if (stale) this.requestRefresh()
    for (const listener of this.#listeners) {
      try {
        listener()
      } catch (err) {
        safeLog(this.#logger, 'error', 'metadata listener threw', { error: err instanceof KafkaClientError ? err.message : String(err) })
      }
    }
  }
}
