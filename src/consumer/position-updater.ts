// Gives every assigned partition a fetch position (Java updateFetchPositions): partitions in
// 'initializing' get their committed offset (OffsetFetch, RequireStable under read_committed) or,
// without one, a reset per autoOffsetReset; partitions in 'await-reset' get ListOffsets earliest /
// latest. Called by consumer.ts from poll(), position() and seekToBeginning/End. Invariants: no
// partition is fetched before its committed offset is known (RELIABILITY C.3 41); a result is
// applied only if the partition is still in the state (and version) it was requested for, so a
// seek made meanwhile wins; autoOffsetReset 'none' surfaces NoOffsetForPartitionError.
import type { Cluster } from '../cluster/cluster.js'
import { type Logger, safeLog } from '../network/logger.js'
import type { Clock } from '../util/clock.js'
import { NoOffsetForPartitionError } from './errors.js'
import type { GroupPort } from './group/group-port.js'
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './list-offsets.js'
import { fetchCommitted } from './offsets.js'
import type { ResolvedConsumerOptions } from './options.js'
import type { PartitionState, SubscriptionState } from './subscription-state.js'
import { TopicPartitionMap } from './topic-partition-map.js'

export class PositionUpdater {
  readonly #cluster: Cluster
  readonly #subs: SubscriptionState
  readonly #port: GroupPort | null
  readonly #groupId: string | null
  readonly #readCommitted: boolean
  readonly #timeoutMs: number
  readonly #retryBackoffMs: number
  readonly #logger: Logger
  readonly #clock: Clock
  readonly #onChange: () => void
  #committedTask: Promise<void> | null = null
  #resetTask: Promise<void> | null = null
  #committedBackoffUntil = 0
  #resetBackoffUntil = 0

  constructor(
    cluster: Cluster,
    subs: SubscriptionState,
    port: GroupPort | null,
    options: ResolvedConsumerOptions<unknown, unknown>,
    clock: Clock,
    onChange: () => void,
  ) {
    this.#cluster = cluster
    this.#subs = subs
    this.#port = port
    this.#groupId = options.groupId
    this.#readCommitted = options.isolationLevel === 'read_committed'
    this.#timeoutMs = options.defaultApiTimeoutMs
    this.#retryBackoffMs = options.retryBackoffMs
    this.#logger = options.logger
    this.#clock = clock
    this.#onChange = onChange
  }

  /** true when every assigned partition has a position */
  get complete(): boolean {
    for (const s of this.#subs.states()) if (!s.hasPosition) return false
    return true
  }

  /**
   * Starts the lookups that are needed and returns a promise that settles when the ones running
   * now are done (never rejects: failures are logged and retried on a later call). Throws
   * NoOffsetForPartitionError synchronously for partitions that must reset with strategy 'none'.
   */
  update(): Promise<void> {
    const now = this.#clock.now()
    const initializing: PartitionState[] = []
    const resetting: PartitionState[] = []
    for (const s of this.#subs.states()) {
      if (s.state === 'initializing') initializing.push(s)
      else if (s.state === 'await-reset') resetting.push(s)
    }
    if (initializing.length > 0) {
      if (this.#port === null || this.#groupId === null) {
        for (const s of initializing) s.requestReset(this.#subs.defaultResetStrategy)
        resetting.push(...initializing)
      } else if (this.#committedTask === null && now >= this.#committedBackoffUntil) {
        this.#committedTask = this.#fetchCommitted(initializing).finally(() => {
          this.#committedTask = null
          this.#onChange()
        })
      }
    }
    const none = resetting.filter((s) => s.resetStrategy === 'none')
    if (none.length > 0) {
      throw new NoOffsetForPartitionError(none.map((s) => ({ topic: s.topic, partition: s.partition })))
    }
    if (resetting.length > 0 && this.#resetTask === null && now >= this.#resetBackoffUntil) {
      this.#resetTask = this.#reset(resetting).finally(() => {
        this.#resetTask = null
        this.#onChange()
      })
    }
    const running = [this.#committedTask, this.#resetTask].filter((t): t is Promise<void> => t !== null)
    return running.length === 0 ? Promise.resolve() : Promise.all(running).then(() => undefined)
  }

  get busy(): boolean {
    return this.#committedTask !== null || this.#resetTask !== null
  }

  async #fetchCommitted(states: PartitionState[]): Promise<void> {
    const versions = new Map(states.map((s) => [s, s.version]))
    try {
      const port = this.#port!
      const committed = await this.#cluster.retry(
        () =>
          fetchCommitted(
            port,
            this.#groupId!,
            states.map((s) => ({ topic: s.topic, partition: s.partition })),
            this.#readCommitted,
          ),
        { timeoutMs: this.#timeoutMs, operation: 'OffsetFetch' },
      )
      for (const s of states) {
        if (this.#subs.state(s) !== s || s.state !== 'initializing' || s.version !== versions.get(s)) continue
        const c = committed.get(s)
        if (c !== undefined && c !== null) s.seek(c.offset, c.leaderEpoch)
        else s.requestReset(this.#subs.defaultResetStrategy)
      }
    } catch (err) {
      this.#committedBackoffUntil = this.#clock.now() + this.#retryBackoffMs
      safeLog(this.#logger, 'warn', 'fetching committed offsets failed; will retry', { error: String(err) })
    }
  }

  async #reset(states: PartitionState[]): Promise<void> {
    const versions = new Map(states.map((s) => [s, s.version]))
    const wanted = new TopicPartitionMap<bigint>()
    for (const s of states) wanted.set(s, s.resetStrategy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP)
    try {
      const found = await listOffsets(this.#cluster, wanted, { readCommitted: this.#readCommitted, timeoutMs: this.#timeoutMs })
      for (const s of states) {
        if (this.#subs.state(s) !== s || s.state !== 'await-reset' || s.version !== versions.get(s)) continue
        const r = found.get(s)
        if (r === undefined || r === null) continue
        safeLog(this.#logger, 'debug', 'reset fetch position', { topic: s.topic, partition: s.partition, offset: String(r.offset), strategy: s.resetStrategy })
        s.seek(r.offset, r.leaderEpoch)
      }
    } catch (err) {
      this.#resetBackoffUntil = this.#clock.now() + this.#retryBackoffMs
      safeLog(this.#logger, 'warn', 'resetting fetch positions failed; will retry', { error: String(err) })
    }
  }
}
