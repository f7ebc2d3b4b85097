// Producer against the reference broker: the happy path with callbacks, acks 0/1/all, keyed
// records placed as the Java client places them, multi-partition batching and flush/close.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { javaPartition } from '../../src/util/murmur2.js'
import type { RecordMetadata } from '../../src/producer/index.js'
import { assertAckedExactlyOnceInOrder, type ProducerEnv, readLogs, setupProducerEnv } from './producer-helpers.js'

let env: ProducerEnv | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

describe('producer (reference broker): happy path', () => {
  it('sends with callbacks; every callback runs once with the metadata the promise resolves to', async () => {
    env = await setupProducerEnv({ nodes: 3, topics: [{ name: 'orders', numPartitions: 3, replicationFactor: 3 }] })
    const producer = env.producer({ lingerMs: 2 })
    const acked: Array<{ value: string; md: RecordMetadata }> = []
    const callbacks = new Map<number, RecordMetadata>()
    const sends = Array.from({ length: 300 }, (_, i) => {
      const value = `v-${i}`
      return producer
        .send({ topic: 'orders', key: `customer-${i % 17}`, value, headers: { trace: `t${i}` } }, (err, md) => {
          assert.equal(err, null)
          assert.equal(callbacks.has(i), false, 'callback runs once')
          callbacks.set(i, md!)
        })
        .then((md) => acked.push({ value, md }))
    })
    await Promise.all(sends)
    assert.equal(callbacks.size, 300)
    for (const a of acked) assert.deepEqual(callbacks.get(Number(a.value.slice(2))), a.md)
    // keys land where the Java client puts them
    for (const a of acked) {
      const i = Number(a.value.slice(2))
      assert.equal(a.md.partition, javaPartition(Buffer.from(`customer-${i % 17}`), 3))
    }
    await producer.close()
    assertAckedExactlyOnceInOrder(acked, await readLogs(env, 'orders', 3))
  })

  for (const acks of [0, 1, 'all'] as const) {
    it(`acks=${acks}`, async () => {
      env = await setupProducerEnv({ nodes: 3, topics: [{ name: 't', numPartitions: 2, replicationFactor: 3 }] })
      const acksOnWire = new Set<number>()
      env.broker.control.onRequest((req) => {
        if (req.apiKey === 0) acksOnWire.add((req.request as { acks: number }).acks)
        return undefined
      })
      const producer = env.producer({ acks, lingerMs: 0 })
      const mds = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic: 't', partition: i % 2, value: `a-${i}` })))
      await producer.close()
      const logs = await readLogs(env, 't', 2)
      if (acks === 0) {
        assert.ok(mds.every((m) => m.offset === -1n), 'acks=0 gives offset -1')
        assert.deepEqual(
          logs.get(0)!.map((r) => r.value),
          Array.from({ length: 10 }, (_, i) => `a-${2 * i}`),
        )
      } else {
        assertAckedExactlyOnceInOrder(
          mds.map((md, i) => ({ value: `a-${i}`, md })),
          logs,
        )
      }
      assert.deepEqual([...acksOnWire], [acks === 'all' ? -1 : acks])
    })
  }

  it('flush sends lingering records; close waits for them', async () => {
    env = await setupProducerEnv({ topics: [{ name: 't', numPartitions: 1 }] })
    const producer = env.producer({ lingerMs: 60_000 })
    const first = producer.send({ topic: 't', value: 'a-0' })
    await producer.flush()
    assert.equal((await first).offset, 0n)
    const second = producer.send({ topic: 't', value: 'a-1' })
    await producer.close()
    assert.equal((await second).offset, 1n)
  })

  it('creates a topic through metadata auto-creation on first send', async () => {
    env = await setupProducerEnv({ brokerConfigs: { 'num.partitions': '2' } })
    const producer = env.producer()
    const md = await producer.send({ topic: 'auto-created', value: 'x-0' })
    assert.equal(md.offset, 0n)
    await producer.close()
  })
})
