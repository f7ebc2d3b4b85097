// The "consumer" embedded protocol of classic groups (NOTES §g.1): building this member's
// Subscription bytes per assignor, decoding the members' subscriptions on the leader, running the
// chosen assignor and encoding each member's Assignment, and decoding our own Assignment from
// SyncGroup. Called by classic-member.ts. Invariants: topics and owned partitions go out sorted;
// an undecodable member subscription counts as subscribing to nothing (logged), never as a crash;
// the leader's result lists every member and gives each partition to at most one of them.
import { type Logger, safeLog } from '../../network/logger.js'
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../../protocol/generated/consumer-protocol-assignment.js'
import {
  type ConsumerProtocolSubscriptionTopicPartition,
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolSubscription,
} from '../../protocol/generated/consumer-protocol-subscription.js'
import type { JoinGroupResponseJoinGroupResponseMember } from '../../protocol/generated/join-group.js'
import type { ClusterView, ConsumerPartitionAssignor, MemberSubscription, ReceivedAssignment } from '../assignors/types.js'
import { compareTp, type TopicPartition, tpKey } from '../types.js'

export const PROTOCOL_TYPE = 'consumer'
/** Newest Subscription/Assignment layout we write (v3 adds the rack id). */
export const EMBEDDED_VERSION = 3

function grouped(partitions: readonly TopicPartition[]): ConsumerProtocolSubscriptionTopicPartition[] {
  const byTopic = new Map<string, number[]>()
  for (const tp of [...partitions].sort(compareTp)) {
    let list = byTopic.get(tp.topic)
    if (list === undefined) byTopic.set(tp.topic, (list = []))
    list.push(tp.partition)
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }))
}

function flatten(groups: readonly ConsumerProtocolSubscriptionTopicPartition[] | undefined): TopicPartition[] {
  const out: TopicPartition[] = []
  for (const g of groups ?? []) for (const p of g.partitions) out.push({ topic: g.topic, partition: p })
  return out
}

/** JoinGroup protocols: one { name, metadata } per assignor, in preference order. */
export function joinProtocols(
  assignors: readonly ConsumerPartitionAssignor[],
  topics: ReadonlySet<string>,
  owned: readonly TopicPartition[],
  generationId: number,
  rackId: string | null,
): { name: string; metadata: Buffer }[] {
  const sortedTopics = [...topics].sort()
  return assignors.map((a) => ({
    name: a.name,
    metadata: encodeConsumerProtocolSubscription(
      {
        topics: sortedTopics,
        userData: a.subscriptionUserData?.(topics) ?? null,
        ownedPartitions: grouped(owned),
        generationId,
        rackId,
      },
      EMBEDDED_VERSION,
    ),
  }))
}

export interface DecodedMembers {
  readonly members: Map<string, MemberSubscription>
  /** lowest Subscription version among members: the Assignment version we answer with */
  readonly minVersion: number
  readonly allTopics: Set<string>
}

/** Leader: the members' subscriptions out of the JoinGroup response. */
export function decodeMembers(members: readonly JoinGroupResponseJoinGroupResponseMember[], logger: Logger): DecodedMembers {
  const out = new Map<string, MemberSubscription>()
  const allTopics = new Set<string>()
  let minVersion = EMBEDDED_VERSION
  for (const m of members) {
    try {
      const { version, value } = decodeConsumerProtocolSubscription(m.metadata)
      minVersion = Math.min(minVersion, Math.max(0, version))
      for (const t of value.topics) allTopics.add(t)
      out.set(m.memberId, {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        topics: value.topics,
        userData: value.userData,
        ownedPartitions: flatten(value.ownedPartitions),
        generationId: value.generationId ?? -1,
        rackId: value.rackId ?? null,
      })
    } catch (err) {
      safeLog(logger, 'warn', 'cannot decode a member subscription; it gets no partitions', { memberId: m.memberId, error: String(err) })
      out.set(m.memberId, {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        topics: [],
        userData: null,
        ownedPartitions: [],
        generationId: -1,
        rackId: null,
      })
    }
  }
  return { members: out, minVersion, allTopics }
}

/** Leader: runs the assignor and encodes one Assignment per member (duplicates dropped, logged). */
export function computeAssignments(
  assignor: ConsumerPartitionAssignor,
  cluster: ClusterView,
  decoded: DecodedMembers,
  logger: Logger,
): { memberId: string; assignment: Buffer }[] {
  const result = assignor.assign(cluster, decoded.members)
  const given = new Set<string>()
  const out: { memberId: string; assignment: Buffer }[] = []
  for (const memberId of decoded.members.keys()) {
    const a = result.get(memberId)
    const partitions: TopicPartition[] = []
    for (const tp of a?.partitions ?? []) {
      const key = tpKey(tp.topic, tp.partition)
      if (given.has(key)) {
        safeLog(logger, 'warn', `assignor "${assignor.name}" gave a partition twice; dropped the second`, { topic: tp.topic, partition: tp.partition })
        continue
      }
      given.add(key)
      partitions.push(tp)
    }
    out.push({
      memberId,
      assignment: encodeConsumerProtocolAssignment({ assignedPartitions: grouped(partitions), userData: a?.userData ?? null }, decoded.minVersion),
    })
  }
  return out
}

/** Our own assignment from SyncGroup (empty bytes: nothing assigned). Throws ProtocolDecodeError. */
export function decodeOwnAssignment(bytes: Buffer): ReceivedAssignment {
  if (bytes.length === 0) return { partitions: [], userData: null }
  const { value } = decodeConsumerProtocolAssignment(bytes)
  return { partitions: flatten(value.assignedPartitions).sort(compareTp), userData: value.userData }
}
