// The sticky assignment algorithm (our own, with Java StickyAssignor's goals and wire formats):
// the result is balanced (with identical subscriptions, counts differ by at most one) and keeps
// as many previously owned partitions as balance allows. StickyAssignor ("sticky", eager) carries
// the previous assignment in userData (NOTES §g.1: []{topic, []int32} + int32 generation, no
// version prefix); cooperative-sticky.ts reuses stickyAssign() with Subscription v1+ owned partitions.
// Invariants: deterministic for a given input; a partition is given to at most one member.
import { Reader } from '../../protocol/primitives/reader.js'
import { Writer } from '../../protocol/primitives/writer.js'
import { compareTp, type TopicPartition, tpKey } from '../types.js'
import {
  type AssignmentMetadata,
  type ClusterView,
  type ConsumerPartitionAssignor,
  cmp,
  type MemberAssignment,
  type MemberSubscription,
  type ReceivedAssignment,
  toAssignments,
} from './types.js'

/** What each member claims to own, and in which generation. */
export interface OwnedClaim {
  readonly partitions: readonly TopicPartition[]
  readonly generationId: number
}

/**
 * The sticky core. `owned` gives each member's previous partitions; conflicting claims are settled
 * in favour of the highest generation (a tie drops the partition for every claimant).
 */
export function stickyAssign(
  cluster: ClusterView,
  members: ReadonlyMap<string, MemberSubscription>,
  owned: ReadonlyMap<string, OwnedClaim>,
): Map<string, TopicPartition[]> {
  const ids = [...members.keys()].sort(cmp)
  const eligible = new Map<string, Set<string>>()
  const all: TopicPartition[] = []
  const topicsSeen = new Set<string>()
  for (const id of ids) {
    const topics = new Set<string>()
    for (const t of members.get(id)!.topics) {
      const count = cluster.partitionCount(t)
      if (count === undefined) continue
      topics.add(t)
      if (!topicsSeen.has(t)) {
        topicsSeen.add(t)
        for (let p = 0; p < count; p++) all.push({ topic: t, partition: p })
      }
    }
    eligible.set(id, topics)
  }
  all.sort(compareTp)

  // settle claims: highest generation wins, a tie at the top drops the partition
  const winner = new Map<string, { id: string; gen: number; tie: boolean }>()
  for (const id of ids) {
    const claim = owned.get(id)
    if (claim === undefined) continue
    const topics = eligible.get(id)!
    for (const tp of claim.partitions) {
      const count = cluster.partitionCount(tp.topic)
      if (!topics.has(tp.topic) || count === undefined || tp.partition < 0 || tp.partition >= count) continue
      const key = tpKey(tp.topic, tp.partition)
      const w = winner.get(key)
      if (w === undefined || claim.generationId > w.gen) winner.set(key, { id, gen: claim.generationId, tie: false })
      else if (claim.generationId === w.gen && w.id !== id) w.tie = true
    }
  }
  const previous = new Map<string, TopicPartition[]>()
  for (const id of ids) previous.set(id, [])
  for (const tp of all) {
    const w = winner.get(tpKey(tp.topic, tp.partition))
    if (w !== undefined && !w.tie) previous.get(w.id)!.push(tp)
  }

  const sameSubscriptions = ids.every((id) => sameSet(eligible.get(id)!, eligible.get(ids[0]!)!))
  return sameSubscriptions && ids.length > 0 ? constrained(ids, all, previous) : general(ids, all, previous, eligible)
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false
  for (const x of a) if (!b.has(x)) return false
  return true
}

/** Every member subscribes to the same topics: exact quotas. */
function constrained(ids: readonly string[], all: readonly TopicPartition[], previous: Map<string, TopicPartition[]>): Map<string, TopicPartition[]> {
  const m = ids.length
  const minQuota = Math.floor(all.length / m)
  const maxQuota = Math.ceil(all.length / m)
  let maxSlots = all.length % m
  const out = new Map<string, TopicPartition[]>()
  const taken = new Set<string>()
  // members with the most owned partitions keep the most (ties by member id)
  const byOwned = [...ids].sort((a, b) => previous.get(b)!.length - previous.get(a)!.length || cmp(a, b))
  for (const id of byOwned) {
    const mine = previous.get(id)!
    let keep = Math.min(mine.length, minQuota)
    if (mine.length >= maxQuota && maxQuota > minQuota && maxSlots > 0) {
      keep = maxQuota
      maxSlots--
    }
    const kept = mine.slice(0, keep)
    for (const tp of kept) taken.add(tpKey(tp.topic, tp.partition))
    out.set(id, kept)
  }
  const free = all.filter((tp) => !taken.has(tpKey(tp.topic, tp.partition)))
  let i = 0
  for (const id of ids) {
    const list = out.get(id)!
    while (list.length < minQuota && i < free.length) list.push(free[i++]!)
  }
  for (const id of ids) {
    if (i >= free.length || maxSlots <= 0) break
    const list = out.get(id)!
    if (list.length === minQuota && maxQuota > minQuota) {
      list.push(free[i++]!)
      maxSlots--
    }
  }
  for (const list of out.values()) list.sort(compareTp)
  return out
}

/** Members subscribe to different topics: keep owned, place the rest, then even out by single moves. */
function general(
  ids: readonly string[],
  all: readonly TopicPartition[],
  previous: Map<string, TopicPartition[]>,
  eligible: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>()
  const taken = new Set<string>()
  for (const id of ids) {
    const kept = previous.get(id)!.slice()
    for (const tp of kept) taken.add(tpKey(tp.topic, tp.partition))
    out.set(id, kept)
  }
  const consumersOf = (topic: string): string[] => ids.filter((id) => eligible.get(id)!.has(topic))
  const free = all
    .filter((tp) => !taken.has(tpKey(tp.topic, tp.partition)))
    .map((tp) => ({ tp, candidates: consumersOf(tp.topic) }))
    .sort((a, b) => a.candidates.length - b.candidates.length || compareTp(a.tp, b.tp))
  for (const { tp, candidates } of free) {
    let best: string | undefined
    for (const id of candidates) if (best === undefined || out.get(id)!.length < out.get(best)!.length) best = id
    if (best !== undefined) out.get(best)!.push(tp)
  }
  // balance: move one partition at a time from a fuller member to an eligible emptier one
  const limit = all.length * Math.max(1, ids.length)
  for (let moves = 0; moves < limit; moves++) {
    if (!moveOne(ids, out, eligible)) break
  }
  for (const list of out.values()) list.sort(compareTp)
  return out
}

function moveOne(ids: readonly string[], out: Map<string, TopicPartition[]>, eligible: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  const bySize = [...ids].sort((a, b) => out.get(b)!.length - out.get(a)!.length || cmp(a, b))
  for (const from of bySize) {
    const list = out.get(from)!
    // move the most recently placed partitions first (owned ones sit at the front)
    for (let i = list.length - 1; i >= 0; i--) {
      const tp = list[i]!
      let target: string | undefined
      for (const id of ids) {
        if (id === from || !eligible.get(id)!.has(tp.topic)) continue
        const size = out.get(id)!.length
        if (size < list.length - 1 && (target === undefined || size < out.get(target)!.length)) target = id
      }
      if (target !== undefined) {
        list.splice(i, 1)
        out.get(target)!.push(tp)
        return true
      }
    }
  }
  return false
}

// ---- StickyAssignor userData -------------------------------------------------------------------

/** []{topic string, partitions []int32} + int32 generation, non-flexible, no version prefix. */
export function encodeStickyUserData(partitions: readonly TopicPartition[], generationId: number): Buffer {
  const byTopic = new Map<string, number[]>()
  for (const tp of [...partitions].sort(compareTp)) {
    let list = byTopic.get(tp.topic)
    if (list === undefined) byTopic.set(tp.topic, (list = []))
    list.push(tp.partition)
  }
  const w = new Writer(64)
  w.int32(byTopic.size)
  for (const [topic, list] of byTopic) {
    w.string(topic)
    w.int32(list.length)
    for (const p of list) w.int32(p)
  }
  w.int32(generationId)
  return w.finish()
}

/** Decodes StickyAssignor userData (v0 has no generation); null when absent or malformed. */
export function decodeStickyUserData(data: Buffer | null): OwnedClaim | null {
  if (data === null || data.length === 0) return null
  try {
    const r = new Reader(data)
    const topics = r.int32()
    if (topics < 0 || topics > data.length) return null
    const partitions: TopicPartition[] = []
    for (let i = 0; i < topics; i++) {
      const topic = r.string()
      const n = r.int32()
      if (topic === null || n < 0 || n > r.remaining / 4) return null
      for (let j = 0; j < n; j++) partitions.push({ topic, partition: r.int32() })
    }
    const generationId = r.remaining >= 4 ? r.int32() : -1
    return { partitions, generationId }
  } catch {
    return null
  }
}

export class StickyAssignor implements ConsumerPartitionAssignor {
  readonly name: string = 'sticky'
  readonly supportedProtocols: readonly ('eager' | 'cooperative')[] = ['eager']
  protected memberAssignment: readonly TopicPartition[] | null = null
  protected generationId = -1

  subscriptionUserData(_topics: ReadonlySet<string>): Buffer | null {
    if (this.memberAssignment === null) return null
    return encodeStickyUserData(this.memberAssignment, this.generationId)
  }

  assign(cluster: ClusterView, members: ReadonlyMap<string, MemberSubscription>): Map<string, MemberAssignment> {
    const owned = new Map<string, OwnedClaim>()
    for (const [id, m] of members) {
      const fromUserData = decodeStickyUserData(m.userData)
      if (fromUserData !== null) owned.set(id, fromUserData)
      else if (m.ownedPartitions.length > 0) owned.set(id, { partitions: m.ownedPartitions, generationId: m.generationId })
    }
    return toAssignments(members, stickyAssign(cluster, members, owned))
  }

  onAssignment(assignment: ReceivedAssignment, metadata: AssignmentMetadata): void {
    this.memberAssignment = assignment.partitions.slice()
    this.generationId = metadata.generationId
  }
}
