// What the consumer reads and where (Java SubscriptionState): the subscription (topics, pattern
// or manual assignment, mutually exclusive), the assigned partitions in fetch order, and per
// partition the fetch state, position (next offset + leader epoch), pause flag and the last
// HW/LSO/log start seen. Called by consumer.ts, the fetcher, offsets and the group member.
// Invariants: a partition is fetchable only in state 'fetching', not paused and not being
// revoked; every position change not made by the fetcher bumps `version`, so in-flight or buffered
// fetch data for an older version is discarded (RELIABILITY C.2 25).
import { IllegalStateError } from './errors.js'
import type { AutoOffsetReset } from './options.js'
import { TopicPartitionMap } from './topic-partition-map.js'
import { type ConsumerRebalanceListener, type OffsetAndMetadata, type TopicPartition, tpKey } from './types.js'

export type SubscriptionType = 'none' | 'topics' | 'pattern' | 'assigned'
/** initializing: waiting for the committed offset; await-reset: waiting for ListOffsets; fetching: has a position */
export type FetchState = 'initializing' | 'await-reset' | 'fetching'

let nextVersion = 1

export class PartitionState implements TopicPartition {
  readonly topic: string
  readonly partition: number
  state: FetchState = 'initializing'
  position = -1n
  positionEpoch: number | null = null
  resetStrategy: AutoOffsetReset | null = null
  paused = false
  /** cooperative revocation in progress: stop fetching, keep the position for the commit */
  pendingRevocation = false
  highWatermark = -1n
  lastStableOffset = -1n
  logStartOffset = -1n
  version = nextVersion++
  /** a Fetch that includes this partition is outstanding */
  inFlight = false

  constructor(topic: string, partition: number) {
    this.topic = topic
    this.partition = partition
  }

  get fetchable(): boolean {
    return this.state === 'fetching' && !this.paused && !this.pendingRevocation
  }

  get hasPosition(): boolean {
    return this.state === 'fetching'
  }

  seek(offset: bigint, leaderEpoch: number | null): void {
    this.state = 'fetching'
    this.position = offset
    this.positionEpoch = leaderEpoch
    this.resetStrategy = null
    this.version = nextVersion++
  }

  requestReset(strategy: AutoOffsetReset): void {
    this.state = 'await-reset'
    this.resetStrategy = strategy
    this.version = nextVersion++
  }

  /** back to waiting for the committed offset (a new assignment) */
  reinitialize(): void {
    this.state = 'initializing'
    this.resetStrategy = null
    this.version = nextVersion++
  }

  invalidate(): void {
    this.version = nextVersion++
  }
}

export class SubscriptionState {
  #type: SubscriptionType = 'none'
  #topics = new Set<string>()
  #pattern: RegExp | null = null
  #listener: ConsumerRebalanceListener | null = null
  /** assigned partitions in fetch order (rotated for fairness) */
  #assignment = new Map<string, PartitionState>()
  readonly #defaultReset: AutoOffsetReset

  constructor(defaultReset: AutoOffsetReset) {
    this.#defaultReset = defaultReset
  }

  get type(): SubscriptionType {
    return this.#type
  }

  get defaultResetStrategy(): AutoOffsetReset {
    return this.#defaultReset
  }

  /** subscribed topic names (explicit, or the pattern's current matches) */
  get topics(): ReadonlySet<string> {
    return this.#topics
  }

  get pattern(): RegExp | null {
    return this.#pattern
  }

  get listener(): ConsumerRebalanceListener | null {
    return this.#listener
  }

  /** true for topic and pattern subscriptions: the group assigns partitions */
  get usesGroupAssignment(): boolean {
    return this.#type === 'topics' || this.#type === 'pattern'
  }

  #setType(type: SubscriptionType): void {
    if (this.#type !== 'none' && this.#type !== type) {
      throw new IllegalStateError('subscribe() to topics, subscribe() to a pattern and assign() are mutually exclusive: unsubscribe() first')
    }
    this.#type = type
  }

  /** Returns true when the topic set changed. */
  subscribe(topics: Iterable<string>, listener: ConsumerRebalanceListener | null): boolean {
    this.#setType('topics')
    this.#listener = listener
    return this.#setTopics(new Set(topics))
  }

  subscribePattern(pattern: RegExp, listener: ConsumerRebalanceListener | null): void {
    this.#setType('pattern')
    this.#listener = listener
    this.#pattern = pattern
  }

  /** For pattern subscriptions: the matching topics changed. Returns true on a change. */
  setMatchedTopics(topics: Iterable<string>): boolean {
    return this.#setTopics(new Set(topics))
  }

  #setTopics(next: Set<string>): boolean {
    const changed = next.size !== this.#topics.size || [...next].some((t) => !this.#topics.has(t))
    this.#topics = next
    return changed
  }

  /** Manual assignment; keeps the state of partitions already assigned. */
  assignFromUser(partitions: readonly TopicPartition[]): void {
    this.#setType('assigned')
    this.#replaceAssignment(partitions)
    this.#topics = new Set(partitions.map((p) => p.topic))
  }

  /** Group assignment: the new set of owned partitions (kept ones keep their state). */
  assignFromGroup(partitions: readonly TopicPartition[]): void {
    if (!this.usesGroupAssignment) throw new IllegalStateError('group assignment without a subscription')
    this.#replaceAssignment(partitions)
  }

  #replaceAssignment(partitions: readonly TopicPartition[]): void {
    const next = new Map<string, PartitionState>()
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition)
      next.set(key, this.#assignment.get(key) ?? new PartitionState(tp.topic, tp.partition))
    }
    for (const [key, state] of this.#assignment) if (!next.has(key)) state.invalidate()
    this.#assignment = next
  }

  unsubscribe(): void {
    for (const s of this.#assignment.values()) s.invalidate()
    this.#assignment = new Map()
    this.#topics = new Set()
    this.#pattern = null
    this.#listener = null
    this.#type = 'none'
  }

  state(tp: TopicPartition): PartitionState | undefined {
    return this.#assignment.get(tpKey(tp.topic, tp.partition))
  }

  /** The state of an assigned partition, or IllegalStateError (Java: "No current assignment for partition"). */
  assigned(tp: TopicPartition): PartitionState {
    const s = this.state(tp)
    if (s === undefined) throw new IllegalStateError(`no current assignment for partition ${tp.topic}-${tp.partition}`)
    return s
  }

  isAssigned(tp: TopicPartition): boolean {
    return this.#assignment.has(tpKey(tp.topic, tp.partition))
  }

  /** Assigned partition states in fetch order. */
  states(): IterableIterator<PartitionState> {
    return this.#assignment.values()
  }

  assignedPartitions(): TopicPartition[] {
    return [...this.#assignment.values()].map((s) => ({ topic: s.topic, partition: s.partition }))
  }

  get assignmentSize(): number {
    return this.#assignment.size
  }

  /** Puts a partition last in fetch order (after it returned data), so others get their turn. */
  moveToEnd(tp: TopicPartition): void {
    const key = tpKey(tp.topic, tp.partition)
    const s = this.#assignment.get(key)
    if (s === undefined) return
    this.#assignment.delete(key)
    this.#assignment.set(key, s)
  }

  /** Positions of every partition that has one: what commitSync() with no argument commits. */
  allConsumed(): TopicPartitionMap<OffsetAndMetadata> {
    const out = new TopicPartitionMap<OffsetAndMetadata>()
    for (const s of this.#assignment.values()) {
      if (s.hasPosition) out.set(s, { offset: s.position, metadata: '', leaderEpoch: s.positionEpoch })
    }
    return out
  }

  pausedPartitions(): TopicPartition[] {
    return [...this.#assignment.values()].filter((s) => s.paused).map((s) => ({ topic: s.topic, partition: s.partition }))
  }
}
