import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RecordAccumulator } from '../../../src/producer/accumulator.js'
import type { RecordInput } from '../../../src/protocol/records/index.js'
import { RECORD_BATCH_OVERHEAD, recordSizeInBatch } from '../../../src/producer/batch.js'
import { SendCompletion } from '../../../src/producer/completion.js'
import { NOOP_LOGGER } from '../../../src/network/logger.js'

function record(value: string, timestampMs = 1000): [RecordInput, SendCompletion] {
  const completion = new SendCompletion('t', -1, value.length, null, null, NOOP_LOGGER)
  completion.promise.catch(() => {})
  return [{ key: null, value: Buffer.from(value), headers: [], timestampMs }, completion]
}

const leaderAll = (leader: number) => () => leader

describe('RecordAccumulator.append', () => {
  it('fills one batch until batchSize, then opens another', () => {
    // each 10-byte value record: 1 len + 1 attr + 1 tsDelta + 1 offDelta + 1 key(null) + 1 + 10 value + 1 headers = 17
    const one = recordSizeInBatch(0, 0, null, Buffer.alloc(10), 1)
    assert.equal(one, 17)
    const acc = new RecordAccumulator({ batchSize: RECORD_BATCH_OVERHEAD + 3 * 17, lingerMs: 5 })
    const results = [0, 1, 2, 3].map((i) => acc.append('t', 0, ...record(`v${i}--------`), 17, 0))
    assert.deepEqual(
      results.map((r) => r.newBatch),
      [true, false, false, true],
    )
    assert.equal(results[2]!.batchFull, true)
    assert.equal(results[0]!.batch.recordCount, 3)
    assert.equal(results[0]!.batch.sizeBytes, RECORD_BATCH_OVERHEAD + 51)
    assert.equal(acc.queueSize('t', 0), 2)
    assert.equal(acc.queuedBatches, 2)
  })

  it('puts a record larger than batchSize alone in its own batch', () => {
    const acc = new RecordAccumulator({ batchSize: 100, lingerMs: 5 })
    const a = acc.append('t', 0, ...record('x'), 10, 0)
    const big = acc.append('t', 0, ...record('y'.repeat(500)), 510, 0)
    const after = acc.append('t', 0, ...record('z'), 10, 0)
    assert.equal(a.newBatch, true)
    assert.equal(big.newBatch, true)
    assert.equal(big.batch.recordCount, 1)
    assert.equal(after.newBatch, true)
    assert.equal(big.batch.memoryBytes, 510)
  })

  it('computes timestamp deltas from the first record of the batch', () => {
    const acc = new RecordAccumulator({ batchSize: 10_000, lingerMs: 5 })
    const r1 = acc.append('t', 0, ...record('a', 1_000), 0, 0)
    const r2 = acc.append('t', 0, ...record('a', 1_000 + 100), 0, 0)
    // delta 100 → zig-zag 200 → 2 bytes (vs 1 for delta 0)
    assert.equal(r2.appendedBytes, r1.appendedBytes + 1)
  })
})

describe('RecordAccumulator.ready', () => {
  it('waits lingerMs for a batch that is not full, and says how long', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 50 })
    acc.append('t', 0, ...record('a'), 0, 100)
    const early = acc.ready(120, leaderAll(1), false)
    assert.equal(early.readyNodes.size, 0)
    assert.equal(early.nextReadyCheckDelayMs, 30)
    assert.deepEqual([...early.byNode.keys()], [1])
    const late = acc.ready(150, leaderAll(1), false)
    assert.deepEqual([...late.readyNodes], [1])
  })

  it('a full batch, a flush, a close or exhausted memory makes it ready at once', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 1_000_000 })
    acc.append('t', 0, ...record('a'), 0, 0)
    assert.equal(acc.ready(0, leaderAll(1), false).readyNodes.size, 0)
    assert.equal(acc.ready(0, leaderAll(1), true).readyNodes.size, 1, 'exhausted')
    acc.beginFlush()
    assert.equal(acc.ready(0, leaderAll(1), false).readyNodes.size, 1, 'flushing')
    acc.endFlush()
    assert.equal(acc.ready(0, leaderAll(1), false).readyNodes.size, 0)
    acc.append('t', 1, ...record('b'.repeat(2000)), 0, 0)
    const r = acc.ready(0, (_t, p) => (p === 1 ? 2 : 1), false)
    assert.deepEqual([...r.readyNodes], [2], 'full')
    acc.beginClose()
    assert.equal(acc.ready(0, leaderAll(1), false).readyNodes.size, 1, 'closing')
  })

  it('reports topics whose partitions have no leader', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 0 })
    acc.append('a', 0, ...record('x'), 0, 0)
    acc.append('b', 0, ...record('x'), 0, 0)
    const r = acc.ready(0, (t) => (t === 'a' ? -1 : 3), false)
    assert.deepEqual([...r.unknownLeaderTopics], ['a'])
    assert.deepEqual([...r.readyNodes], [3])
  })

  it('holds a retried batch until its backoff passes', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 0 })
    const { batch } = acc.append('t', 0, ...record('x'), 0, 0)
    const [drained] = acc.drain(1, [...acc.ready(0, leaderAll(1), false).byNode.get(1)!], 1 << 20, 0)
    assert.equal(drained, batch)
    batch.attempts = 1
    batch.retryAtMs = 100
    acc.reenqueue(batch)
    const r = acc.ready(40, leaderAll(1), true)
    assert.equal(r.readyNodes.size, 0)
    assert.equal(r.nextReadyCheckDelayMs, 60)
    assert.deepEqual(acc.drain(1, r.byNode.get(1)!, 1 << 20, 40), [])
    assert.equal(acc.ready(100, leaderAll(1), false).readyNodes.size, 1)
  })
})

describe('RecordAccumulator.drain', () => {
  it('takes one batch per partition, within maxRequestSize, at least one', () => {
    const acc = new RecordAccumulator({ batchSize: 100, lingerMs: 0 })
    for (let p = 0; p < 3; p++) {
      acc.append('t', p, ...record('x'.repeat(60)), 0, 0)
      acc.append('t', p, ...record('y'.repeat(60)), 0, 0)
    }
    const queues = acc.ready(0, leaderAll(1), false).byNode.get(1)!
    const first = acc.drain(1, queues, 1, 0)
    assert.equal(first.length, 1, 'one batch even above maxRequestSize')
    const rest = acc.drain(1, queues, 10_000, 0)
    assert.equal(rest.length, 3, 'one per partition')
    assert.equal(new Set(rest.map((b) => b.partition)).size, 3)
    assert.equal(acc.queuedBatches, 2)
    for (const b of [...first, ...rest]) assert.equal(b.closed, true)
  })

  it('rotates the starting partition between drains of the same node', () => {
    const acc = new RecordAccumulator({ batchSize: 10, lingerMs: 0 })
    for (let i = 0; i < 3; i++) for (let p = 0; p < 3; p++) acc.append('t', p, ...record('x'.repeat(30)), 0, 0)
    const starts: number[] = []
    for (let i = 0; i < 3; i++) {
      const queues = acc.ready(0, leaderAll(1), false).byNode.get(1)!
      starts.push(acc.drain(1, queues, 1, 0)[0]!.partition)
    }
    assert.deepEqual(starts, [0, 1, 2])
  })

  it('lets a gate hold a partition back', () => {
    const acc = new RecordAccumulator({ batchSize: 100, lingerMs: 0 })
    acc.append('t', 0, ...record('a'), 0, 0)
    acc.append('t', 1, ...record('b'), 0, 0)
    const queues = acc.ready(0, leaderAll(1), false).byNode.get(1)!
    const out = acc.drain(1, queues, 1 << 20, 0, (q) => q.partition === 1)
    assert.deepEqual(
      out.map((b) => b.partition),
      [1],
    )
    assert.equal(acc.queueSize('t', 0), 1)
  })
})

describe('RecordAccumulator retries, expiry and removal', () => {
  it('reinserts retries before new batches, in creation (= sequence) order', () => {
    const acc = new RecordAccumulator({ batchSize: 10, lingerMs: 0 })
    const batches = [0, 1, 2].map(() => acc.append('t', 0, ...record('x'.repeat(30)), 0, 0).batch)
    const queues = acc.ready(0, leaderAll(1), false).byNode.get(1)!
    const [b0] = acc.drain(1, queues, 1, 0)
    const [b1] = acc.drain(1, queues, 1, 0)
    b0!.attempts = 1
    b1!.attempts = 1
    // the later batch fails first (its response came back first), then the earlier one
    acc.reenqueue(b1!)
    acc.reenqueue(b0!)
    assert.deepEqual(acc.queue('t', 0).batches, [batches[0], batches[1], batches[2]])
  })

  it('expires queued batches past the delivery timeout and reports the next deadline', () => {
    const acc = new RecordAccumulator({ batchSize: 10, lingerMs: 0 })
    acc.append('t', 0, ...record('x'.repeat(30)), 0, 0)
    acc.append('t', 0, ...record('x'.repeat(30)), 0, 50)
    const expired: number[] = []
    const next = acc.expire(100, 100, (b) => expired.push(b.createdMs))
    assert.deepEqual(expired, [0])
    assert.equal(next, 50)
    assert.equal(acc.queuedBatches, 1)
  })

  it('removes batches by filter', () => {
    const acc = new RecordAccumulator({ batchSize: 10, lingerMs: 0 })
    acc.append('a', 0, ...record('x'.repeat(30)), 0, 0)
    acc.append('b', 0, ...record('x'.repeat(30)), 0, 0)
    assert.deepEqual(
      acc.removeAll((b) => b.topic === 'b').map((b) => b.topic),
      ['b'],
    )
    assert.equal(acc.queuedBatches, 1)
    assert.equal(acc.removeAll().length, 1)
    assert.equal(acc.queuedBatches, 0)
  })
})
