// Which partitions a rebalance revokes, assigns or loses, and the awaited ConsumerRebalanceListener
// calls (Java ConsumerCoordinator onJoinPrepare / onJoinComplete / onLeavePrepare), for eager and
// cooperative (KIP-429) protocols. Used by ClassicGroupMember from ensureActiveGroup() and
// leaveGroup() only, so callbacks run inside poll(), unsubscribe() or close(). Invariants: a
// listener that throws is logged and its first error kept until throwPendingError(); partitions
// reach the listener sorted; the subscription changes only after the revoke callback returned.
import { type Logger, safeLog } from '../../network/logger.js'
import type { RebalanceProtocol } from '../assignors/types.js'
import type { SubscriptionState } from '../subscription-state.js'
import { compareTp, type TopicPartition, tpKey } from '../types.js'

type ListenerMethod = 'onPartitionsRevoked' | 'onPartitionsAssigned' | 'onPartitionsLost'

export class RebalanceCallbacks {
  readonly #subs: SubscriptionState
  readonly #protocol: RebalanceProtocol
  readonly #logger: Logger
  #listenerError: unknown = null

  constructor(subs: SubscriptionState, protocol: RebalanceProtocol, logger: Logger) {
    this.#subs = subs
    this.#protocol = protocol
    this.#logger = logger
  }

  /**
   * Before a JoinGroup: a lost generation loses everything; eager revokes everything;
   * cooperative revokes only the partitions of topics no longer subscribed.
   */
  async beforeJoin(owned: TopicPartition[], generationLost: boolean): Promise<void> {
    if (owned.length === 0) return
    if (generationLost) {
      await this.#invoke('onPartitionsLost', owned)
      this.#subs.assignFromGroup([])
    } else if (this.#protocol === 'eager') {
      await this.#invoke('onPartitionsRevoked', owned)
      this.#subs.assignFromGroup([])
    } else {
      // cooperative: only partitions of topics we no longer subscribe to go now
      const gone = owned.filter((tp) => !this.#subs.topics.has(tp.topic))
      if (gone.length > 0) {
        await this.#invoke('onPartitionsRevoked', gone)
        const goneKeys = new Set(gone.map((tp) => tpKey(tp.topic, tp.partition)))
        this.#subs.assignFromGroup(owned.filter((tp) => !goneKeys.has(tpKey(tp.topic, tp.partition))))
      }
    }
  }

  /**
   * After SyncGroup: takes the received assignment. Cooperative first revokes what is no longer
   * ours (then `requestRejoin`, as KIP-429 needs a second round); onPartitionsAssigned gets what was added.
   */
  async afterSync(received: readonly TopicPartition[], requestRejoin: (reason: string) => void): Promise<void> {
    const owned = this.#subs.assignedPartitions()
    const newKeys = new Set(received.map((tp) => tpKey(tp.topic, tp.partition)))
    const ownedKeys = new Set(owned.map((tp) => tpKey(tp.topic, tp.partition)))
    const added = received.filter((tp) => !ownedKeys.has(tpKey(tp.topic, tp.partition)))
    if (this.#protocol === 'cooperative') {
      const revoked = owned.filter((tp) => !newKeys.has(tpKey(tp.topic, tp.partition)))
      if (revoked.length > 0) {
        for (const tp of revoked) {
          const s = this.#subs.state(tp)
          if (s !== undefined) s.pendingRevocation = true
        }
        await this.#invoke('onPartitionsRevoked', revoked)
        requestRejoin('partitions were revoked (cooperative rebalance)')
      }
      this.#subs.assignFromGroup(received)
      await this.#invoke('onPartitionsAssigned', added)
    } else {
      this.#subs.assignFromGroup(received)
      await this.#invoke('onPartitionsAssigned', added)
    }
  }

  /** Leaving the group: revoke (or lose, when the generation is gone) everything; listener errors are dropped. */
  async beforeLeave(generationLost: boolean): Promise<void> {
    const owned = this.#subs.assignedPartitions()
    if (owned.length > 0) {
      await this.#invoke(generationLost ? 'onPartitionsLost' : 'onPartitionsRevoked', owned)
      if (this.#subs.usesGroupAssignment) this.#subs.assignFromGroup([])
    }
    this.#listenerError = null
  }

  /** Rethrows (once) the first error a listener threw since the last call. */
  throwPendingError(): void {
    const listenerError = this.#listenerError
    if (listenerError !== null) {
      this.#listenerError = null
      throw listenerError
    }
  }

  async #invoke(method: ListenerMethod, partitions: TopicPartition[]): Promise<void> {
    const listener = this.#subs.listener
    // Java calls onPartitionsAssigned even with nothing added; the others only when there is something
    if (listener === null || (partitions.length === 0 && method !== 'onPartitionsAssigned')) return
    const fn = listener[method]
    if (typeof fn !== 'function') {
      // no onPartitionsLost: Java falls back to onPartitionsRevoked
      if (method === 'onPartitionsLost' && typeof listener.onPartitionsRevoked === 'function') {
        return this.#invoke('onPartitionsRevoked', partitions)
      }
      return
    }
    try {
      await fn.call(listener, [...partitions].sort(compareTp))
    } catch (err) {
      safeLog(this.#logger, 'error', `rebalance listener ${method} threw`, { error: String(err) })
      this.#listenerError ??= err
    }
  }
}
