// The "range" assignor (Java RangeAssignor, without rack awareness): per topic, the members
// subscribed to it in Java's member order each take a contiguous range; the first
// (partitions % members) members take one extra. Eager only; no userData.
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

export class RangeAssignor implements ConsumerPartitionAssignor {
  readonly name = 'range'
  readonly supportedProtocols = ['eager'] as const

  assign(cluster: ClusterView, members: ReadonlyMap<string, MemberSubscription>): Map<string, MemberAssignment> {
    const out = new Map<string, TopicPartition[]>()
    for (const id of members.keys()) out.set(id, [])
    for (const topic of subscribedTopics(cluster, members)) {
      const count = cluster.partitionCount(topic) ?? 0
      const consumers = [...members.values()].filter((m) => m.topics.includes(topic)).sort(compareMembers)
      const n = consumers.length
      if (n === 0) continue
      const per = Math.floor(count / n)
      const extra = count % n
      for (let i = 0; i < n; i++) {
        const start = per * i + Math.min(i, extra)
        const length = per + (i < extra ? 1 : 0)
        const list = out.get(consumers[i]!.memberId)!
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p })
      }
    }
    return toAssignments(members, out)
  }
}
