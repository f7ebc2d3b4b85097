// Producer reliability scenarios against the reference broker (RELIABILITY-SCENARIOS §C.1). Each
// ends with the same invariant over what was acknowledged: in the log exactly once, at its
// acknowledged offset, in send order per partition; and every promise settled.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { Kafka } from '../../src/client.js'
import { ClosedError, ProtocolError } from '../../src/errors.js'
import { BufferExhaustedError, DeliveryTimeoutError, type RecordMetadata } from '../../src/producer/index.js'
import { ProduceApi } from '../../src/protocol/generated/produce.js'
import { javaPartition } from '../../src/util/murmur2.js'
import { assertAckedExactlyOnceInOrder, type ProducerEnv, readLogs, setupProducerEnv } from './producer-helpers.js'

let env: ProducerEnv | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

type Acked = Array<{ value: string; md: RecordMetadata }>

describe('producer (reference broker): faults', () => {
  it('leader moves every 100 ms during an idempotent acks=all stream: no loss, no duplicates, order kept', async () => {
    env = await setupProducerEnv({ nodes: 3, topics: [{ name: 'moves', numPartitions: 3, replicationFactor: 3 }] })
    const producer = env.producer({ acks: 'all', lingerMs: 1, batchSize: 512, maxInFlightRequestsPerConnection: 5 })
    const control = env.broker.control
    let moves = 0
    const mover = setInterval(() => {
      for (let p = 0; p < 3; p++) {
        const current = control.state.partitionState('moves', p)?.leader ?? 0
        const next = ((current + moves + p) % 3) + (env?.broker.nodes[0]?.nodeId ?? 0)
        if (control.moveLeader('moves', p, next)) moves++
      }
    }, 100)
    const acked: Acked = []
    const failures: unknown[] = []
    try {
      for (let wave = 0; wave < 12; wave++) {
        const sends: Promise<unknown>[] = []
        for (let i = 0; i < 60; i++) {
          const n = wave * 60 + i
          const value = `m-${n}`
          sends.push(
            producer.send({ topic: 'moves', partition: n % 3, value }).then(
              (md) => acked.push({ value, md }),
              (err: unknown) => failures.push(err),
            ),
          )
        }
        await Promise.all(sends)
        await sleep(25)
      }
    } finally {
      clearInterval(mover)
    }
    await producer.close()
    assert.deepEqual(failures, [], 'no send failed (no fatal OUT_OF_ORDER_SEQUENCE_NUMBER)')
    assert.ok(moves >= 6, `leaders moved (${moves} moves)`)
    assert.equal(acked.length, 720)
    assertAckedExactlyOnceInOrder(acked, await readLogs(env, 'moves', 3))
  })

  for (const action of ['closeAfterApply', 'dropAfterApply'] as const) {
    it(`the broker appends, then ${action === 'closeAfterApply' ? 'closes the connection' : 'never answers'}: the retry is deduplicated to the original offset`, async () => {
      env = await setupProducerEnv({ topics: [{ name: 't', numPartitions: 1 }] })
      const producer = env.producer({ lingerMs: 0, requestTimeoutMs: 300, deliveryTimeoutMs: 10_000 })
      await producer.send({ topic: 't', value: 'd-0' })
      let faulted = 0
      env.broker.control.onRequest((req) => {
        if (req.apiKey !== 0 || faulted > 0) return undefined
        faulted++
        return { action }
      })
      const md = await producer.send({ topic: 't', value: 'd-1' })
      const later = await producer.send({ topic: 't', value: 'd-2' })
      await producer.close()
      assert.equal(faulted, 1)
      assert.equal(md.offset, 1n, 'the original offset')
      assert.equal(later.offset, 2n)
      const log = await env.read('t', 0)
      assert.deepEqual(
        log.map((r) => r.value),
        ['d-0', 'd-1', 'd-2'],
      )
      assert.ok(env.broker.control.requests.filter((r) => r.apiKey === 0).length >= 4, 'the faulted request was retried')
    })
  }

  it('NOT_ENOUGH_REPLICAS is retried until the ISR recovers', async () => {
    env = await setupProducerEnv({ nodes: 3, topics: [{ name: 'ner', numPartitions: 2, replicationFactor: 3 }] })
    env.broker.control.queueError({ api: ProduceApi, errorCode: 19, topic: 'ner', partition: 0, count: 4 })
    env.broker.control.queueError({ api: ProduceApi, errorCode: 20, topic: 'ner', partition: 1, count: 2 })
    const producer = env.producer({ lingerMs: 0 })
    const acked: Acked = []
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const value = `n-${i}`
        return producer.send({ topic: 'ner', partition: i % 2, value }).then((md) => acked.push({ value, md }))
      }),
    )
    await producer.close()
    assert.equal(acked.length, 40)
    assertAckedExactlyOnceInOrder(acked, await readLogs(env, 'ner', 2))
  })

  it('NOT_ENOUGH_REPLICAS from a real ISR shrink (min.insync.replicas=2), then recovery', async () => {
    env = await setupProducerEnv({
      nodes: 3,
      brokerConfigs: { 'replica.lag.time.max.ms': '100' },
      topics: [{ name: 'isr', numPartitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }],
    })
    const control = env.broker.control
    const producer = env.producer({ lingerMs: 0, requestTimeoutMs: 1000, deliveryTimeoutMs: 30_000 })
    const acked: Acked = []
    await producer.send({ topic: 'isr', value: 'i-0' }).then((md) => acked.push({ value: 'i-0', md }))
    const leader = control.state.partitionState('isr', 0)!.leader
    const followers = env.broker.nodes.map((n) => n.nodeId).filter((id) => id !== leader)
    for (const f of followers) control.stopReplication(f)
    await sleep(300)
    control.replicateNow()
    const pending = Array.from({ length: 5 }, (_, i) => {
      const value = `i-${i + 1}`
      return producer.send({ topic: 'isr', value }).then((md) => acked.push({ value, md }))
    })
    await control.waitForRequest((r) => r.apiKey === 0 && r.timeMs > 0, 5000)
    await sleep(300)
    for (const f of followers) control.resumeReplication(f)
    await Promise.all(pending)
    await producer.close()
    assert.equal(acked.length, 6)
    assertAckedExactlyOnceInOrder(acked, await readLogs(env, 'isr', 1))
  })

  it('MESSAGE_TOO_LARGE fails only its batch; the other partition in the same request succeeds', async () => {
    env = await setupProducerEnv({
      topics: [{ name: 'big', numPartitions: 2, configs: { 'max.message.bytes': '2000' } }],
    })
    const producer = env.producer({ lingerMs: 50 })
    const ok1 = producer.send({ topic: 'big', partition: 0, value: 's-0' })
    const tooBig = producer.send({ topic: 'big', partition: 1, value: 'x'.repeat(5000) })
    const ok2 = producer.send({ topic: 'big', partition: 0, value: 's-1' })
    await producer.flush()
    await assert.rejects(tooBig, (e: unknown) => e instanceof ProtocolError && e.errorName === 'MESSAGE_TOO_LARGE')
    const acked: Acked = [
      { value: 's-0', md: await ok1 },
      { value: 's-1', md: await ok2 },
    ]
    // the partition that failed keeps working (its sequence gap is handled by an epoch bump)
    const after = await producer.send({ topic: 'big', partition: 1, value: 's-2' })
    acked.push({ value: 's-2', md: after })
    await producer.close()
    const produceRequests = env.broker.control.requests.filter((r) => r.apiKey === 0)
    assert.equal(produceRequests.length, 2, 'both partitions went in one request, then the later record')
    assertAckedExactlyOnceInOrder(acked, await readLogs(env, 'big', 2))
  })

  it('an unknown topic created while the send waits for it: the send succeeds', async () => {
    env = await setupProducerEnv({ autoCreateTopics: false })
    const producer = env.producer({ maxBlockMs: 10_000 })
    const pending = producer.send({ topic: 'later', key: 'k', value: 'l-0' })
    await env.broker.control.waitForRequest((r) => r.apiKey === 3)
    await sleep(150)
    env.broker.createTopic('later', { numPartitions: 2 })
    const md = await pending
    assert.equal(md.offset, 0n)
    await producer.close()
  })

  it('an unknown topic that never appears fails after maxBlockMs with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    env = await setupProducerEnv({ autoCreateTopics: false })
    const producer = env.producer({ maxBlockMs: 300 })
    await assert.rejects(producer.send({ topic: 'never', value: 'x' }), (e: unknown) => e instanceof ProtocolError && e.errorCode === 3)
    await producer.close()
  })

  it('a full buffer blocks sends, then fails them after maxBlockMs; earlier records are still delivered', async () => {
    env = await setupProducerEnv({ topics: [{ name: 't', numPartitions: 1 }] })
    const node = env.broker.nodes[0]!.nodeId
    const producer = env.producer({ bufferMemory: 3000, maxBlockMs: 300, lingerMs: 0 })
    await producer.send({ topic: 't', value: 'b-0' }) // metadata and producer id are ready
    env.broker.control.pauseNode(node)
    // each record reserves ~1420 bytes: two fit in bufferMemory, the third waits
    const value = (i: number) => `${'x'.repeat(1400)}-${i}`
    const first = [1, 2].map((i) => producer.send({ topic: 't', value: value(i) }))
    const blocked = [3, 4, 5].map((i) => producer.send({ topic: 't', value: value(i) }))
    const results = await Promise.allSettled(blocked)
    assert.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof BufferExhaustedError), 'a blocked send failed')
    env.broker.control.resumeNode(node)
    const mds = await Promise.all(first)
    assert.deepEqual(
      mds.map((m) => m.offset),
      [1n, 2n],
    )
    await producer.close()
  })

  it('close during a full outage settles every promise (and every callback) without hanging', async () => {
    env = await setupProducerEnv({ nodes: 2, topics: [{ name: 't', numPartitions: 2, replicationFactor: 2 }] })
    const producer = env.producer({ lingerMs: 0, requestTimeoutMs: 200, deliveryTimeoutMs: 60_000 })
    await producer.send({ topic: 't', value: 'o-0' })
    for (const n of env.broker.nodes) await env.broker.control.stopNode(n.nodeId)
    const unhandled: unknown[] = []
    const onUnhandled = (r: unknown) => unhandled.push(r)
    process.on('unhandledRejection', onUnhandled)
    const callbacks: Array<Error | null> = []
    const promises = Array.from({ length: 30 }, (_, i) =>
      producer.send({ topic: 't', partition: i % 2, value: `o-${i + 1}` }, (err) => callbacks.push(err)),
    )
    await sleep(300)
    await producer.close({ timeoutMs: 200 })
    const results = await Promise.allSettled(promises)
    await sleep(10)
    process.off('unhandledRejection', onUnhandled)
    assert.equal(callbacks.length, 30)
    assert.ok(results.every((r) => r.status === 'rejected' && (r.reason instanceof ClosedError || r.reason instanceof DeliveryTimeoutError)))
    assert.deepEqual(unhandled, [])
  })

  it('leader killed with acks=all, RF=3, min.insync.replicas=2: zero acknowledged-record loss', async () => {
    env = await setupProducerEnv({
      nodes: 3,
      topics: [{ name: 'kill', numPartitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }],
    })
    const control = env.broker.control
    const producer = env.producer({ lingerMs: 1, requestTimeoutMs: 1000, deliveryTimeoutMs: 30_000 })
    const acked: Acked = []
    const failures: unknown[] = []
    const send = (n: number) =>
      producer.send({ topic: 'kill', value: `k-${n}` }).then(
        (md) => acked.push({ value: `k-${n}`, md }),
        (err: unknown) => failures.push(err),
      )
    const first = Array.from({ length: 50 }, (_, i) => send(i))
    await Promise.all(first)
    const leader = control.state.partitionState('kill', 0)!.leader
    const during = Array.from({ length: 50 }, (_, i) => send(50 + i))
    await control.killNode(leader)
    await Promise.all(during)
    await control.startNode(leader)
    await Promise.all(Array.from({ length: 20 }, (_, i) => send(100 + i)))
    await producer.close()
    assert.deepEqual(failures, [])
    assert.equal(acked.length, 120)
    assertAckedExactlyOnceInOrder(acked, await readLogs(env, 'kill', 1))
  })
})

describe('producer (reference broker): metadata changes', () => {
  it('partitions added while producing are used after the metadata refresh; keys follow the new count', async () => {
    env = await setupProducerEnv({ topics: [{ name: 'grow', numPartitions: 2 }] })
    const kafka = new Kafka({ clientId: 'grow', bootstrapServers: env.broker.bootstrap, metadataMaxAgeMs: 100, retryBackoffMs: 10 })
    const producer = kafka.producer({ lingerMs: 0 })
    try {
      for (let i = 0; i < 10; i++) await producer.send({ topic: 'grow', value: `g-${i}` })
      const state = env.broker.control.state
      state.addPartitions(state.topic('grow')!, 4)
      await sleep(250)
      const seen = new Set<number>()
      for (let i = 0; i < 40; i++) {
        const md = await producer.send({ topic: 'grow', key: `key-${i}`, value: `h-${i}` })
        assert.equal(md.partition, javaPartition(Buffer.from(`key-${i}`), 4))
        seen.add(md.partition)
      }
      assert.ok([...seen].some((p) => p >= 2), 'a new partition received records')
    } finally {
      await producer.close()
    }
  })
})

describe('producer (reference broker): sequence edge cases', () => {
  it('20 parallel single-record sends to one partition give 20 distinct offsets and 20 records', async () => {
    env = await setupProducerEnv({ topics: [{ name: 'p20', numPartitions: 1 }] })
    const producer = env.producer({ lingerMs: 0 })
    const mds = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic: 'p20', value: `p-${i}` })))
    assert.equal(new Set(mds.map((m) => m.offset)).size, 20)
    await producer.close()
    assertAckedExactlyOnceInOrder(
      mds.map((md, i) => ({ value: `p-${i}`, md })),
      await readLogs(env, 'p20', 1),
    )
  })

  it('injected OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID: the idempotent producer bumps its epoch, nothing is lost', async () => {
    env = await setupProducerEnv({ topics: [{ name: 'seq', numPartitions: 1 }] })
    const producer = env.producer({ lingerMs: 0 })
    const acked: Acked = []
    const send = async (n: number) => acked.push({ value: `q-${n}`, md: await producer.send({ topic: 'seq', value: `q-${n}` }) })
    await send(0)
    env.broker.control.queueError({ api: ProduceApi, errorCode: 45, topic: 'seq', partition: 0 })
    await send(1)
    env.broker.control.queueError({ api: ProduceApi, errorCode: 59, topic: 'seq', partition: 0 })
    await send(2)
    await send(3)
    await producer.close()
    assertAckedExactlyOnceInOrder(acked, await readLogs(env, 'seq', 1))
  })

  it('a Produce response held past requestTimeoutMs: the connection is reset and the retries keep order', async () => {
    env = await setupProducerEnv({ topics: [{ name: 'slow', numPartitions: 1 }] })
    const producer = env.producer({ lingerMs: 0, batchSize: 64, requestTimeoutMs: 200, deliveryTimeoutMs: 10_000 })
    await producer.send({ topic: 'slow', value: 's-0' })
    let held = 0
    env.broker.control.onRequest((req) => {
      if (req.apiKey !== 0 || held > 0) return undefined
      held++
      return { action: 'delay', delayMs: 600 }
    })
    const acked: Acked = []
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const value = `s-${i + 1}`
        return producer.send({ topic: 'slow', value }).then((md) => acked.push({ value, md }))
      }),
    )
    await producer.close()
    assert.equal(held, 1)
    assertAckedExactlyOnceInOrder(acked, await readLogs(env, 'slow', 1))
  })
})
