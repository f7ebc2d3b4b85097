// read_committed against the reference broker's transaction coordinator: aborted transactions are
// skipped, committed ones delivered, control markers never delivered but passed over (the position
// ends after the last marker), an open transaction blocks at the LSO, and endOffsets under
// read_committed is the LSO. read_uncommitted sees the aborted records too.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { type Env, pollUntil, setup, values } from './consumer-helpers.js'

let env: Env | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

const tp = { topic: 't', partition: 0 }

describe('transactions and isolation (reference broker)', () => {
  it('read_committed skips aborted transactions and passes over the markers', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['plain-1'])
    await env.transaction('tx-a', 't', 0, ['aborted-1', 'aborted-2'], false)
    await env.transaction('tx-b', 't', 0, ['committed-1'], true)
    await env.produce('t', 0, ['plain-2'])
    await env.transaction('tx-a', 't', 0, ['committed-2'], true)
    const end = await env.consumer().endOffsets([tp])
    const committed = env.consumer({ isolationLevel: 'read_committed', autoOffsetReset: 'earliest' })
    committed.assign([tp])
    const seen = values(await pollUntil(committed, (rs) => rs.length >= 4))
    for (let i = 0; i < 3; i++) seen.push(...values([...(await committed.poll(30))]))
    assert.deepEqual(seen, ['plain-1', 'committed-1', 'plain-2', 'committed-2'])
    assert.equal(await committed.position(tp), end.get(tp))
    const uncommitted = env.consumer({ autoOffsetReset: 'earliest' })
    uncommitted.assign([tp])
    const all = values(await pollUntil(uncommitted, (rs) => rs.length >= 6))
    assert.deepEqual(all, ['plain-1', 'aborted-1', 'aborted-2', 'committed-1', 'plain-2', 'committed-2'])
  })

  it('a partition holding only markers and aborted data still advances the position', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.transaction('tx', 't', 0, ['gone-1'], false)
    await env.transaction('tx', 't', 0, ['gone-2'], false)
    const c = env.consumer({ isolationLevel: 'read_committed', autoOffsetReset: 'earliest' })
    c.assign([tp])
    const end = (await c.endOffsets([tp])).get(tp)!
    assert.equal(end, 4n)
    for (let i = 0; i < 50 && (await c.position(tp)) < end; i++) assert.equal((await c.poll(30)).count, 0)
    assert.equal(await c.position(tp), end)
  })
})

describe('last stable offset (reference broker)', () => {
  it('an open transaction holds read_committed consumers at the LSO until it commits', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['before'])
    await env.transaction('open-tx', 't', 0, ['inside'], 'open')
    await env.produce('t', 0, ['after'])
    const c = env.consumer({ isolationLevel: 'read_committed', autoOffsetReset: 'earliest' })
    c.assign([tp])
    assert.equal((await c.endOffsets([tp])).get(tp), 1n)
    const seen = values(await pollUntil(c, (rs) => rs.length >= 1))
    for (let i = 0; i < 3; i++) seen.push(...values([...(await c.poll(30))]))
    assert.deepEqual(seen, ['before'])
    await env.endTransaction('open-tx', true)
    seen.push(...values(await pollUntil(c, (rs) => rs.length >= 2)))
    assert.deepEqual(seen, ['before', 'inside', 'after'])
  })
})
