// The partition assignor contract (Java ConsumerPartitionAssignor), for the built-in assignors
// (range, roundrobin, sticky, cooperative-sticky) and user-supplied ones. The group leader calls
// assign() with every member's decoded subscription (NOTES §g.1) and the partition counts of the
// subscribed topics; each member gets onAssignment() with its own share. Assignors are pure and
// synchronous; their output is validated by the group member before it goes into SyncGroup.
import type { TopicPartition } from '../types.js'

/** 'eager': revoke everything before joining; 'cooperative': revoke only what moves (KIP-429). */
export type RebalanceProtocol = 'eager' | 'cooperative'

/** One member's subscription as the leader sees it. */
export interface MemberSubscription {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly topics: readonly string[]
  readonly userData: Buffer | null
  /** what the member owned when it joined (Subscription v1+; empty under eager) */
  readonly ownedPartitions: readonly TopicPartition[]
  /** the generation of those owned partitions (Subscription v2+), -1 when unknown */
  readonly generationId: number
  readonly rackId: string | null
}

/** What the assignor may know about the cluster. */
export interface ClusterView {
  /** partition count of a topic, undefined when the topic does not exist (it is then skipped) */
  partitionCount(topic: string): number | undefined
}

export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[]
  readonly userData?: Buffer | null
}

/** The member's own share, as decoded from SyncGroup. */
export interface ReceivedAssignment {
  readonly partitions: readonly TopicPartition[]
  readonly userData: Buffer | null
}

export interface AssignmentMetadata {
  readonly generationId: number
  readonly memberId: string
}

export interface ConsumerPartitionAssignor {
  /** The name on the wire; members agree on one name they all list. */
  readonly name: string
  /** Default ['eager']. The consumer uses cooperative rebalancing only if every configured assignor supports it. */
  readonly supportedProtocols?: readonly RebalanceProtocol[]
  /** Subscription userData for this member (called before each JoinGroup). */
  subscriptionUserData?(topics: ReadonlySet<string>): Buffer | null
  /** Leader only: every member id in `members` must appear in the result. */
  assign(cluster: ClusterView, members: ReadonlyMap<string, MemberSubscription>): Map<string, MemberAssignment>
  /** Every member, after SyncGroup. */
  onAssignment?(assignment: ReceivedAssignment, metadata: AssignmentMetadata): void
}

/**
 * Java's member order for range and roundrobin: static members first, by group instance id,
 * then dynamic members by member id.
 */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return cmp(a.groupInstanceId, b.groupInstanceId)
  if (a.groupInstanceId !== null) return -1
  if (b.groupInstanceId !== null) return 1
  return cmp(a.memberId, b.memberId)
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Topics subscribed by at least one member that exist in the cluster, sorted. */
export function subscribedTopics(cluster: ClusterView, members: ReadonlyMap<string, MemberSubscription>): string[] {
  const topics = new Set<string>()
  for (const m of members.values()) for (const t of m.topics) if (cluster.partitionCount(t) !== undefined) topics.add(t)
  return [...topics].sort(cmp)
}

/** Every member's share as a MemberAssignment (members missing from `result` get nothing). */
export function toAssignments(
  members: ReadonlyMap<string, MemberSubscription>,
  result: ReadonlyMap<string, TopicPartition[]>,
): Map<string, MemberAssignment> {
  const out = new Map<string, MemberAssignment>()
  for (const id of members.keys()) out.set(id, { partitions: result.get(id) ?? [] })
  return out
}
