// Assignors: range and roundrobin against the known assignments documented for Java's
// RangeAssignor / RoundRobinAssignor; sticky and cooperative-sticky by their properties (balance,
// stickiness, generation conflicts, cooperative hand-over in two rounds) and userData formats
// checked against bytes built by hand.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  CooperativeStickyAssignor,
  commonProtocol,
  decodeStickyUserData,
  encodeStickyUserData,
  RangeAssignor,
  RoundRobinAssignor,
  resolveAssignors,
  StickyAssignor,
} from '../../../src/consumer/assignors/index.js'
import type { ClusterView, MemberAssignment, MemberSubscription } from '../../../src/consumer/assignors/types.js'
import type { TopicPartition } from '../../../src/consumer/types.js'
import { ConfigError } from '../../../src/errors.js'
import { bb } from '../../helpers/byte-builder.js'

function cluster(counts: Record<string, number>): ClusterView {
  return { partitionCount: (t) => counts[t] }
}

function member(memberId: string, topics: string[], extra: Partial<MemberSubscription> = {}): MemberSubscription {
  return { memberId, groupInstanceId: null, topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null, ...extra }
}

function members(...list: MemberSubscription[]): Map<string, MemberSubscription> {
  return new Map(list.map((m) => [m.memberId, m]))
}

function show(result: Map<string, MemberAssignment>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [id, a] of [...result].sort(([x], [y]) => (x < y ? -1 : 1))) {
    out[id] = a.partitions.map((tp) => `${tp.topic}-${tp.partition}`)
  }
  return out
}

function tps(...names: string[]): TopicPartition[] {
  return names.map((n) => {
    const i = n.lastIndexOf('-')
    return { topic: n.slice(0, i), partition: Number(n.slice(i + 1)) }
  })
}

function assertValid(result: Map<string, MemberAssignment>, all: number): void {
  const seen = new Set<string>()
  for (const a of result.values()) {
    for (const tp of a.partitions) {
      const key = `${tp.topic}-${tp.partition}`
      assert.ok(!seen.has(key), `${key} assigned twice`)
      seen.add(key)
    }
  }
  assert.equal(seen.size, all)
}

function counts(result: Map<string, MemberAssignment>): number[] {
  return [...result.values()].map((a) => a.partitions.length)
}

describe('range assignor', () => {
  it('matches the RangeAssignor documentation example (2 members, 2 topics x 3 partitions)', () => {
    const r = new RangeAssignor().assign(cluster({ t0: 3, t1: 3 }), members(member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])))
    assert.deepEqual(show(r), { C0: ['t0-0', 't0-1', 't1-0', 't1-1'], C1: ['t0-2', 't1-2'] })
  })

  it('orders static members first by instance id, then dynamic members by member id', () => {
    const r = new RangeAssignor().assign(
      cluster({ t: 4 }),
      members(member('a-dyn', ['t']), member('z-static', ['t'], { groupInstanceId: 'i1' }), member('m-static', ['t'], { groupInstanceId: 'i2' })),
    )
    assert.deepEqual(show(r), { 'a-dyn': ['t-3'], 'm-static': ['t-2'], 'z-static': ['t-0', 't-1'] })
  })

  it('gives members of unsubscribed or missing topics nothing, and more members than partitions leaves some empty', () => {
    const r = new RangeAssignor().assign(cluster({ t: 1 }), members(member('A', ['t', 'gone']), member('B', ['t']), member('C', ['other'])))
    assert.deepEqual(show(r), { A: ['t-0'], B: [], C: [] })
  })
})

describe('roundrobin assignor', () => {
  it('matches the RoundRobinAssignor documentation examples', () => {
    const rr = new RoundRobinAssignor()
    const same = rr.assign(cluster({ t0: 3, t1: 3 }), members(member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])))
    assert.deepEqual(show(same), { C0: ['t0-0', 't0-2', 't1-1'], C1: ['t0-1', 't1-0', 't1-2'] })
    const mixed = rr.assign(
      cluster({ t0: 1, t1: 2, t2: 3 }),
      members(member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])),
    )
    assert.deepEqual(show(mixed), { C0: ['t0-0'], C1: ['t1-0'], C2: ['t1-1', 't2-0', 't2-1', 't2-2'] })
  })
})

describe('sticky assignor', () => {
  const topics = { t0: 2, t1: 2, t2: 2, t3: 2 }
  const subs = ['t0', 't1', 't2', 't3']

  it('balances a first assignment and keeps every surviving member\'s partitions when one leaves', () => {
    const a = new StickyAssignor()
    const first = a.assign(cluster(topics), members(member('C0', subs), member('C1', subs), member('C2', subs)))
    assertValid(first, 8)
    assert.deepEqual(counts(first).sort(), [2, 3, 3])
    // C1 leaves; C0 and C2 report their previous assignment in userData
    const userData = (id: string) => encodeStickyUserData(first.get(id)!.partitions, 1)
    const second = a.assign(
      cluster(topics),
      members(member('C0', subs, { userData: userData('C0') }), member('C2', subs, { userData: userData('C2') })),
    )
    assertValid(second, 8)
    assert.deepEqual(counts(second), [4, 4])
    for (const id of ['C0', 'C2']) {
      const now = new Set(second.get(id)!.partitions.map((tp) => `${tp.topic}-${tp.partition}`))
      for (const tp of first.get(id)!.partitions) assert.ok(now.has(`${tp.topic}-${tp.partition}`), `${id} lost ${tp.topic}-${tp.partition}`)
    }
  })

  it('moves only what balance needs when a member joins', () => {
    const a = new StickyAssignor()
    const owned = tps('t-0', 't-1', 't-2', 't-3', 't-4', 't-5')
    const r = a.assign(
      cluster({ t: 6 }),
      members(member('A', ['t'], { userData: encodeStickyUserData(owned, 3) }), member('B', ['t'])),
    )
    assertValid(r, 6)
    assert.deepEqual(counts(r), [3, 3])
    assert.deepEqual(show(r).A, ['t-0', 't-1', 't-2'])
  })

  it('settles two claims on one partition in favour of the higher generation', () => {
    const a = new StickyAssignor()
    const r = a.assign(
      cluster({ t: 2 }),
      members(
        member('A', ['t'], { userData: encodeStickyUserData(tps('t-0', 't-1'), 4) }),
        member('B', ['t'], { userData: encodeStickyUserData(tps('t-0'), 5) }),
      ),
    )
    assert.deepEqual(show(r), { A: ['t-1'], B: ['t-0'] })
  })

  it('balances members with different subscriptions', () => {
    const r = new StickyAssignor().assign(
      cluster({ a: 3, b: 3 }),
      members(member('X', ['a']), member('Y', ['a', 'b']), member('Z', ['b'])),
    )
    assertValid(r, 6)
    assert.deepEqual(counts(r).sort(), [2, 2, 2])
    for (const tp of r.get('X')!.partitions) assert.equal(tp.topic, 'a')
    for (const tp of r.get('Z')!.partitions) assert.equal(tp.topic, 'b')
  })

  it('writes userData as []{topic, []int32} + int32 generation and reads v0 (no generation) and garbage', () => {
    const expected = bb().i32(2).str('a').i32(1).i32(3).str('b').i32(2).i32(0).i32(1).i32(7).build()
    assert.deepEqual(encodeStickyUserData(tps('b-1', 'a-3', 'b-0'), 7), Buffer.from(expected))
    assert.deepEqual(decodeStickyUserData(Buffer.from(expected)), { partitions: tps('a-3', 'b-0', 'b-1'), generationId: 7 })
    const v0 = bb().i32(1).str('a').i32(1).i32(0).build()
    assert.deepEqual(decodeStickyUserData(Buffer.from(v0)), { partitions: tps('a-0'), generationId: -1 })
    assert.equal(decodeStickyUserData(Buffer.from([0, 0, 0, 9, 1])), null)
    assert.equal(decodeStickyUserData(null), null)
  })

  it('remembers its assignment for the next subscription userData', () => {
    const a = new StickyAssignor()
    assert.equal(a.subscriptionUserData(new Set(['t'])), null)
    a.onAssignment({ partitions: tps('t-1'), userData: null }, { generationId: 9, memberId: 'm' })
    assert.deepEqual(decodeStickyUserData(a.subscriptionUserData(new Set(['t']))), { partitions: tps('t-1'), generationId: 9 })
  })
})

describe('cooperative-sticky assignor', () => {
  it('withholds moving partitions for one round, then hands them over', () => {
    const a = new CooperativeStickyAssignor()
    const c = cluster({ t: 4 })
    const round1 = a.assign(
      c,
      members(member('A', ['t'], { ownedPartitions: tps('t-0', 't-1', 't-2', 't-3'), generationId: 1 }), member('B', ['t'])),
    )
    assert.deepEqual(show(round1), { A: ['t-0', 't-1'], B: [] })
    const round2 = a.assign(
      c,
      members(member('A', ['t'], { ownedPartitions: tps('t-0', 't-1'), generationId: 2 }), member('B', ['t'], { generationId: 2 })),
    )
    assert.deepEqual(show(round2), { A: ['t-0', 't-1'], B: ['t-2', 't-3'] })
  })

  it('userData is the int32 generation from the last assignment', () => {
    const a = new CooperativeStickyAssignor()
    assert.deepEqual(a.subscriptionUserData(new Set()), Buffer.from(bb().i32(-1).build()))
    a.onAssignment({ partitions: [], userData: null }, { generationId: 12, memberId: 'm' })
    assert.deepEqual(a.subscriptionUserData(new Set()), Buffer.from(bb().i32(12).build()))
  })
})

describe('assignor resolution', () => {
  it('resolves names, accepts custom objects and picks the common protocol', () => {
    const custom = { name: 'mine', assign: () => new Map<string, MemberAssignment>() }
    const list = resolveAssignors(['range', 'cooperative-sticky', custom])
    assert.deepEqual(
      list.map((a) => a.name),
      ['range', 'cooperative-sticky', 'mine'],
    )
    assert.equal(commonProtocol(resolveAssignors(['range', 'cooperative-sticky'])), 'eager')
    assert.equal(commonProtocol(resolveAssignors(['cooperative-sticky'])), 'cooperative')
    assert.throws(() => resolveAssignors(['nope']), ConfigError)
    assert.throws(() => resolveAssignors([]), ConfigError)
    assert.throws(() => resolveAssignors(['range', 'range']), ConfigError)
  })
})
