import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import { describe, it } from 'node:test'
import { ClosedError, ConnectionError, ProtocolError, RetriesExhaustedError } from '../../../src/errors.js'
import { BufferExhaustedError, DeliveryTimeoutError, InvalidRecordError, SerializationError } from '../../../src/producer/errors.js'
import { Producer } from '../../../src/producer/producer.js'
import type { ProducerOptions } from '../../../src/producer/options.js'
import type { RecordMetadata } from '../../../src/producer/types.js'
import { FakeCluster } from './fake-cluster.js'

const FAST = { lingerMs: 0, retryBackoffMs: 1, retryBackoffMaxMs: 5, requestTimeoutMs: 1000 } as const

function setup(options: ProducerOptions = {}, partitions = 3) {
  const cluster = new FakeCluster()
  cluster.addTopic('t', partitions)
  const producer = new Producer(cluster, { ...FAST, ...options })
  return { cluster, producer }
}

/** Offsets per partition must be 0..n-1 and values must be in send order. */
function assertOrdered(metadata: RecordMetadata[], values: string[], stored: (p: number) => (string | null)[]) {
  const byPartition = new Map<number, Array<{ md: RecordMetadata; value: string }>>()
  metadata.forEach((md, i) => {
    const list = byPartition.get(md.partition) ?? []
    list.push({ md, value: values[i]! })
    byPartition.set(md.partition, list)
  })
  for (const [p, list] of byPartition) {
    assert.deepEqual(
      list.map((x) => x.md.offset),
      list.map((_, i) => BigInt(i)),
      `offsets of partition ${p}`,
    )
    assert.deepEqual(stored(p), list.map((x) => x.value), `log of partition ${p}: no loss, no duplicates, in order`)
  }
}

describe('Producer send', () => {
  it('acks records with offsets, through the promise and the callback, once each', async () => {
    const { cluster, producer } = setup()
    const calls: Array<[Error | null, RecordMetadata | null]> = []
    const values = Array.from({ length: 30 }, (_, i) => `v${i}`)
    let callbackCount = 0
    const promises = values.map((v, i) =>
      producer.send({ topic: 't', key: `k${i % 5}`, value: v }, (e, m) => {
        callbackCount++
        calls[i] = [e, m]
      }),
    )
    const mds = await Promise.all(promises)
    assert.equal(callbackCount, 30)
    calls.forEach(([e, m], i) => {
      assert.equal(e, null)
      assert.deepEqual(m, mds[i])
    })
    assert.equal(mds[0]!.serializedKeySize, 2)
    assert.equal(mds[0]!.serializedValueSize, 2)
    assertOrdered(mds, values, (p) => cluster.values('t', p))
    // idempotent by default: one producer id, sequences from 0
    assert.ok(cluster.otherCalls.some((c) => c.api === 'InitProducerId'))
    assert.ok(cluster.produceCalls.every((c) => c.batches.every((b) => b.producerId === 1000n)))
    await producer.close()
  })

  it('batches while lingering and flush() sends at once; one request carries several partitions', async () => {
    const { cluster, producer } = setup({ lingerMs: 60_000 })
    const ps = [0, 1, 2, 0, 1, 2].map((p, i) => producer.send({ topic: 't', partition: p, value: `x${i}` }))
    await new Promise((r) => setImmediate(r))
    assert.equal(cluster.produceCalls.length, 0, 'still lingering')
    await producer.flush()
    const mds = await Promise.all(ps)
    assert.equal(cluster.produceCalls.length, 1)
    assert.equal(cluster.produceCalls[0]!.batches.length, 3)
    assert.deepEqual(
      mds.map((m) => m.offset),
      [0n, 0n, 0n, 1n, 1n, 1n],
    )
    await producer.close()
  })

  it('keeps at most maxInFlightRequestsPerConnection requests per broker', async () => {
    const { cluster, producer } = setup({ batchSize: 1, maxInFlightRequestsPerConnection: 2 }, 1)
    cluster.requestFaults.push(() => 'hold')
    const ps = Array.from({ length: 6 }, (_, i) => producer.send({ topic: 't', value: `v${i}` }))
    while (cluster.held.length < 2) await new Promise((r) => setImmediate(r))
    await new Promise((r) => setTimeout(r, 5))
    assert.equal(cluster.held.length, 2)
    cluster.requestFaults.length = 0
    cluster.release()
    const mds = await Promise.all(ps)
    assertOrdered(mds, ['v0', 'v1', 'v2', 'v3', 'v4', 'v5'], (p) => cluster.values('t', p))
    await producer.close()
  })

  it('acks=0 resolves with offset -1 without a response', async () => {
    const { cluster, producer } = setup({ acks: 0 })
    const md = await producer.send({ topic: 't', partition: 1, value: 'fire' })
    assert.equal(md.offset, -1n)
    assert.equal(cluster.produceCalls[0]!.request.acks, 0)
    assert.equal(cluster.produceCalls[0]!.batches[0]!.producerId, -1n, 'idempotence is off with acks=0')
    await producer.close()
  })

  it('acks=1 and acks=all go on the wire as 1 and -1', async () => {
    for (const acks of [1, 'all'] as const) {
      const { cluster, producer } = setup({ acks })
      await producer.send({ topic: 't', value: 'a' })
      assert.equal(cluster.produceCalls[0]!.request.acks, acks === 1 ? 1 : -1)
      await producer.close()
    }
  })
})

describe('Producer bad input', () => {
  it('rejects (typed) instead of throwing, and never leaves an unhandled rejection with a callback', async () => {
    const { producer } = setup()
    const unhandled: unknown[] = []
    const onUnhandled = (r: unknown) => unhandled.push(r)
    process.on('unhandledRejection', onUnhandled)
    try {
      const errors: Array<Error | null> = []
      const cb = (e: Error | null) => errors.push(e)
      producer.send({ topic: '', value: 'x' }, cb)
      producer.send({ topic: 't', partition: 7, value: 'x' }, cb)
      producer.send({ topic: 't', value: { not: 'a buffer' } as unknown as string }, cb)
      producer.send({ topic: 't', value: Buffer.alloc(2_000_000) }, cb)
      producer.send({ topic: 't', partition: -1, value: 'x' }, cb)
      producer.send({ topic: 't', value: 'x', timestamp: 1.5 }, cb)
      producer.send(null as unknown as { topic: string; value: string }, cb)
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
      assert.equal(errors.length, 7)
      assert.ok(errors[0] instanceof InvalidRecordError)
      assert.ok(errors[1] instanceof InvalidRecordError)
      assert.ok(errors[2] instanceof SerializationError)
      assert.ok(errors[3] instanceof ProtocolError)
      assert.equal((errors[3] as ProtocolError).errorName, 'MESSAGE_TOO_LARGE')
      assert.ok(errors[4] instanceof InvalidRecordError)
      assert.ok(errors[5] instanceof InvalidRecordError)
      assert.ok(errors[6] instanceof InvalidRecordError)
      await assert.rejects(producer.send({ topic: '', value: 'x' }), InvalidRecordError)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    assert.deepEqual(unhandled, [])
    await producer.close()
  })

  it('rejects sends after close with ClosedError', async () => {
    const { producer } = setup()
    await producer.close()
    await assert.rejects(producer.send({ topic: 't', value: 'x' }), ClosedError)
  })
})

describe('Producer retries and idempotence', () => {
  it('retries NOT_LEADER_OR_FOLLOWER with the same sequence, refreshing metadata', async () => {
    const { cluster, producer } = setup({}, 1)
    let n = 0
    cluster.partitionFaults.push(() => (n++ < 2 ? { error: 6 } : undefined))
    const md = await producer.send({ topic: 't', value: 'a' })
    assert.equal(md.offset, 0n)
    assert.ok(cluster.stale.includes('t'))
    const seqs = cluster.produceCalls.map((c) => [c.batches[0]!.producerEpoch, c.batches[0]!.baseSequence])
    assert.deepEqual(seqs, [
      [0, 0],
      [0, 0],
      [0, 0],
    ])
    await producer.close()
  })

  it('a response lost after the append is deduplicated: the original offset comes back', async () => {
    const { cluster, producer } = setup({}, 1)
    await producer.send({ topic: 't', value: 'first' })
    let dropped = false
    cluster.partitionFaults.push(() => {
      if (dropped) return undefined
      dropped = true
      return 'drop-response-after-append'
    })
    const md = await producer.send({ topic: 't', value: 'second' })
    assert.equal(md.offset, 1n)
    assert.deepEqual(cluster.values('t', 0), ['first', 'second'])
    assert.equal(cluster.produceCalls.length, 3)
    await producer.close()
  })

  it('keeps order when an earlier in-flight batch fails and later ones get OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const { cluster, producer } = setup({ batchSize: 1 }, 1)
    let failFirst = true
    cluster.partitionFaults.push((_t, _p, call) => {
      if (failFirst && call.batches[0]!.baseSequence === 0) {
        failFirst = false
        return { error: 19 } // NOT_ENOUGH_REPLICAS: not appended
      }
      return undefined
    })
    const values = Array.from({ length: 8 }, (_, i) => `v${i}`)
    const mds = await Promise.all(values.map((v) => producer.send({ topic: 't', value: v })))
    assertOrdered(mds, values, (p) => cluster.values('t', p))
    assert.ok(cluster.produceCalls.length > 8, 'retries happened')
    await producer.close()
  })

  it('without idempotence, maxInFlightRequestsPerConnection=1 keeps order across retries (one batch per partition on the wire)', async () => {
    const { cluster, producer } = setup({ enableIdempotence: false, maxInFlightRequestsPerConnection: 1, batchSize: 1 }, 1)
    let failures = 2
    cluster.partitionFaults.push(() => (failures-- > 0 ? { error: 6 } : undefined))
    const values = Array.from({ length: 6 }, (_, i) => `v${i}`)
    const mds = await Promise.all(values.map((v) => producer.send({ topic: 't', value: v })))
    assertOrdered(mds, values, (p) => cluster.values('t', p))
    assert.ok(cluster.produceCalls.every((c) => c.batches.length === 1 && c.batches[0]!.producerId === -1n))
    await producer.close()
  })

  it('DUPLICATE_SEQUENCE_NUMBER counts as success', async () => {
    const { cluster, producer } = setup({}, 1)
    cluster.partitionFaults.push(() => ({ error: 46 }))
    const md = await producer.send({ topic: 't', value: 'a' })
    assert.equal(md.offset, -1n)
    await producer.close()
  })

  it('a real gap (OUT_OF_ORDER for the expected sequence) bumps the epoch and restarts at sequence 0', async () => {
    const { cluster, producer } = setup({}, 1)
    await producer.send({ topic: 't', value: 'a' })
    let once = true
    cluster.partitionFaults.push(() => {
      if (!once) return undefined
      once = false
      return { error: 45 }
    })
    const md = await producer.send({ topic: 't', value: 'b' })
    assert.equal(md.offset, 1n)
    const last = cluster.produceCalls[cluster.produceCalls.length - 1]!.batches[0]!
    assert.deepEqual([last.producerId, last.producerEpoch, last.baseSequence], [1000n, 1, 0])
    assert.deepEqual(cluster.values('t', 0), ['a', 'b'])
    await producer.close()
  })

  it('MESSAGE_TOO_LARGE fails only its batch; the other partition in the request succeeds', async () => {
    const { cluster, producer } = setup({ lingerMs: 60_000 })
    cluster.partitionFaults.push((_t, p) => (p === 1 ? { error: 10 } : undefined))
    const a = producer.send({ topic: 't', partition: 0, value: 'ok' })
    const b = producer.send({ topic: 't', partition: 1, value: 'too big' })
    const c = producer.send({ topic: 't', partition: 2, value: 'ok too' })
    await producer.flush()
    assert.equal((await a).offset, 0n)
    assert.equal((await c).offset, 0n)
    await assert.rejects(b, (e: unknown) => e instanceof ProtocolError && e.errorName === 'MESSAGE_TOO_LARGE')
    assert.equal(cluster.produceCalls.length, 1)
    // the failed batch left a sequence gap on partition 1: the next batch there starts a new epoch
    cluster.partitionFaults.length = 0
    const next = producer.send({ topic: 't', partition: 1, value: 'next' })
    await producer.flush()
    assert.equal((await next).offset, 0n)
    const last = cluster.produceCalls[cluster.produceCalls.length - 1]!.batches[0]!
    assert.deepEqual([last.producerEpoch, last.baseSequence], [1, 0])
    await producer.close()
  })

  it('does not retry non-retriable or unknown error codes', async () => {
    const { cluster, producer } = setup({}, 1)
    cluster.partitionFaults.push(() => ({ error: 9999 }))
    await assert.rejects(producer.send({ topic: 't', value: 'a' }), (e: unknown) => e instanceof ProtocolError && e.errorCode === 9999)
    assert.equal(cluster.produceCalls.length, 1)
    await producer.close()
  })

  it('retries up to `retries` times', async () => {
    const { cluster, producer } = setup({ retries: 2, enableIdempotence: false }, 1)
    cluster.partitionFaults.push(() => ({ error: 7 }))
    await assert.rejects(producer.send({ topic: 't', value: 'a' }), (e: unknown) => e instanceof RetriesExhaustedError && e.errors.length === 3)
    assert.equal(cluster.produceCalls.length, 3)
    await producer.close()
  })

  it('gives up after deliveryTimeoutMs with the last error', async () => {
    const { cluster, producer } = setup({ deliveryTimeoutMs: 60, requestTimeoutMs: 50 }, 1)
    cluster.partitionFaults.push(() => ({ error: 19 }))
    await assert.rejects(
      producer.send({ topic: 't', value: 'a' }),
      (e: unknown) => e instanceof DeliveryTimeoutError && e.errors.length > 0 && e.errors.every((x) => x instanceof ProtocolError),
    )
    await producer.close()
  })

  it('fails after deliveryTimeoutMs when the partition never gets a leader', async () => {
    const cluster = new FakeCluster()
    cluster.addTopic('t', 1, () => -1)
    const producer = new Producer(cluster, { ...FAST, deliveryTimeoutMs: 60, requestTimeoutMs: 50 })
    await assert.rejects(producer.send({ topic: 't', value: 'a' }), DeliveryTimeoutError)
    assert.ok(cluster.refreshes > 0)
    await producer.close()
  })
})

describe('Producer metadata and memory waits', () => {
  it('waits for an unknown topic and sends once it appears', async () => {
    const cluster = new FakeCluster()
    const producer = new Producer(cluster, FAST)
    let refreshes = 0
    const original = cluster.refreshMetadata.bind(cluster)
    cluster.refreshMetadata = (topics) => {
      if (++refreshes === 3) {
        cluster.pendingTopics.set('late', { topic: 'late', partitionCount: 2, availablePartitions: [0, 1], leaders: [1, 1] })
      }
      return original(topics)
    }
    const md = await producer.send({ topic: 'late', key: 'k', value: 'v' })
    assert.equal(md.topic, 'late')
    assert.ok(refreshes >= 3)
    await producer.close()
  })

  it('fails with UNKNOWN_TOPIC_OR_PARTITION after maxBlockMs when the topic never appears', async () => {
    const cluster = new FakeCluster()
    const producer = new Producer(cluster, { ...FAST, maxBlockMs: 30 })
    await assert.rejects(producer.send({ topic: 'nope', value: 'v' }), (e: unknown) => e instanceof ProtocolError && e.errorCode === 3)
    await producer.close()
  })

  it('blocks on a full buffer, then fails after maxBlockMs; the first record is still delivered', async () => {
    const { cluster, producer } = setup({ bufferMemory: 200, maxBlockMs: 30 }, 1)
    cluster.requestFaults.push(() => 'hold')
    const first = producer.send({ topic: 't', value: 'x'.repeat(100) })
    const second = producer.send({ topic: 't', value: 'y'.repeat(100) })
    await assert.rejects(second, BufferExhaustedError)
    cluster.requestFaults.length = 0
    cluster.release()
    assert.equal((await first).offset, 0n)
    await producer.close()
  })

  it('a blocked send proceeds when memory comes back', async () => {
    const { cluster, producer } = setup({ bufferMemory: 200, maxBlockMs: 10_000 }, 1)
    cluster.requestFaults.push(() => 'hold')
    const first = producer.send({ topic: 't', value: 'x'.repeat(100) })
    const second = producer.send({ topic: 't', value: 'y'.repeat(100) })
    while (cluster.held.length === 0) await new Promise((r) => setImmediate(r))
    cluster.requestFaults.length = 0
    cluster.release()
    assert.equal((await first).offset, 0n)
    assert.equal((await second).offset, 1n)
    await producer.close()
  })
})

describe('Producer flush and close', () => {
  it('close during an outage settles every promise (ClosedError) within timeoutMs', async () => {
    const { cluster, producer } = setup({}, 2)
    cluster.requestFaults.push(() => ({ reject: new ConnectionError('broker down') }))
    const settled: string[] = []
    const ps = Array.from({ length: 10 }, (_, i) =>
      producer.send({ topic: 't', value: `v${i}` }, (e) => settled.push(e ? e.constructor.name : 'ok')),
    )
    await producer.close({ timeoutMs: 30 })
    const results = await Promise.allSettled(ps)
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof ClosedError))
    assert.equal(settled.length, 10)
  })

  it('close without a timeout waits for delivery', async () => {
    const { cluster, producer } = setup({ lingerMs: 60_000 }, 1)
    const p = producer.send({ topic: 't', value: 'v' })
    await producer.close()
    assert.equal((await p).offset, 0n)
    assert.deepEqual(cluster.values('t', 0), ['v'])
  })

  it('flush resolves once everything sent before it settled, including failures', async () => {
    const { cluster, producer } = setup({ lingerMs: 60_000 }, 2)
    cluster.partitionFaults.push((_t, p) => (p === 1 ? { error: 10 } : undefined))
    const a = producer.send({ topic: 't', partition: 0, value: 'a' })
    const b = producer.send({ topic: 't', partition: 1, value: 'b' }).catch((e: unknown) => e)
    await producer.flush()
    assert.equal((await a).offset, 0n)
    assert.ok((await b) instanceof ProtocolError)
    await producer.flush()
    await producer.close()
  })
})

describe('Producer interceptors', () => {
  it('onSend may replace the record; onAcknowledgement sees successes and failures; a throwing one is harmless', async () => {
    const acks: string[] = []
    const { cluster, producer } = setup(
      {
        interceptors: [
          { onSend: (r) => ({ ...r, value: `${r.value}!` }) },
          {
            onSend: () => {
              throw new Error('broken interceptor')
            },
            onAcknowledgement: () => {
              throw new Error('broken ack')
            },
          },
          { onAcknowledgement: (m, e) => acks.push(m ? `ok ${m.offset}` : `err ${e?.constructor.name}`) },
        ],
      },
      1,
    )
    await producer.send({ topic: 't', value: 'hi' })
    await producer.send({ topic: '', value: 'bad' }).catch(() => {})
    assert.deepEqual(cluster.values('t', 0), ['hi!'])
    assert.deepEqual(acks, ['ok 0', 'err InvalidRecordError'])
    await producer.close()
  })
})

describe('Producer diagnostics channels', () => {
  it('publishes batch, request and retry events to subscribers', async () => {
    const seen: Record<string, unknown[]> = { batch: [], request: [], retry: [] }
    const listeners = Object.keys(seen).map((name) => {
      const fn = (m: unknown) => seen[name]!.push(m)
      diagnostics.subscribe(`kafkats:producer:${name}`, fn)
      return [name, fn] as const
    })
    try {
      const { cluster, producer } = setup({}, 1)
      let once = true
      cluster.partitionFaults.push(() => {
        if (!once) return undefined
        once = false
        return { error: 6 }
      })
      await producer.send({ topic: 't', value: 'x' })
      await producer.close()
    } finally {
      for (const [name, fn] of listeners) diagnostics.unsubscribe(`kafkats:producer:${name}`, fn)
    }
    assert.equal(seen['request']!.length, 2)
    assert.equal(seen['retry']!.length, 1)
    assert.equal(seen['batch']!.length, 1)
    const batch = seen['batch']![0] as { topic: string; recordCount: number; baseOffset: bigint; attempts: number }
    assert.deepEqual([batch.topic, batch.recordCount, batch.baseOffset, batch.attempts], ['t', 1, 0n, 2])
  })
})
