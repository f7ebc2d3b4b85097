// Manual commit against the reference broker: a group member reads, commits what it processed
// (record.offset + 1n, computed by the client), is closed and replaced; the new member starts at
// the committed offset, so every record is processed exactly once across the restart. Also:
// commitAsync callback/promise, committed(), auto-commit on close, manual assignment commits.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { TopicPartitionMap } from '../../src/consumer/index.js'
import type { BrokerProfile } from '../fixtures/broker/index.js'
import { type Env, pollUntil, setup, values } from './consumer-helpers.js'

let env: Env | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

describe('consumer commits (reference broker)', () => {
  it('processes every record exactly once across a restart with manual commits', async () => {
    env = await setup({ topics: [{ name: 'orders', numPartitions: 2 }] })
    await env.produce('orders', 0, ['a0', 'a1', 'a2'])
    await env.produce('orders', 1, ['b0', 'b1'])
    const first = env.consumer({ groupId: 'billing', enableAutoCommit: false, autoOffsetReset: 'earliest' })
    first.subscribe(['orders'])
    const processed: string[] = []
    const batch1 = await pollUntil(first, (rs) => rs.length >= 5)
    processed.push(...values(batch1))
    const committed = await first.commitSync()
    assert.equal(committed.get('orders', 0)?.offset, 3n)
    assert.equal(committed.get('orders', 1)?.offset, 2n)
    await first.close()

    await env.produce('orders', 0, ['a3'])
    await env.produce('orders', 1, ['b2', 'b3'])
    const second = env.consumer({ groupId: 'billing', enableAutoCommit: false, autoOffsetReset: 'earliest' })
    second.subscribe(['orders'])
    const batch2 = await pollUntil(second, (rs) => rs.length >= 3)
    processed.push(...values(batch2))
    // commit only through the records handed over: the client adds one
    await second.commitSync(batch2)
    assert.deepEqual(processed.sort(), ['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3'])
    const c = await second.committed([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ])
    assert.equal(c.get('orders', 0)?.offset, 4n)
    assert.equal(c.get('orders', 1)?.offset, 4n)
    assert.equal(typeof c.get('orders', 0)?.leaderEpoch, 'number')
    // nothing more to read
    assert.equal((await second.poll(50)).count, 0)
  })

  it('commitAsync settles its callback and its promise once, from one outcome', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['x', 'y'])
    const c = env.consumer({ groupId: 'g', enableAutoCommit: false, autoOffsetReset: 'earliest' })
    c.subscribe(['t'])
    await pollUntil(c, (rs) => rs.length >= 2)
    const calls: [Error | null, string][] = []
    const result = await c.commitAsync((err, offsets) => calls.push([err, JSON.stringify(offsets.toJSON(), (_k, v) => (typeof v === 'bigint' ? String(v) : v))]))
    assert.equal(result.get('t', 0)?.offset, 2n)
    assert.equal(calls.length, 1)
    assert.equal(calls[0]![0], null)
    // a failing commit (no such group member any more) reaches the callback, and nothing goes unhandled
    await c.close()
    const failed: unknown[] = []
    const p = c.commitAsync((err) => failed.push(err))
    await assert.rejects(p)
    assert.equal(failed.length, 1)
  })

  it('commits positions on close when auto-commit is on (Java default)', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['1', '2', '3'])
    const c = env.consumer({ groupId: 'auto', autoOffsetReset: 'earliest' })
    assert.equal(c.options.enableAutoCommit, true)
    c.subscribe(['t'])
    await pollUntil(c, (rs) => rs.length >= 3)
    await c.close()
    const probe = env.consumer({ groupId: 'auto' })
    const committed = await probe.committed([{ topic: 't', partition: 0 }])
    assert.equal(committed.get('t', 0)?.offset, 3n)
  })

  it('commits explicit offsets for a manual assignment (generation -1) and reads them back', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['1', '2', '3'])
    const c = env.consumer({ groupId: 'manual', enableAutoCommit: false })
    c.assign([{ topic: 't', partition: 0 }])
    await c.commitSync([{ topic: 't', partition: 0, offset: 2n, metadata: 'note' }])
    const back = await c.committed([{ topic: 't', partition: 0 }])
    assert.deepEqual(back.get('t', 0), { offset: 2n, metadata: 'note', leaderEpoch: null })
    // the committed offset is where a fresh consumer of the group starts
    const rs = await pollUntil(c, (all) => all.length >= 1)
    assert.deepEqual(values(rs), ['3'])
    const map = new TopicPartitionMap([[{ topic: 't', partition: 0 }, { offset: 1n, metadata: null, leaderEpoch: null }]])
    await c.commitSync(map)
    assert.equal((await c.committed([{ topic: 't', partition: 0 }])).get('t', 0)?.offset, 1n)
  })

  for (const profile of ['2.8', '3.x', '4.x'] as BrokerProfile[]) {
    it(`joins, consumes, commits and resumes against an emulated Kafka ${profile}`, async () => {
      env = await setup({ profile, topics: [{ name: 'v', numPartitions: 2 }] })
      await env.produce('v', 0, ['p0-a', 'p0-b'])
      await env.produce('v', 1, ['p1-a'])
      const c = env.consumer({ groupId: `compat-${profile}`, enableAutoCommit: false, autoOffsetReset: 'earliest' })
      c.subscribe(['v'])
      assert.deepEqual(values(await pollUntil(c, (rs) => rs.length >= 3)).sort(), ['p0-a', 'p0-b', 'p1-a'])
      await c.commitSync()
      await c.close()
      await env.produce('v', 1, ['p1-b'])
      const next = env.consumer({ groupId: `compat-${profile}`, enableAutoCommit: false, autoOffsetReset: 'earliest' })
      next.subscribe(['v'])
      assert.deepEqual(values(await pollUntil(next, (rs) => rs.length >= 1)), ['p1-b'])
      const committed = await next.committed([{ topic: 'v', partition: 0 }])
      assert.equal(committed.get('v', 0)?.offset, 2n)
    })
  }
})
