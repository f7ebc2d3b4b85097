import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RecordAccumulator } from '../../../src/producer/accumulator.js'
import { readBatchHeader, type RecordInput } from '../../../src/protocol/records/index.js'
import type { ProducerBatch } from '../../../src/producer/batch.js'
import { SendCompletion } from '../../../src/producer/completion.js'
import { IdempotenceManager, MAX_PRODUCER_EPOCH, addSequence } from '../../../src/producer/idempotence.js'
import { NOOP_LOGGER } from '../../../src/network/logger.js'

function record(n = 1): [RecordInput, SendCompletion] {
  const completion = new SendCompletion('t', -1, 1, null, null, NOOP_LOGGER)
  completion.promise.catch(() => {})
  return [{ key: null, value: Buffer.alloc(n), headers: [], timestampMs: 0 }, completion]
}

/** One partition with `batches` batches of `recordsPer` records each, and a manager with pid 7 epoch 0. */
function setup(batches: number, recordsPer = 1, transactional = false) {
  // batchSize 1 → every record opens its own batch unless appended to an empty one
  const acc = new RecordAccumulator({ batchSize: 1, lingerMs: 0 })
  for (let b = 0; b < batches; b++) {
    acc.append('t', 0, ...record(), 0, 0)
    const last = acc.queue('t', 0).last()!
    for (let r = 1; r < recordsPer; r++) last.tryAppend(...record(), 1 << 20)
  }
  const idem = new IdempotenceManager(transactional)
  idem.setProducerIdAndEpoch(7n, 0, 'test')
  const q = acc.queue('t', 0)
  /** drains the next batch through the gate (marks it in flight), or undefined when held */
  const drain = (): ProducerBatch | undefined => {
    const [b] = acc.drain(1, [q], 1 << 20, 0, (qq, batch) => idem.canDrain(qq, batch))
    if (b !== undefined) b.inFlight = true
    return b
  }
  const retry = (b: ProducerBatch) => {
    b.inFlight = false
    b.attempts++
    acc.reenqueue(b)
  }
  return { acc, idem, q, drain, retry }
}

describe('IdempotenceManager sequences', () => {
  it('holds batches until there is a producer id', () => {
    const acc = new RecordAccumulator({ batchSize: 1, lingerMs: 0 })
    acc.append('t', 0, ...record(), 0, 0)
    const idem = new IdempotenceManager(false)
    assert.deepEqual(acc.drain(1, [acc.queue('t', 0)], 1 << 20, 0, (q, b) => idem.canDrain(q, b)), [])
  })

  it('assigns consecutive base sequences advancing by record count', () => {
    const { drain } = setup(3, 4)
    const seqs = [drain()!, drain()!, drain()!].map((b) => [b.producerId, b.producerEpoch, b.baseSequence])
    assert.deepEqual(seqs, [
      [7n, 0, 0],
      [7n, 0, 4],
      [7n, 0, 8],
    ])
  })

  it('keeps the sequence across retries and resends only the lowest unacknowledged batch', () => {
    const { drain, retry, idem } = setup(3)
    const b0 = drain()!
    const b1 = drain()!
    retry(b1) // b1 failed first (e.g. a timeout on another connection), b0 still on the wire
    assert.equal(drain(), undefined, 'b1 may not overtake b0')
    idem.onAcknowledged(b0)
    const again = drain()!
    assert.equal(again, b1)
    assert.equal(again.baseSequence, 1)
    const b2 = drain()!
    assert.equal(b2.baseSequence, 2)
  })

  it('wraps sequences to 0 after Int32.MAX', () => {
    assert.equal(addSequence(0x7fffffff, 1), 0)
    assert.equal(addSequence(0x7ffffffe, 5), 3)
    const { drain, idem } = setup(2, 2)
    idem.state('t', 0).producerId = 7n
    idem.state('t', 0).producerEpoch = 0
    idem.state('t', 0).nextSequence = 0x7fffffff
    const b0 = drain()!
    assert.equal(b0.baseSequence, 0x7fffffff)
    assert.equal(b0.lastSequence, 0)
    assert.equal(drain()!.baseSequence, 1)
  })

  it('tracks the last acknowledged sequence', () => {
    const { drain, idem } = setup(2, 3)
    const b0 = drain()!
    const b1 = drain()!
    idem.onAcknowledged(b1) // responses from different connections may cross
    idem.onAcknowledged(b0)
    assert.equal(idem.state('t', 0).lastAckedSequence, 5)
    assert.equal(idem.state('t', 0).expectedSequence, 6)
  })
})

describe('IdempotenceManager error classification', () => {
  it('OUT_OF_ORDER for a batch behind an unresolved one is retried as is', () => {
    const { drain, idem } = setup(2)
    drain()
    const b1 = drain()!
    assert.equal(idem.classify(b1, 45, 0n), 'retry')
  })

  it('OUT_OF_ORDER for the next expected batch is a real gap: bump (idempotent) or abort (transactional)', () => {
    const a = setup(1)
    assert.equal(a.idem.classify(a.drain()!, 45, 0n), 'bump-and-retry')
    const b = setup(1, 1, true)
    assert.equal(b.idem.classify(b.drain()!, 45, 0n), 'abortable')
  })

  it('UNKNOWN_PRODUCER_ID with logStartOffset -1 is retried, otherwise it resets', () => {
    const { drain, idem } = setup(1)
    const b = drain()!
    assert.equal(idem.classify(b, 59, -1n), 'retry')
    assert.equal(idem.classify(b, 59, 10n), 'bump-and-retry')
  })

  it('PRODUCER_FENCED is fatal; INVALID_PRODUCER_EPOCH is fatal only for transactions', () => {
    const a = setup(1)
    const b = a.drain()!
    assert.equal(a.idem.classify(b, 90, 0n), 'fatal')
    assert.equal(a.idem.classify(b, 47, 0n), 'bump-and-retry')
    const t = setup(1, 1, true)
    assert.equal(t.idem.classify(t.drain()!, 47, 0n), 'fatal')
  })
})

describe('IdempotenceManager KIP-360 epoch bump', () => {
  it('rewrites the partition from sequence 0 under epoch + 1, once nothing is on the wire', () => {
    const { drain, retry, idem, q } = setup(4, 2)
    const b0 = drain()!
    const b1 = drain()!
    const b2 = drain()!
    assert.deepEqual([b0.baseSequence, b1.baseSequence, b2.baseSequence], [0, 2, 4])
    const bytes = b0.encode()
    assert.deepEqual([readBatchHeader(bytes).producerEpoch, readBatchHeader(bytes).baseSequence], [0, 0])
    // b0 hits a real gap: bump; b1 and b2 come back OUT_OF_ORDER later
    assert.equal(idem.classify(b0, 45, 0n), 'bump-and-retry')
    idem.requestEpochBump('t', 0)
    retry(b0)
    idem.applyPendingBump()
    assert.equal(idem.producerEpoch, 1)
    assert.equal(drain(), undefined, 'b1 and b2 are still on the wire')
    retry(b1)
    assert.equal(drain(), undefined)
    retry(b2)
    const r0 = drain()!
    assert.equal(r0, b0)
    assert.deepEqual([b0.producerEpoch, b0.baseSequence], [1, 0])
    assert.deepEqual([b1.producerEpoch, b1.baseSequence], [1, 2])
    assert.deepEqual([b2.producerEpoch, b2.baseSequence], [1, 4])
    assert.equal(b0.encode(), bytes, 'the same bytes, patched in place')
    assert.deepEqual([readBatchHeader(bytes).producerId, readBatchHeader(bytes).producerEpoch, readBatchHeader(bytes).baseSequence], [7n, 1, 0])
    assert.equal(b1.encode().readInt32BE(53), 2, 'b1 built after the rewrite carries sequence 2')
    idem.onAcknowledged(b0)
    assert.equal(drain(), b1)
    idem.onAcknowledged(b1)
    assert.equal(drain(), b2)
    idem.onAcknowledged(b2)
    const b3 = drain()!
    assert.deepEqual([b3.producerEpoch, b3.baseSequence], [1, 6])
    assert.equal(q.batches.length, 0)
  })

  it('a batch failing for good leaves a gap: the idempotent producer bumps for that partition', () => {
    const { drain, idem } = setup(2)
    const b0 = drain()!
    assert.equal(idem.onFailed(b0), false)
    assert.equal(idem.bumpPending, true)
    idem.applyPendingBump()
    const b1 = drain()!
    assert.deepEqual([b1.producerEpoch, b1.baseSequence], [1, 0])
  })

  it('a transactional producer never bumps locally: the failure makes the transaction abortable', () => {
    const { drain, idem } = setup(2, 1, true)
    const b0 = drain()!
    assert.equal(idem.onFailed(b0), true)
    assert.equal(idem.bumpPending, false)
  })

  it('other partitions keep their old epoch for retries and adopt the new one when idle', () => {
    const acc = new RecordAccumulator({ batchSize: 1, lingerMs: 0 })
    for (const p of [0, 1]) for (let i = 0; i < 2; i++) acc.append('t', p, ...record(), 0, 0)
    const idem = new IdempotenceManager(false)
    idem.setProducerIdAndEpoch(7n, 3, 'test')
    const gate = (q: Parameters<typeof idem.canDrain>[0], b: ProducerBatch) => idem.canDrain(q, b)
    const q1 = acc.queue('t', 1)
    const [p1a] = acc.drain(1, [q1], 1 << 20, 0, gate)
    p1a!.inFlight = true
    idem.requestEpochBump('t', 0)
    idem.applyPendingBump()
    assert.equal(idem.producerEpoch, 4)
    assert.deepEqual(acc.drain(1, [q1], 1 << 20, 0, gate), [], 'new batch waits for the old-epoch one')
    p1a!.inFlight = false
    idem.onAcknowledged(p1a!)
    const [p1b] = acc.drain(1, [q1], 1 << 20, 0, gate)
    assert.deepEqual([p1b!.producerEpoch, p1b!.baseSequence], [4, 0])
  })

  it('past Short.MAX the producer id is dropped so a new one is fetched', () => {
    const idem = new IdempotenceManager(false)
    idem.setProducerIdAndEpoch(9n, MAX_PRODUCER_EPOCH, 'test')
    idem.requestEpochBump('t', 0)
    idem.applyPendingBump()
    assert.equal(idem.hasProducerId(), false)
  })
})
