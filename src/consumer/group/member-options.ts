// The classic group member's contract with the consumer around it: its options (from the
// consumer's resolved options), its states, and MemberHost (what it needs from the consumer).
// Built by consumer.ts; read by classic-member.ts, heartbeat-loop.ts and rebalance-callbacks.ts.
// Plain types: nothing here has behaviour.
import type { ClusterView, ConsumerPartitionAssignor, RebalanceProtocol } from '../assignors/types.js'

/** unjoined → preparing (JoinGroup) → completing (SyncGroup) → stable; back to unjoined on reset or leave */
export type MemberState = 'unjoined' | 'preparing' | 'completing' | 'stable'

export interface ClassicMemberOptions {
  readonly groupId: string
  readonly groupInstanceId: string | null
  readonly sessionTimeoutMs: number
  /** Java uses max.poll.interval.ms as the rebalance timeout */
  readonly rebalanceTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly maxPollIntervalMs: number
  readonly requestTimeoutMs: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly clientRack: string | null
  readonly assignors: readonly ConsumerPartitionAssignor[]
  readonly protocol: RebalanceProtocol
}

/** What the member needs from the consumer around it. */
export interface MemberHost {
  /** partition counts for the leader's assignor */
  readonly clusterView: ClusterView
  /** asks metadata about these topics and resolves once it answered (never rejects) */
  refreshTopics(topics: ReadonlySet<string>): Promise<void>
  /** the auto-commit that precedes revocation (errors are the host's to log) */
  commitBeforeRevoke(): Promise<void>
  /** something poll() should notice: a rejoin is needed or a fatal error happened */
  wake(): void
}
