// Transactional producer against the reference broker: committed records are visible to
// read_committed readers, aborted ones are not (read_uncommitted still sees them, followed by the
// ABORT marker); a second instance with the same transactional id fences the first; offsets
// sent to a transaction are committed with it.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { FencedError } from '../../src/errors.js'
import { TransactionStateError } from '../../src/producer/index.js'
import { ProduceApi } from '../../src/protocol/generated/produce.js'
import { OffsetFetchApi } from '../../src/protocol/generated/offset-fetch.js'
import { type ProducerEnv, setupProducerEnv } from './producer-helpers.js'

let env: ProducerEnv | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

const values = (rs: ReadonlyArray<{ value: string | null }>) => rs.map((r) => r.value)

describe('transactional producer (reference broker)', () => {
  it('an aborted transaction is invisible to read_committed; a committed one is visible', async () => {
    env = await setupProducerEnv({ nodes: 3, topics: [{ name: 'tx', numPartitions: 2, replicationFactor: 3 }] })
    const producer = env.producer({ transactionalId: 'tx-a', lingerMs: 1 })
    await producer.initTransactions()

    producer.beginTransaction()
    await Promise.all([0, 1, 2, 3].map((i) => producer.send({ topic: 'tx', partition: i % 2, value: `c1-${i}` })))
    await producer.commitTransaction()

    producer.beginTransaction()
    await Promise.all([0, 1, 2, 3].map((i) => producer.send({ topic: 'tx', partition: i % 2, value: `ab-${i}` })))
    await producer.abortTransaction()

    producer.beginTransaction()
    await producer.send({ topic: 'tx', partition: 0, value: 'c2-0' })
    await producer.commitTransaction()
    await producer.close()

    assert.deepEqual(values(await env.read('tx', 0, 'read_committed')), ['c1-0', 'c1-2', 'c2-0'])
    assert.deepEqual(values(await env.read('tx', 1, 'read_committed')), ['c1-1', 'c1-3'])
    // the aborted records are in the log for read_uncommitted readers
    assert.deepEqual(values(await env.read('tx', 0, 'read_uncommitted')), ['c1-0', 'c1-2', 'ab-0', 'ab-2', 'c2-0'])
  })

  it('an open transaction is invisible to read_committed until it commits', async () => {
    env = await setupProducerEnv({ topics: [{ name: 'open', numPartitions: 1 }] })
    const producer = env.producer({ transactionalId: 'tx-open', lingerMs: 0 })
    await producer.initTransactions()
    producer.beginTransaction()
    await producer.send({ topic: 'open', value: 'o-0' })
    assert.deepEqual(values(await env.read('open', 0, 'read_committed')), [])
    await producer.commitTransaction()
    assert.deepEqual(values(await env.read('open', 0, 'read_committed')), ['o-0'])
    await producer.close()
  })

  it('a second instance with the same transactional id fences the first', async () => {
    env = await setupProducerEnv({ topics: [{ name: 'fence', numPartitions: 1 }] })
    const first = env.producer({ transactionalId: 'tx-f', lingerMs: 0 })
    await first.initTransactions()
    first.beginTransaction()
    await first.send({ topic: 'fence', value: 'old-0' })

    const second = env.producer({ transactionalId: 'tx-f', lingerMs: 0 })
    await second.initTransactions() // bumps the epoch: the first instance's transaction is aborted
    second.beginTransaction()
    await second.send({ topic: 'fence', value: 'new-0' })
    await second.commitTransaction()

    await assert.rejects(
      (async () => {
        await first.send({ topic: 'fence', value: 'old-1' })
        await first.commitTransaction()
      })(),
      FencedError,
    )
    assert.throws(() => first.beginTransaction(), FencedError)
    await first.close()
    await second.close()
    assert.deepEqual(values(await env.read('fence', 0, 'read_committed')), ['new-0'])
  })

  it('sendOffsetsToTransaction commits the consumer offsets with the transaction', async () => {
    env = await setupProducerEnv({ topics: [{ name: 'out', numPartitions: 1 }, { name: 'in', numPartitions: 1 }] })
    const producer = env.producer({ transactionalId: 'tx-eos', lingerMs: 0 })
    await producer.initTransactions()
    producer.beginTransaction()
    await producer.send({ topic: 'out', value: 'e-0' })
    await producer.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 5n }], 'eos-group')
    await producer.commitTransaction()
    await producer.close()
    const coordinator = await env.reader.coordinatorConnection('group', 'eos-group')
    const res = await coordinator.send(OffsetFetchApi, {
      groupId: 'eos-group',
      topics: [{ name: 'in', partitionIndexes: [0] }],
      groups: [{ groupId: 'eos-group', topics: [{ name: 'in', partitionIndexes: [0] }] }],
      requireStable: true,
    })
    const committed =
      res.topics?.[0]?.partitions[0]?.committedOffset ?? res.groups?.[0]?.topics[0]?.partitions[0]?.committedOffset
    assert.equal(committed, 5n)
    assert.deepEqual(values(await env.read('out', 0, 'read_committed')), ['e-0'])
  })

  it('OUT_OF_ORDER_SEQUENCE_NUMBER inside a transaction makes it abortable (no local epoch bump); abort and go on', async () => {
    env = await setupProducerEnv({ topics: [{ name: 'txseq', numPartitions: 1 }] })
    const producer = env.producer({ transactionalId: 'tx-seq', lingerMs: 0 })
    await producer.initTransactions()
    producer.beginTransaction()
    await producer.send({ topic: 'txseq', value: 'ok-0' })
    env.broker.control.queueError({ api: ProduceApi, errorCode: 45, topic: 'txseq', partition: 0 })
    await assert.rejects(producer.send({ topic: 'txseq', value: 'bad' }))
    await assert.rejects(producer.commitTransaction(), (e: unknown) => e instanceof TransactionStateError && e.abortable)
    await producer.abortTransaction()
    producer.beginTransaction()
    await producer.send({ topic: 'txseq', value: 'ok-1' })
    await producer.commitTransaction()
    await producer.close()
    assert.deepEqual(values(await env.read('txseq', 0, 'read_committed')), ['ok-1'])
  })
})
