import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FencedError } from '../../../src/errors.js'
import { TransactionStateError } from '../../../src/producer/errors.js'
import { Producer } from '../../../src/producer/producer.js'
import { FakeCluster } from './fake-cluster.js'

const FAST = { lingerMs: 0, retryBackoffMs: 1, retryBackoffMaxMs: 5, requestTimeoutMs: 1000, maxBlockMs: 2000 } as const

function setup() {
  const cluster = new FakeCluster()
  cluster.addTopic('t', 2)
  const producer = new Producer(cluster, { ...FAST, transactionalId: 'tx-1' })
  return { cluster, producer }
}

describe('transactional producer', () => {
  it('init, begin, send, commit: AddPartitionsToTxn before the first batch, EndTxn after all acks', async () => {
    const { cluster, producer } = setup()
    await producer.initTransactions()
    assert.deepEqual(cluster.txnCalls, ['InitProducerId'])
    const init = cluster.otherCalls[0]!.body as { transactionalId: string; transactionTimeoutMs: number }
    assert.equal(init.transactionalId, 'tx-1')
    assert.equal(init.transactionTimeoutMs, 60000)
    producer.beginTransaction()
    const mds = await Promise.all([0, 1, 0].map((p, i) => producer.send({ topic: 't', partition: p, value: `v${i}` })))
    assert.deepEqual(
      mds.map((m) => m.offset),
      [0n, 0n, 1n],
    )
    await producer.commitTransaction()
    assert.deepEqual(cluster.txnCalls, ['InitProducerId', 'AddPartitionsToTxn', 'EndTxn'])
    const end = cluster.otherCalls[2]!.body as { committed: boolean; producerId: bigint }
    assert.equal(end.committed, true)
    assert.equal(end.producerId, 1000n)
    for (const call of cluster.produceCalls) {
      assert.equal(call.request.transactionalId, 'tx-1')
      for (const b of call.batches) assert.equal(b.transactional, true)
    }
    // a second transaction reuses the producer id; partitions are added again
    producer.beginTransaction()
    await producer.send({ topic: 't', partition: 1, value: 'w' })
    await producer.commitTransaction()
    assert.deepEqual(cluster.txnCalls.slice(3), ['AddPartitionsToTxn', 'EndTxn'])
    await producer.close()
  })

  it('rejects calls in the wrong state with TransactionStateError', async () => {
    const { producer } = setup()
    await assert.rejects(producer.send({ topic: 't', value: 'x' }), TransactionStateError)
    assert.throws(() => producer.beginTransaction(), TransactionStateError)
    await assert.rejects(producer.commitTransaction(), TransactionStateError)
    await producer.initTransactions()
    await assert.rejects(producer.initTransactions(), TransactionStateError)
    await assert.rejects(producer.send({ topic: 't', value: 'x' }), TransactionStateError)
    producer.beginTransaction()
    assert.throws(() => producer.beginTransaction(), TransactionStateError)
    await producer.abortTransaction()
    await producer.close()
  })

  it('a transaction with nothing in it ends without EndTxn', async () => {
    const { cluster, producer } = setup()
    await producer.initTransactions()
    producer.beginTransaction()
    await producer.commitTransaction()
    assert.deepEqual(cluster.txnCalls, ['InitProducerId'])
    await producer.close()
  })

  it('a failed batch makes the transaction abortable; abort bumps the epoch and the next one works', async () => {
    const { cluster, producer } = setup()
    await producer.initTransactions()
    producer.beginTransaction()
    await producer.send({ topic: 't', partition: 0, value: 'ok' })
    cluster.partitionFaults.push(() => ({ error: 10 }))
    await assert.rejects(producer.send({ topic: 't', partition: 0, value: 'too big' }))
    cluster.partitionFaults.length = 0
    await assert.rejects(producer.send({ topic: 't', partition: 0, value: 'after' }), (e: unknown) => e instanceof TransactionStateError && e.abortable)
    await assert.rejects(producer.commitTransaction(), (e: unknown) => e instanceof TransactionStateError && e.abortable)
    await producer.abortTransaction()
    const afterAbort = cluster.txnCalls.slice(-2)
    assert.deepEqual(afterAbort, ['EndTxn', 'InitProducerId'])
    const bump = cluster.otherCalls[cluster.otherCalls.length - 1]!.body as { producerId: bigint; producerEpoch: number }
    assert.deepEqual([bump.producerId, bump.producerEpoch], [1000n, 0], 'KIP-360: the current id and epoch are passed')
    producer.beginTransaction()
    await producer.send({ topic: 't', partition: 0, value: 'next' })
    await producer.commitTransaction()
    const last = cluster.produceCalls[cluster.produceCalls.length - 1]!.batches[0]!
    assert.deepEqual([last.producerEpoch, last.baseSequence], [1, 0])
    await producer.close()
  })

  it('abort fails records not sent yet and ends the transaction', async () => {
    const { cluster, producer } = setup()
    await producer.initTransactions()
    producer.beginTransaction()
    cluster.txnErrors.push((api) => (api === 'AddPartitionsToTxn' ? 51 : undefined)) // CONCURRENT_TRANSACTIONS: keeps it pending
    const pending = producer.send({ topic: 't', value: 'never' })
    await new Promise((r) => setTimeout(r, 10))
    cluster.txnErrors.length = 0
    await producer.abortTransaction()
    await assert.rejects(pending, TransactionStateError)
    await producer.close()
  })

  it('PRODUCER_FENCED makes the producer unusable (FencedError)', async () => {
    const { cluster, producer } = setup()
    await producer.initTransactions()
    producer.beginTransaction()
    cluster.txnErrors.push((api) => (api === 'EndTxn' ? 90 : undefined))
    await producer.send({ topic: 't', value: 'x' })
    await assert.rejects(producer.commitTransaction(), FencedError)
    assert.throws(() => producer.beginTransaction(), FencedError)
    await assert.rejects(producer.send({ topic: 't', value: 'y' }), FencedError)
    await producer.close()
  })

  it('a fenced Produce response fails that send, every queued send, and later calls (no hang)', async () => {
    const { cluster, producer } = setup()
    await producer.initTransactions()
    producer.beginTransaction()
    await producer.send({ topic: 't', partition: 0, value: 'ok' })
    cluster.partitionFaults.push((_t, p) => (p === 0 ? { error: 90 } : { error: 7 }))
    const results = await Promise.allSettled([
      producer.send({ topic: 't', partition: 0, value: 'fenced' }),
      producer.send({ topic: 't', partition: 1, value: 'same request, retriable error' }),
    ])
    assert.deepEqual(results.map((r) => (r.status === 'rejected' ? r.reason.constructor.name : 'ok')), ['FencedError', 'FencedError'])
    await assert.rejects(producer.commitTransaction(), FencedError)
    await producer.close()
  })

  it('retries CONCURRENT_TRANSACTIONS and coordinator moves on InitProducerId', async () => {
    const { cluster, producer } = setup()
    const codes = [51, 16, 15, 14]
    cluster.txnErrors.push((api) => (api === 'InitProducerId' ? codes.shift() : undefined))
    await producer.initTransactions()
    assert.equal(cluster.txnCalls.filter((c) => c === 'InitProducerId').length, 5)
    await producer.close()
  })

  it('sendOffsetsToTransaction: AddOffsetsToTxn, then TxnOffsetCommit with the group metadata', async () => {
    const { cluster, producer } = setup()
    await producer.initTransactions()
    producer.beginTransaction()
    await producer.sendOffsetsToTransaction([{ topic: 'in', partition: 3, offset: 42n }], {
      groupId: 'g',
      generationId: 7,
      memberId: 'm-1',
      groupInstanceId: null,
    })
    await producer.commitTransaction()
    assert.deepEqual(cluster.txnCalls, ['InitProducerId', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn'])
    const commit = cluster.otherCalls[2]!.body as Record<string, unknown>
    assert.equal(commit['groupId'], 'g')
    assert.equal(commit['generationId'], 7)
    assert.equal(commit['memberId'], 'm-1')
    assert.deepEqual(commit['topics'], [
      { name: 'in', partitions: [{ partitionIndex: 3, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] },
    ])
    await producer.close()
  })

  it('close aborts an open transaction', async () => {
    const { cluster, producer } = setup()
    await producer.initTransactions()
    producer.beginTransaction()
    await producer.send({ topic: 't', value: 'x' })
    await producer.close()
    assert.equal(cluster.txnCalls[cluster.txnCalls.length - 1], 'EndTxn')
    const end = cluster.otherCalls[cluster.otherCalls.length - 1]!.body as { committed: boolean }
    assert.equal(end.committed, false)
  })
})
