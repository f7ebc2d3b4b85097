// Consumer lifecycle against the reference broker: pattern subscriptions (a new matching topic
// triggers a rebalance), `for await` iteration ending at close(), close() during a blocked poll,
// stale fetch data discarded after a seek while the fetch was in flight (RELIABILITY C.2 25),
// misuse errors (concurrent poll, poll without subscription, groupProtocol 'consumer').
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { resolveClientOptions } from '../../src/client-options.js'
import { Cluster } from '../../src/cluster/cluster.js'
import { Consumer, IllegalStateError } from '../../src/consumer/index.js'
import { ClosedError, UnsupportedVersionError } from '../../src/errors.js'
import { type Env, pollUntil, setup, values } from './consumer-helpers.js'

let env: Env | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

describe('consumer lifecycle (reference broker)', () => {
  it('a pattern subscription picks up a new matching topic through a rebalance', async () => {
    env = await setup({ topics: [{ name: 'logs-a', numPartitions: 1 }, { name: 'other', numPartitions: 1 }] })
    await env.produce('logs-a', 0, ['a'])
    await env.produce('other', 0, ['x'])
    const c = env.consumer({ groupId: 'pattern', autoOffsetReset: 'earliest' }, { metadataMaxAgeMs: 100 })
    c.subscribe(/^logs-/)
    assert.deepEqual(values(await pollUntil(c, (rs) => rs.length >= 1)), ['a'])
    assert.deepEqual(c.subscription(), ['logs-a'])
    env.broker.createTopic('logs-b', { numPartitions: 1 })
    await env.produce('logs-b', 0, ['b'])
    const more = await pollUntil(c, (rs) => rs.length >= 1, { maxPolls: 200 })
    assert.deepEqual(values(more), ['b'])
    assert.deepEqual(c.subscription(), ['logs-a', 'logs-b'])
    assert.deepEqual(
      c.assignment().map((tp) => tp.topic).sort(),
      ['logs-a', 'logs-b'],
    )
  })

  it('for await yields non-empty batches and ends when the consumer closes', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['1', '2', '3'])
    const c = env.consumer({ groupId: 'iter', autoOffsetReset: 'earliest' })
    c.subscribe(['t'])
    const seen: string[] = []
    for await (const records of c) {
      assert.ok(records.count > 0)
      for (const r of records) seen.push(r.value!.toString())
      if (seen.length >= 3) void c.close()
    }
    assert.deepEqual(seen, ['1', '2', '3'])
  })

  it('close() while poll() waits: the poll rejects with ClosedError and close resolves', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    const c = env.consumer({ autoOffsetReset: 'earliest' })
    c.assign([{ topic: 't', partition: 0 }])
    const polling = assert.rejects(c.poll(30_000), ClosedError)
    await new Promise((resolve) => setImmediate(resolve))
    await c.close()
    await polling
    assert.throws(() => c.seek({ topic: 't', partition: 0 }, 0n), ClosedError)
  })

  it('drops data of a fetch that was in flight when the position moved', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['a', 'b', 'c'])
    const tp = { topic: 't', partition: 0 }
    const c = env.consumer({ autoOffsetReset: 'earliest' })
    c.assign([tp])
    assert.equal(await c.position(tp), 0n)
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    env.broker.control.onRequest((r) => (r.apiName === 'Fetch' ? { action: 'hold', until: held } : undefined))
    assert.equal((await c.poll(20)).count, 0) // the Fetch for offset 0 is now held
    c.seek(tp, 2n)
    env.broker.control.clearHooks()
    release()
    const rs = await pollUntil(c, (all) => all.length >= 1)
    assert.deepEqual(values(rs), ['c'])
  })

  it('rejects misuse with typed errors', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    const c = env.consumer({ groupId: 'g' })
    await assert.rejects(c.poll(0), IllegalStateError)
    c.assign([{ topic: 't', partition: 0 }])
    const first = c.poll(50)
    await assert.rejects(c.poll(0), IllegalStateError)
    await first
    assert.throws(() => c.subscribe(['t']), IllegalStateError)
    const options = resolveClientOptions({ bootstrapServers: env.broker.bootstrap })
    const cluster = new Cluster(options)
    try {
      assert.throws(() => new Consumer(cluster, options, { groupId: 'g', groupProtocol: 'consumer' }), UnsupportedVersionError)
    } finally {
      await cluster.close()
    }
  })
})
