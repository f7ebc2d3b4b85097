// The Consumer facade (API.md "Consumer: write consumers with manual commit"; Java KafkaConsumer
// semantics): subscribe/assign, poll() → ConsumerRecords, commits, seeks, offset lookups,
// pause/resume, wakeup, close, and `for await (const records of consumer)`. It wires the
// subscription state, fetcher, position updater, commits (commit-manager.ts), topic discovery and
// the classic group member over one Cluster. Built by client.ts: new Consumer(cluster, clientOptions, options).
// Invariants: one poll() at a time; rebalance callbacks run only inside poll(), unsubscribe() and
// close(); commitAsync settles its promise and its callback from one outcome, once; after close()
// every call rejects with ClosedError and no timer or socket of ours is left.
import type { Cluster } from '../cluster/cluster.js'
import type { ResolvedClientOptions } from '../client-options.js'
import { ClosedError, ConfigError, KafkaClientError, UnsupportedVersionError } from '../errors.js'
import { type Logger, safeLog } from '../network/logger.js'
import { type Clock, realClock, type TimerHandle } from '../util/clock.js'
import { commonProtocol } from './assignors/index.js'
import { type CommitInput, toCommitMap } from './commit-input.js'
import { type CommitCallback, CommitManager } from './commit-manager.js'
import { ConsumerRecords } from './consumer-records.js'
import { IllegalStateError } from './errors.js'
import { Fetcher } from './fetcher.js'
import { ClassicGroupMember } from './group/classic-member.js'
import { clusterGroupPort, type GroupPort } from './group/group-port.js'
import { ConsumerInterceptorChain } from './interceptors.js'
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './list-offsets.js'
import { type ConsumerOptions, type ResolvedConsumerOptions, resolveConsumerOptions } from './options.js'
import { PollSignals } from './poll-signals.js'
import { PositionUpdater } from './position-updater.js'
import { SubscriptionState } from './subscription-state.js'
import { TopicDiscovery } from './topic-discovery.js'
import { TopicPartitionMap } from './topic-partition-map.js'
import {
  checkTp,
  type ConsumerGroupMetadata,
  type ConsumerRebalanceListener,
  type DefaultKey,
  type DefaultValue,
  type OffsetAndMetadata,
  type OffsetAndTimestamp,
  type TopicPartition,
} from './types.js'

export interface ConsumerDeps {
  readonly clock?: Clock
  /** close the cluster when the consumer closes; default true (the Kafka facade gives each consumer its own) */
  readonly ownsCluster?: boolean
  /** test hook: how to reach the group coordinator */
  readonly groupPort?: GroupPort
}

export interface TimeoutOptions {
  readonly timeoutMs?: number
}

/** poll() timeout used by `for await (const records of consumer)` between checks. */
const ITERATOR_POLL_MS = 1000

function noop(): void {}

export class Consumer<K = DefaultKey, V = DefaultValue> implements AsyncIterable<ConsumerRecords<K, V>> {
  readonly options: ResolvedConsumerOptions<K, V>
  readonly #cluster: Cluster
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #ownsCluster: boolean
  readonly #subs: SubscriptionState
  readonly #fetcher: Fetcher<K, V>
  readonly #positions: PositionUpdater
  readonly #port: GroupPort | null
  readonly #member: ClassicGroupMember | null
  readonly #interceptors: ConsumerInterceptorChain<K, V>
  readonly #commits: CommitManager
  readonly #topics: TopicDiscovery
  #state: 'open' | 'closing' | 'closed' = 'open'
  #closePromise: Promise<void> | null = null
  #polling = false
  readonly #signals: PollSignals

  constructor(cluster: Cluster, clientOptions: ResolvedClientOptions, options: ConsumerOptions<K, V> = {}, deps: ConsumerDeps = {}) {
    this.options = resolveConsumerOptions<K, V>(options, clientOptions)
    const o = this.options
    if (o.groupProtocol === 'consumer') {
      throw new UnsupportedVersionError(
        "groupProtocol 'consumer' (KIP-848) is not implemented yet in kafkats; use groupProtocol 'classic' (the default)",
      )
    }
    this.#cluster = cluster
    this.#clock = deps.clock ?? cluster.clock ?? realClock
    this.#logger = o.logger
    this.#ownsCluster = deps.ownsCluster ?? true
    this.#signals = new PollSignals(this.#clock)
    this.#subs = new SubscriptionState(o.autoOffsetReset)
    const onChange = () => this.#notify()
    this.#fetcher = new Fetcher<K, V>(cluster, this.#subs, o, this.#clock, onChange)
    this.#port = o.groupId === null ? null : (deps.groupPort ?? clusterGroupPort(cluster, o.groupId, o.defaultApiTimeoutMs))
    this.#positions = new PositionUpdater(cluster, this.#subs, this.#port, o as ResolvedConsumerOptions<unknown, unknown>, this.#clock, onChange)
    this.#interceptors = new ConsumerInterceptorChain(o.interceptors, this.#logger)
    this.#topics = new TopicDiscovery(cluster, this.#subs, o, this.#clock, this.#logger, (reason) => this.#member?.requestRejoin(reason))
    this.#member =
      o.groupId === null || this.#port === null
        ? null
        : new ClassicGroupMember(
            {
              groupId: o.groupId,
              groupInstanceId: o.groupInstanceId,
              sessionTimeoutMs: o.sessionTimeoutMs,
              rebalanceTimeoutMs: o.maxPollIntervalMs,
              heartbeatIntervalMs: o.heartbeatIntervalMs,
              maxPollIntervalMs: o.maxPollIntervalMs,
              requestTimeoutMs: o.requestTimeoutMs,
              retryBackoffMs: o.retryBackoffMs,
              retryBackoffMaxMs: o.retryBackoffMaxMs,
              clientRack: o.clientRack,
              assignors: o.partitionAssignmentStrategy,
              protocol: commonProtocol(o.partitionAssignmentStrategy),
            },
            this.#port,
            this.#subs,
            {
              clusterView: { partitionCount: (topic) => cluster.metadata.partitionCount(topic) },
              refreshTopics: (topics) => this.#topics.refreshTopics(topics),
              commitBeforeRevoke: () => this.#commits.autoCommitSync('before a rebalance'),
              wake: onChange,
            },
            this.#clock,
            this.#logger,
          )
    this.#commits = new CommitManager(o, {
      cluster,
      port: this.#port,
      member: this.#member,
      subs: this.#subs,
      interceptors: this.#interceptors,
      clock: this.#clock,
      logger: this.#logger,
      checkOpen: () => this.#checkOpen(),
    })
    cluster.metadata.onUpdate(() => {
      if (this.#state !== 'open') return
      this.#member?.checkMetadata()
      this.#notify()
    })
  }

  // ---- subscription -------------------------------------------------------------------------

  /**
   * Subscribes to topics (a list, or a RegExp matched against every topic name) with optional
   * rebalance callbacks. The group assigns partitions on the next poll(). An empty list unsubscribes.
   */
  subscribe(topics: readonly string[] | RegExp, listener?: ConsumerRebalanceListener): void {
    this.#checkOpen()
    if (this.options.groupId === null) throw new ConfigError('subscribe() needs a groupId (or use assign())')
    if (listener !== undefined && (typeof listener !== 'object' || listener === null)) {
      throw new ConfigError('the rebalance listener must be an object with onPartitionsRevoked/Assigned/Lost')
    }
    if (topics instanceof RegExp) {
      this.#subs.subscribePattern(topics, listener ?? null)
      this.#topics.refreshPatternSoon()
      this.#member?.requestRejoin('subscribed to a pattern')
      return
    }
    if (!Array.isArray(topics)) throw new ConfigError('subscribe() takes an array of topic names or a RegExp')
    for (const t of topics) {
      if (typeof t !== 'string' || t.trim().length === 0) throw new ConfigError(`topic names must be non-empty strings (got ${JSON.stringify(t)})`)
    }
    if (topics.length === 0) {
      void this.unsubscribe().catch(noop)
      return
    }
    if (this.#subs.subscribe(topics, listener ?? null)) {
      this.#cluster.metadata.addTopics(topics)
      this.#member?.requestRejoin('subscription changed')
    }
  }

  /** Manual assignment: no group membership, no rebalances. An empty list unsubscribes. */
  assign(partitions: readonly TopicPartition[]): void {
    this.#checkOpen()
    if (!Array.isArray(partitions)) throw new ConfigError('assign() takes an array of { topic, partition }')
    for (const tp of partitions) checkTp(tp)
    if (partitions.length === 0) {
      void this.unsubscribe().catch(noop)
      return
    }
    this.#subs.assignFromUser(partitions)
    this.#cluster.metadata.addTopics(partitions.map((tp) => tp.topic))
    this.#fetcher.dropUnfetchable()
    this.#notify()
  }

  /** The partitions currently assigned to this consumer. */
  assignment(): TopicPartition[] {
    return this.#subs.assignedPartitions()
  }

  /** The subscribed topics (for a pattern: the topics it currently matches). */
  subscription(): string[] {
    return this.#subs.usesGroupAssignment ? [...this.#subs.topics].sort() : []
  }

  /** Drops the subscription or assignment; a group member revokes its partitions and leaves the group. */
  async unsubscribe(): Promise<void> {
    this.#checkOpen()
    if (this.#member !== null && this.#subs.usesGroupAssignment) {
      await this.#member.leaveGroup('the consumer unsubscribed from all topics')
    }
    this.#subs.unsubscribe()
    this.#fetcher.dropUnfetchable()
    this.#notify()
  }

  // ---- poll ---------------------------------------------------------------------------------

  /**
   * Waits up to `timeoutMs` for records (joining the group, running rebalance callbacks and
   * finding positions on the way) and returns at most maxPollRecords of them.
   */
  async poll(timeoutMs = 0): Promise<ConsumerRecords<K, V>> {
    this.#checkOpen()
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new ConfigError(`poll timeoutMs must be a number >= 0 (got ${String(timeoutMs)})`)
    if (this.#polling) throw new IllegalStateError('poll() is already running: a consumer is not safe for concurrent polls')
    if (this.#subs.type === 'none') throw new IllegalStateError('the consumer is not subscribed to any topics or assigned any partitions')
    this.#polling = true
    try {
      this.#member?.pollTick()
      const deadlineMs = this.#clock.now() + Math.min(timeoutMs, 0x7fffffff)
      for (;;) {
        this.#signals.throwIfWokenUp()
        if (this.#state !== 'open') throw new ClosedError('consumer closed')
        this.#commits.maybeAutoCommit()
        if (this.#subs.type === 'pattern') await this.#topics.maybeRefreshPattern()
        if (this.#member !== null && this.#subs.usesGroupAssignment) {
          const stable = await this.#signals.withInterrupt((interrupt) => this.#member!.ensureActiveGroup(deadlineMs, interrupt))
          if (!stable) {
            if (this.#clock.now() >= deadlineMs) return ConsumerRecords.empty()
            continue
          }
        }
        const positions = this.#positions.update()
        if (!this.#positions.complete) await this.#signals.waitFor(positions, deadlineMs)
        const records = this.#fetcher.collect(this.options.maxPollRecords)
        this.#fetcher.sendFetches()
        if (records.length > 0) return this.#interceptors.onConsume(new ConsumerRecords(records))
        if (this.#clock.now() >= deadlineMs) return ConsumerRecords.empty()
        // nothing yet: sleep until a fetch answers, the group needs us, or the deadline
        const idle = this.#fetcher.inFlightCount === 0 && !this.#positions.busy
        const untilMs = idle ? Math.min(deadlineMs, this.#clock.now() + this.options.retryBackoffMs) : deadlineMs
        if (!this.#fetcher.hasReadyData) await this.#signals.waitFor(null, untilMs)
      }
    } finally {
      this.#polling = false
    }
  }

  /** `for await (const records of consumer)`: polls until the consumer closes; skips empty polls. */
  async *[Symbol.asyncIterator](): AsyncIterator<ConsumerRecords<K, V>> {
    while (this.#state === 'open') {
      let records: ConsumerRecords<K, V>
      try {
        records = await this.poll(ITERATOR_POLL_MS)
      } catch (err) {
        if (err instanceof ClosedError && this.#state !== 'open') return
        throw err
      }
      if (!records.isEmpty) yield records
    }
  }

  /** Makes the current (or next) blocking call reject with WakeupError (Java wakeup()). */
  wakeup(): void {
    this.#signals.wakeup()
  }

  // ---- commits ------------------------------------------------------------------------------

  /**
   * Commits and waits, retrying coordinator moves until defaultApiTimeoutMs (or timeoutMs). With
   * no argument: the position of every assigned partition. Records commit record.offset + 1n.
   */
  async commitSync(offsets?: CommitInput, options: TimeoutOptions = {}): Promise<TopicPartitionMap<OffsetAndMetadata>> {
    this.#checkOpen()
    const map = offsets === undefined ? this.#subs.allConsumed() : toCommitMap(offsets)
    await this.#signals.interruptibly(this.#commits.commit(map, true, options.timeoutMs ?? this.options.defaultApiTimeoutMs))
    return map
  }

  /**
   * Commits without retrying. Forms: commitAsync(), commitAsync(callback), commitAsync(offsets,
   * callback?). The callback and the returned promise settle from the same outcome, once; when a
   * callback is given, a failure never becomes an unhandled rejection.
   */
  commitAsync(
    offsetsOrCallback?: CommitInput | CommitCallback,
    maybeCallback?: CommitCallback,
  ): Promise<TopicPartitionMap<OffsetAndMetadata>> {
    return this.#commits.commitAsync(offsetsOrCallback, maybeCallback)
  }

  /** The last committed offset per partition (null: none), from the coordinator. */
  async committed(partitions: readonly TopicPartition[], options: TimeoutOptions = {}): Promise<TopicPartitionMap<OffsetAndMetadata | null>> {
    this.#checkOpen()
    return this.#signals.interruptibly(this.#commits.committed(partitions, options.timeoutMs ?? this.options.defaultApiTimeoutMs))
  }

  // ---- positions ----------------------------------------------------------------------------

  /** Sets the next offset poll() reads from for an assigned partition. */
  seek(tp: TopicPartition, offset: bigint | OffsetAndMetadata): void {
    this.#checkOpen()
    const target = typeof offset === 'bigint' ? offset : offset?.offset
    if (typeof target !== 'bigint' || target < 0n) throw new ConfigError(`seek offset must be a non-negative bigint (got ${String(target)})`)
    const epoch = typeof offset === 'bigint' ? null : (offset.leaderEpoch ?? null)
    this.#subs.assigned(tp).seek(target, epoch)
    this.#fetcher.dropUnfetchable()
    this.#notify()
  }

  seekToBeginning(partitions?: readonly TopicPartition[]): void {
    this.#seekTo('earliest', partitions)
  }

  seekToEnd(partitions?: readonly TopicPartition[]): void {
    this.#seekTo('latest', partitions)
  }

  #seekTo(strategy: 'earliest' | 'latest', partitions: readonly TopicPartition[] | undefined): void {
    this.#checkOpen()
    const states = partitions === undefined ? [...this.#subs.states()] : partitions.map((tp) => this.#subs.assigned(tp))
    for (const s of states) s.requestReset(strategy)
    this.#fetcher.dropUnfetchable()
    this.#notify()
  }

  /** The offset of the next record poll() returns for this partition (looked up when unknown). */
  async position(tp: TopicPartition, options: TimeoutOptions = {}): Promise<bigint> {
    this.#checkOpen()
    const s = this.#subs.assigned(tp)
    const deadlineMs = this.#clock.now() + (options.timeoutMs ?? this.options.defaultApiTimeoutMs)
    while (!s.hasPosition) {
      this.#checkOpen()
      if (this.#subs.state(tp) !== s) throw new IllegalStateError(`partition ${tp.topic}-${tp.partition} is no longer assigned`)
      if (this.#clock.now() >= deadlineMs) {
        throw new KafkaClientError('TIMEOUT', `no position for ${tp.topic}-${tp.partition} within the timeout`, { retriable: true })
      }
      const running = this.#positions.update()
      await this.#signals.interruptibly(this.#signals.waitFor(running, Math.min(deadlineMs, this.#clock.now() + this.options.retryBackoffMs)))
    }
    return s.position
  }

  /** For each partition, the earliest offset whose timestamp is >= the given one (null: none). */
  async offsetsForTimes(
    query: Iterable<readonly [TopicPartition, number]> | readonly (TopicPartition & { readonly timestamp: number })[],
    options: TimeoutOptions = {},
  ): Promise<TopicPartitionMap<OffsetAndTimestamp | null>> {
    this.#checkOpen()
    const wanted = new TopicPartitionMap<bigint>()
    for (const item of query as Iterable<unknown>) {
      const [tp, ts] = Array.isArray(item) ? (item as [TopicPartition, number]) : [item as TopicPartition, (item as { timestamp: number }).timestamp]
      checkTp(tp)
      if (typeof ts !== 'number' || !Number.isInteger(ts) || ts < 0) {
        throw new ConfigError(`offsetsForTimes: timestamp for ${tp.topic}-${tp.partition} must be an integer >= 0 (got ${String(ts)})`)
      }
      wanted.set(tp, BigInt(ts))
    }
    return this.#lookup(wanted, options)
  }

  async beginningOffsets(partitions: readonly TopicPartition[], options: TimeoutOptions = {}): Promise<TopicPartitionMap<bigint>> {
    return this.#edgeOffsets(partitions, EARLIEST_TIMESTAMP, options)
  }

  /** Under read_committed: the last stable offset; otherwise the high watermark. */
  async endOffsets(partitions: readonly TopicPartition[], options: TimeoutOptions = {}): Promise<TopicPartitionMap<bigint>> {
    return this.#edgeOffsets(partitions, LATEST_TIMESTAMP, options)
  }

  async #edgeOffsets(partitions: readonly TopicPartition[], timestamp: bigint, options: TimeoutOptions): Promise<TopicPartitionMap<bigint>> {
    this.#checkOpen()
    const wanted = new TopicPartitionMap<bigint>()
    for (const tp of partitions) {
      checkTp(tp)
      wanted.set(tp, timestamp)
    }
    const found = await this.#lookup(wanted, options)
    const out = new TopicPartitionMap<bigint>()
    for (const [tp, r] of found) out.set(tp, r === null ? -1n : r.offset)
    return out
  }

  #lookup(wanted: TopicPartitionMap<bigint>, options: TimeoutOptions): Promise<TopicPartitionMap<OffsetAndTimestamp | null>> {
    return this.#signals.interruptibly(
      listOffsets(this.#cluster, wanted, {
        readCommitted: this.options.isolationLevel === 'read_committed',
        timeoutMs: options.timeoutMs ?? this.options.defaultApiTimeoutMs,
      }),
    )
  }

  // ---- pause / resume -----------------------------------------------------------------------

  pause(partitions: readonly TopicPartition[]): void {
    this.#checkOpen()
    for (const tp of partitions) this.#subs.assigned(tp).paused = true
    this.#fetcher.dropUnfetchable()
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.#checkOpen()
    for (const tp of partitions) this.#subs.assigned(tp).paused = false
    this.#notify()
  }

  paused(): TopicPartition[] {
    return this.#subs.pausedPartitions()
  }

  /** For producer.sendOffsetsToTransaction (Java groupMetadata()). */
  groupMetadata(): ConsumerGroupMetadata {
    if (this.options.groupId === null) throw new ConfigError('groupMetadata() needs a groupId')
    return (
      this.#member?.groupMetadata() ?? { groupId: this.options.groupId, generationId: -1, memberId: '', groupInstanceId: this.options.groupInstanceId }
    )
  }

  // ---- close --------------------------------------------------------------------------------

  /** Commits (with auto-commit on), revokes, leaves the group and releases everything. Idempotent. */
  close(options: TimeoutOptions = {}): Promise<void> {
    this.#closePromise ??= this.#close(options.timeoutMs ?? 30_000)
    return this.#closePromise
  }

  async #close(timeoutMs: number): Promise<void> {
    this.#state = 'closing'
    const closed = new ClosedError('consumer closed')
    this.#signals.interruptAll(closed)
    this.#notify()
    const orderly = (async () => {
      if (this.#member === null) return
      if (this.#subs.type === 'assigned') {
        await this.#commits.autoCommitSync('on close')
        return
      }
      if (this.#member.stableGeneration() !== null) await this.#commits.autoCommitSync('on close')
      if (this.#subs.usesGroupAssignment) await this.#member.leaveGroup('the consumer is being closed')
    })()
    let timer: TimerHandle | undefined
    try {
      await Promise.race([
        orderly,
        new Promise<void>((resolve) => {
          timer = this.#clock.setTimeout(resolve, timeoutMs)
        }),
      ])
    } catch (err) {
      safeLog(this.#logger, 'warn', 'error while closing the consumer', { error: String(err) })
    } finally {
      this.#clock.clearTimeout(timer)
      this.#state = 'closed'
      this.#member?.close()
      this.#fetcher.close()
      this.#interceptors.close()
      orderly.catch(noop)
      if (this.#ownsCluster) await this.#cluster.close().catch(noop)
    }
  }

  // ---- internals ----------------------------------------------------------------------------

  #checkOpen(): void {
    if (this.#state !== 'open') throw new ClosedError('consumer closed')
  }

  #notify(): void {
    this.#signals.notify()
  }

}
