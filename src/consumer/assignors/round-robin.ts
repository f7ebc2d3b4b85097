// The "roundrobin" assignor (Java RoundRobinAssignor): every partition of every subscribed
// topic, sorted by (topic, partition), dealt in turn to the members in Java's member order,
// skipping members not subscribed to the partition's topic. Eager only; no userData.
import type { TopicPartition } from '../types.js'
import {
  type ClusterView,
  type ConsumerPartitionAssignor,
  compareMembers,
  type MemberAssignment,
  type MemberSubscription,
  subscribedTopics,
  toAssignments,
} from './types.js'

export class RoundRobinAssignor implements ConsumerPartitionAssignor {
  readonly name = 'roundrobin'
  readonly supportedProtocols = ['eager'] as const

  assign(cluster: ClusterView, members: ReadonlyMap<string, MemberSubscription>): Map<string, MemberAssignment> {
    const out = new Map<string, TopicPartition[]>()
    for (const id of members.keys()) out.set(id, [])
    const ring = [...members.values()].sort(compareMembers)
    let next = 0
    for (const topic of subscribedTopics(cluster, members)) {
      const count = cluster.partitionCount(topic) ?? 0
      for (let p = 0; p < count; p++) {
        // advance the circular iterator to the next member subscribed to this topic
        for (let tries = 0; tries < ring.length; tries++) {
          const member = ring[next % ring.length]!
          next = (next + 1) % ring.length
          if (member.topics.includes(topic)) {
            out.get(member.memberId)!.push({ topic, partition: p })
            break
          }
        }
      }
    }
    return toAssignments(members, out)
  }
}
