// The "cooperative-sticky" assignor (KIP-429; Java CooperativeStickyAssignor): the sticky
// algorithm over the owned partitions each member reports in its Subscription (v1+), then every
// partition that changes owner is left out of this round, so its owner revokes it first and a
// follow-up rebalance hands it over. userData is the int32 generation (NOTES §g.1).
import { Reader } from '../../protocol/primitives/reader.js'
import { type TopicPartition, tpKey } from '../types.js'
import { type OwnedClaim, stickyAssign } from './sticky.js'
import {
  type AssignmentMetadata,
  type ClusterView,
  type ConsumerPartitionAssignor,
  type MemberAssignment,
  type MemberSubscription,
  type ReceivedAssignment,
  toAssignments,
} from './types.js'

export class CooperativeStickyAssignor implements ConsumerPartitionAssignor {
  readonly name = 'cooperative-sticky'
  readonly supportedProtocols = ['eager', 'cooperative'] as const
  #generationId = -1

  subscriptionUserData(_topics: ReadonlySet<string>): Buffer {
    const b = Buffer.alloc(4)
    b.writeInt32BE(this.#generationId, 0)
    return b
  }

  assign(cluster: ClusterView, members: ReadonlyMap<string, MemberSubscription>): Map<string, MemberAssignment> {
    const owned = new Map<string, OwnedClaim>()
    for (const [id, m] of members) {
      if (m.ownedPartitions.length === 0) continue
      const generationId = m.generationId >= 0 ? m.generationId : userDataGeneration(m.userData)
      owned.set(id, { partitions: m.ownedPartitions, generationId })
    }
    const result = stickyAssign(cluster, members, owned)
    // who currently owns what (only uncontested claims matter: a contested partition has no owner to wait for)
    const ownerOf = new Map<string, string>()
    const contested = new Set<string>()
    for (const [id, claim] of owned) {
      for (const tp of claim.partitions) {
        const key = tpKey(tp.topic, tp.partition)
        const prev = ownerOf.get(key)
        if (prev !== undefined && prev !== id) contested.add(key)
        else ownerOf.set(key, id)
      }
    }
    const adjusted = new Map<string, TopicPartition[]>()
    for (const [id, partitions] of result) {
      adjusted.set(
        id,
        partitions.filter((tp) => {
          const key = tpKey(tp.topic, tp.partition)
          const owner = ownerOf.get(key)
          return owner === undefined || owner === id || contested.has(key)
        }),
      )
    }
    return toAssignments(members, adjusted)
  }

  onAssignment(_assignment: ReceivedAssignment, metadata: AssignmentMetadata): void {
    this.#generationId = metadata.generationId
  }
}

function userDataGeneration(data: Buffer | null): number {
  if (data === null || data.length < 4) return -1
  try {
    return new Reader(data).int32()
  } catch {
    return -1
  }
}
