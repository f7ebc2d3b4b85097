import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidRecordError } from '../../../src/producer/errors.js'
import { BuiltInPartitioner, choosePartition } from '../../../src/producer/partitioner.js'

// Vectors from NOTES §f.2 (Kafka's UtilsTest.testMurmur2): toPositive(murmur2(key)).
const POSITIVE_HASHES: ReadonlyArray<readonly [string, number]> = [
  ['21', 1173551340],
  ['foobar', 1357151166],
  ['a-little-bit-long-string', 1161502112],
  ['a-little-bit-longer-string', 661178819],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', 2088585677],
  ['abc', 479470107],
]

/** A sequence of fixed "random" numbers, so sticky choices are deterministic. */
function seq(...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length]!
}

const all = (n: number) => ({ partitionCount: n, availablePartitions: Array.from({ length: n }, (_, i) => i) })

describe('choosePartition', () => {
  const builtIn = () => new BuiltInPartitioner({ batchSize: 100, random: seq(0) })

  it('keyed records land where the Java client puts them, for several partition counts', () => {
    for (const [key, positive] of POSITIVE_HASHES) {
      for (const n of [1, 3, 6, 7, 12, 100]) {
        const c = choosePartition('t', undefined, Buffer.from(key), null, all(n), null, builtIn(), false)
        assert.equal(c.partition, positive % n, `${key} over ${n}`)
        assert.equal(c.source, 'keyed')
      }
    }
  })

  it('hashes over ALL partitions, even when some have no leader', () => {
    const info = { partitionCount: 6, availablePartitions: [0] }
    const c = choosePartition('t', undefined, Buffer.from('foobar'), null, info, null, builtIn(), false)
    assert.equal(c.partition, 1357151166 % 6)
  })

  it('hashes an empty key (only a null key is sticky)', () => {
    // murmur2 of zero bytes: h = seed ^ 0, no groups, no tail, then the final mix = 275646681
    // (computed separately with Python's arbitrary-precision integers).
    const c = choosePartition('t', undefined, Buffer.alloc(0), null, all(1000), null, builtIn(), false)
    assert.equal(c.source, 'keyed')
    assert.equal(c.partition, 275646681 % 1000)
  })

  it('an explicit partition wins, and an out-of-range one is an InvalidRecordError', () => {
    const c = choosePartition('t', 2, Buffer.from('abc'), null, all(3), null, builtIn(), false)
    assert.deepEqual(c, { partition: 2, source: 'explicit' })
    assert.throws(() => choosePartition('t', 3, null, null, all(3), null, builtIn(), false), InvalidRecordError)
    assert.throws(() => choosePartition('t', -1, null, null, all(3), null, builtIn(), false), InvalidRecordError)
  })

  it('calls a custom partitioner with serialized bytes and validates its answer', () => {
    let seen: unknown
    const custom = (args: { key: Buffer | null; partitionCount: number }) => {
      seen = args
      return args.partitionCount - 1
    }
    const c = choosePartition('t', undefined, Buffer.from('k'), Buffer.from('v'), all(4), custom, builtIn(), false)
    assert.deepEqual(c, { partition: 3, source: 'custom' })
    assert.deepEqual((seen as { key: Buffer }).key, Buffer.from('k'))
    assert.throws(() => choosePartition('t', undefined, null, null, all(4), () => 4, builtIn(), false), InvalidRecordError)
    assert.throws(() => choosePartition('t', undefined, null, null, all(4), () => 1.5, builtIn(), false), InvalidRecordError)
    assert.throws(
      () =>
        choosePartition('t', undefined, null, null, all(4), () => {
          throw new Error('boom')
        }, builtIn(), false),
      InvalidRecordError,
    )
  })

  it('partitionerIgnoreKeys sends keyed records through the sticky logic', () => {
    const c = choosePartition('t', undefined, Buffer.from('abc'), null, all(8), null, builtIn(), true)
    assert.equal(c.source, 'sticky')
  })
})

describe('BuiltInPartitioner (KIP-794)', () => {
  it('sticks to one partition until batchSize bytes went to it and a switch is allowed', () => {
    const p = new BuiltInPartitioner({ batchSize: 100, random: seq(0.1, 0.9) })
    const info = all(10)
    const first = p.partition('t', info)
    assert.equal(first, 1)
    p.onAppend('t', first, 60, true, info)
    assert.equal(p.partition('t', info), 1, 'below batchSize: stays')
    p.onAppend('t', first, 60, false, info)
    assert.equal(p.partition('t', info), 1, 'at batchSize but the batch is not full: stays')
    p.onAppend('t', first, 10, true, info)
    assert.equal(p.partition('t', info), 9, 'batchSize reached and switch allowed: moves')
  })

  it('switches unconditionally at 2 × batchSize', () => {
    const p = new BuiltInPartitioner({ batchSize: 100, random: seq(0, 0.5) })
    const info = all(4)
    assert.equal(p.partition('t', info), 0)
    p.onAppend('t', 0, 199, false, info)
    assert.equal(p.partition('t', info), 0)
    p.onAppend('t', 0, 1, false, info)
    assert.equal(p.partition('t', info), 2)
  })

  it('ignores appends to a partition that is not the sticky one', () => {
    const p = new BuiltInPartitioner({ batchSize: 10, random: seq(0) })
    const info = all(4)
    assert.equal(p.partition('t', info), 0)
    p.onAppend('t', 3, 1000, true, info)
    assert.equal(p.partition('t', info), 0)
  })

  it('chooses only among partitions with a leader, or among all when none has one', () => {
    const p = new BuiltInPartitioner({ batchSize: 10, random: seq(0.99) })
    assert.equal(p.nextPartition('t', { partitionCount: 6, availablePartitions: [1, 4] }), 4)
    assert.equal(p.nextPartition('t', { partitionCount: 6, availablePartitions: [] }), 5)
    assert.equal(p.nextPartition('t', { partitionCount: 6, availablePartitions: [2] }), 2)
  })

  it('weights the choice inversely to queue length when adaptive', () => {
    // queues 0,3,1 → weights (max 3 + 1 - q) = 4,1,3 → cumulative 4,5,8
    const queues = [0, 3, 1]
    const queueSize = (_topic: string, p: number) => queues[p]!
    const info = all(3)
    const pick = (r: number) => new BuiltInPartitioner({ batchSize: 10, random: () => r, queueSize }).nextPartition('t', info)
    assert.equal(pick(0 / 8), 0)
    assert.equal(pick(3.99 / 8), 0)
    assert.equal(pick(4 / 8), 1)
    assert.equal(pick(5 / 8), 2)
    assert.equal(pick(7.99 / 8), 2)
    const uniform = new BuiltInPartitioner({ batchSize: 10, adaptive: false, random: () => 0.5, queueSize })
    assert.equal(uniform.nextPartition('t', info), 1)
  })

  it('re-chooses when the sticky partition no longer exists', () => {
    const p = new BuiltInPartitioner({ batchSize: 10, random: seq(0.9, 0.1) })
    assert.equal(p.partition('t', all(10)), 9)
    assert.equal(p.partition('t', all(3)), 0)
  })
})
