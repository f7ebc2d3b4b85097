// Two-member group rebalances against the reference broker, eager (range) and cooperative
// (cooperative-sticky): revoke/assign callbacks run inside poll(), each partition has one owner
// at a time, the member that gives a partition up commits it in onPartitionsRevoked, and every
// record is processed exactly once (commitSync after each poll leaves no at-least-once window).
// Also: a member that stops polling for maxPollIntervalMs leaves; its partitions are lost.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import type { Consumer, ConsumerRebalanceListener, TopicPartition } from '../../src/consumer/index.js'
import { type Env, setup } from './consumer-helpers.js'

let env: Env | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

const names = (tps: TopicPartition[]) => tps.map((tp) => `${tp.topic}-${tp.partition}`).sort()

interface Member {
  readonly consumer: Consumer
  readonly events: string[]
  readonly processed: string[]
}

function member(e: Env, id: string, strategy: string[], owners: Map<string, string>): Member {
  const consumer = e.consumer({
    groupId: 'rebalance',
    enableAutoCommit: false,
    autoOffsetReset: 'earliest',
    partitionAssignmentStrategy: strategy,
    sessionTimeoutMs: 5000,
    heartbeatIntervalMs: 100,
  })
  const events: string[] = []
  const listener: ConsumerRebalanceListener = {
    onPartitionsRevoked: async (tps) => {
      events.push(`revoked:${names(tps).join(',')}`)
      await consumer.commitSync()
      for (const tp of tps) owners.delete(`${tp.topic}-${tp.partition}`)
    },
    onPartitionsAssigned: (tps) => {
      events.push(`assigned:${names(tps).join(',')}`)
      for (const tp of tps) {
        const key = `${tp.topic}-${tp.partition}`
        const owner = owners.get(key)
        assert.ok(owner === undefined || owner === id, `${key} assigned to ${id} while ${owner} owns it`)
        owners.set(key, id)
      }
    },
    onPartitionsLost: (tps) => {
      events.push(`lost:${names(tps).join(',')}`)
    },
  }
  consumer.subscribe(['t'], listener)
  return { consumer, events, processed: [] }
}

async function pollOnce(m: Member): Promise<void> {
  const records = await m.consumer.poll(50)
  for (const r of records) m.processed.push(r.value!.toString())
  if (records.count > 0) await m.consumer.commitSync()
}

async function run(members: Member[], until: () => boolean, maxRounds = 400): Promise<void> {
  for (let i = 0; i < maxRounds && !until(); i++) await Promise.all(members.map(pollOnce))
  assert.ok(until(), 'condition not reached')
}

async function scenario(strategy: string[]): Promise<{ a: Member; b: Member; all: string[] }> {
  env = await setup({ topics: [{ name: 't', numPartitions: 4 }] })
  const e = env
  const all: string[] = []
  const produce = async (round: number) => {
    for (let p = 0; p < 4; p++) {
      const vs = [0, 1, 2].map((i) => `r${round}-p${p}-${i}`)
      all.push(...vs)
      await e.produce('t', p, vs)
    }
  }
  await produce(0)
  const owners = new Map<string, string>()
  const a = member(e, 'A', strategy, owners)
  await run([a], () => a.processed.length >= 12)
  assert.equal(a.consumer.assignment().length, 4)
  await produce(1)
  const b = member(e, 'B', strategy, owners)
  await run([a, b], () => a.consumer.assignment().length === 2 && b.consumer.assignment().length === 2)
  await produce(2)
  await run([a, b], () => a.processed.length + b.processed.length >= all.length)
  // a few more rounds: nothing else may arrive
  for (let i = 0; i < 3; i++) await Promise.all([a, b].map(pollOnce))
  return { a, b, all }
}

function assertExactlyOnce(a: Member, b: Member, all: string[]): void {
  const seen = [...a.processed, ...b.processed]
  assert.equal(seen.length, all.length, 'no record processed twice')
  assert.deepEqual(seen.sort(), [...all].sort())
  const ownedA = new Set(names(a.consumer.assignment()))
  for (const tp of names(b.consumer.assignment())) assert.ok(!ownedA.has(tp), `${tp} owned twice`)
}

describe('group rebalance (reference broker)', () => {
  it('eager (range): everything is revoked, then split; no record lost or duplicated', async () => {
    const { a, b, all } = await scenario(['range', 'cooperative-sticky'])
    assertExactlyOnce(a, b, all)
    // range splits by member id order, which the coordinator's random ids decide
    const [x, y] = a.events[2] === 'assigned:t-0,t-1' ? ['t-0,t-1', 't-2,t-3'] : ['t-2,t-3', 't-0,t-1']
    assert.deepEqual(a.events, ['assigned:t-0,t-1,t-2,t-3', 'revoked:t-0,t-1,t-2,t-3', `assigned:${x}`])
    assert.deepEqual(b.events, [`assigned:${y}`])
    assert.equal(a.consumer.groupMetadata().generationId, b.consumer.groupMetadata().generationId)
  })

  it('cooperative (cooperative-sticky): only moving partitions are revoked, in a second round', async () => {
    const { a, b, all } = await scenario(['cooperative-sticky'])
    assertExactlyOnce(a, b, all)
    assert.equal(a.events[0], 'assigned:t-0,t-1,t-2,t-3')
    const revoked = a.events.filter((e) => e.startsWith('revoked:'))
    assert.equal(revoked.length, 1)
    assert.equal(revoked[0]!.split(',').length, 2, 'two partitions move')
    assert.ok(!a.events.some((e) => e.startsWith('lost:')))
    // B got exactly what A gave up
    const moved = revoked[0]!.slice('revoked:'.length)
    assert.ok(b.events.includes(`assigned:${moved}`), `${b.events.join(' | ')} should include assigned:${moved}`)
  })

  it('a member that does not poll within maxPollIntervalMs leaves; it finds its partitions lost and rejoins', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 2 }] })
    await env.produce('t', 0, ['x'])
    const c = env.consumer({ groupId: 'slow', enableAutoCommit: false, autoOffsetReset: 'earliest', maxPollIntervalMs: 300, heartbeatIntervalMs: 50, sessionTimeoutMs: 5000 })
    const events: string[] = []
    c.subscribe(['t'], {
      onPartitionsAssigned: (tps) => void events.push(`assigned:${names(tps).join(',')}`),
      onPartitionsRevoked: (tps) => void events.push(`revoked:${names(tps).join(',')}`),
      onPartitionsLost: (tps) => void events.push(`lost:${names(tps).join(',')}`),
    })
    for (let i = 0; i < 50 && c.assignment().length === 0; i++) await c.poll(50)
    const generation = c.groupMetadata().generationId
    assert.ok(generation > 0)
    // stop polling: the heartbeat loop notices and sends LeaveGroup
    const left = await env.broker.control.waitForRequest((r) => r.apiName === 'LeaveGroup', 5000)
    assert.ok(left)
    assert.equal(c.groupMetadata().generationId, -1)
    for (let i = 0; i < 50 && c.groupMetadata().generationId < 0; i++) await c.poll(50)
    assert.ok(c.groupMetadata().generationId > generation)
    assert.deepEqual(events, ['assigned:t-0,t-1', 'lost:t-0,t-1', 'assigned:t-0,t-1'])
  })
})
