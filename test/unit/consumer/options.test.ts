// Consumer options (Java defaults, validation), commit input normalisation (records commit
// offset + 1n, explicit offsets as given), TopicPartitionMap value keys, ConsumerRecords views,
// and SubscriptionState bookkeeping (exclusive modes, kept state on reassignment, versions).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextOffsets, toCommitMap } from '../../../src/consumer/commit-input.js'
import { ConsumerRecords } from '../../../src/consumer/consumer-records.js'
import { IllegalStateError } from '../../../src/consumer/errors.js'
import { CONSUMER_DEFAULTS, resolveConsumerOptions } from '../../../src/consumer/options.js'
import { SubscriptionState } from '../../../src/consumer/subscription-state.js'
import { TopicPartitionMap } from '../../../src/consumer/topic-partition-map.js'
import { ConsumerRecord } from '../../../src/consumer/types.js'
import { ConfigError, KafkaClientError } from '../../../src/errors.js'
import { NOOP_LOGGER } from '../../../src/network/logger.js'

const CLIENT = { requestTimeoutMs: 30_000, retryBackoffMs: 100, retryBackoffMaxMs: 1000, logger: NOOP_LOGGER }

function record(topic: string, partition: number, offset: bigint, leaderEpoch: number | null = 3): ConsumerRecord {
  return new ConsumerRecord(topic, partition, offset, 0, 'CreateTime', null, null, [], leaderEpoch, -1, -1)
}

describe('consumer options', () => {
  it('fills in the Java defaults', () => {
    const o = resolveConsumerOptions({ groupId: 'g' }, CLIENT)
    assert.equal(o.enableAutoCommit, true)
    assert.equal(o.autoOffsetReset, 'latest')
    assert.equal(o.maxPollRecords, 500)
    assert.equal(o.fetchMinBytes, 1)
    assert.equal(o.fetchMaxBytes, 52_428_800)
    assert.equal(o.fetchMaxWaitMs, 500)
    assert.equal(o.maxPartitionFetchBytes, 1_048_576)
    assert.equal(o.sessionTimeoutMs, 45_000)
    assert.equal(o.heartbeatIntervalMs, 3000)
    assert.equal(o.maxPollIntervalMs, 300_000)
    assert.equal(o.isolationLevel, 'read_uncommitted')
    assert.deepEqual(
      o.partitionAssignmentStrategy.map((a) => a.name),
      ['range', 'cooperative-sticky'],
    )
    assert.equal(o.groupProtocol, 'classic')
    assert.equal(o.requestTimeoutMs, 30_000)
    assert.deepEqual([...CONSUMER_DEFAULTS.partitionAssignmentStrategy], ['range', 'cooperative-sticky'])
  })

  it('turns auto-commit off without a group, and rejects asking for it', () => {
    assert.equal(resolveConsumerOptions({}, CLIENT).enableAutoCommit, false)
    assert.throws(() => resolveConsumerOptions({ enableAutoCommit: true }, CLIENT), ConfigError)
    assert.throws(() => resolveConsumerOptions({ groupInstanceId: 'x' }, CLIENT), ConfigError)
  })

  it('rejects bad values with ConfigError', () => {
    const bad: Record<string, unknown>[] = [
      { autoOffsetReset: 'smallest' },
      { isolationLevel: 'serializable' },
      { maxPollRecords: 0 },
      { sessionTimeoutMs: 1000, heartbeatIntervalMs: 1000 },
      { partitionAssignmentStrategy: ['nope'] },
      { groupProtocol: 'new' },
      { keyDeserializer: 'utf8' },
      { interceptors: [null] },
    ]
    for (const o of bad) assert.throws(() => resolveConsumerOptions({ groupId: 'g', ...o } as never, CLIENT), ConfigError, JSON.stringify(o))
  })

  it("parses groupProtocol 'consumer' (the Consumer itself rejects it for now)", () => {
    assert.equal(resolveConsumerOptions({ groupId: 'g', groupProtocol: 'consumer' }, CLIENT).groupProtocol, 'consumer')
  })
})

describe('commit input', () => {
  it('records commit offset + 1n, the highest per partition, with their leader epoch', () => {
    const m = toCommitMap([record('t', 0, 5n), record('t', 0, 9n), record('t', 1, 0n, null)])
    assert.deepEqual(m.get('t', 0), { offset: 10n, metadata: '', leaderEpoch: 3 })
    assert.deepEqual(m.get('t', 1), { offset: 1n, metadata: '', leaderEpoch: null })
    const fromRecords = toCommitMap(new ConsumerRecords([record('t', 2, 41n)]))
    assert.equal(fromRecords.get('t', 2)?.offset, 42n)
    assert.deepEqual(nextOffsets([record('t', 0, 1n), record('t', 0, 2n)]), [{ topic: 't', partition: 0, offset: 3n, metadata: '', leaderEpoch: 3 }])
  })

  it('explicit offsets are taken as given (the next offset to read)', () => {
    const m = toCommitMap([{ topic: 't', partition: 0, offset: 7n, metadata: 'm', leaderEpoch: 2 }])
    assert.deepEqual(m.get('t', 0), { offset: 7n, metadata: 'm', leaderEpoch: 2 })
    assert.throws(() => toCommitMap([{ topic: 't', partition: 0, offset: -1n }]), KafkaClientError)
    assert.throws(() => toCommitMap([{ topic: 't', partition: 0, offset: 1 as unknown as bigint }]), KafkaClientError)
    assert.throws(() => toCommitMap(42 as never), KafkaClientError)
  })
})

describe('TopicPartitionMap and ConsumerRecords', () => {
  it('keys by value', () => {
    const m = new TopicPartitionMap<number>()
    m.set({ topic: 'a', partition: 1 }, 5)
    assert.equal(m.get({ topic: 'a', partition: 1 }), 5)
    assert.equal(m.get('a', 1), 5)
    assert.equal(m.has({ topic: 'a', partition: 2 }), false)
    m.set({ topic: 'a', partition: 1 }, 6)
    assert.equal(m.size, 1)
    assert.deepEqual(m.toJSON(), { 'a-1': 6 })
  })

  it('groups records by partition in arrival order', () => {
    const rs = new ConsumerRecords([record('a', 0, 1n), record('b', 0, 1n), record('a', 0, 2n), record('a', 1, 0n)])
    assert.equal(rs.count, 4)
    assert.deepEqual(rs.partitions(), [
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 0 },
      { topic: 'a', partition: 1 },
    ])
    assert.deepEqual(
      rs.records({ topic: 'a', partition: 0 }).map((r) => r.offset),
      [1n, 2n],
    )
    assert.equal(rs.records('a').length, 3)
    assert.equal([...rs].length, 4)
    assert.equal(ConsumerRecords.empty().isEmpty, true)
  })
})

describe('SubscriptionState', () => {
  it('keeps subscribe, pattern and assign mutually exclusive', () => {
    const s = new SubscriptionState('latest')
    s.subscribe(['t'], null)
    assert.throws(() => s.assignFromUser([{ topic: 't', partition: 0 }]), IllegalStateError)
    assert.throws(() => s.subscribePattern(/t/, null), IllegalStateError)
    s.unsubscribe()
    s.assignFromUser([{ topic: 't', partition: 0 }])
    assert.equal(s.type, 'assigned')
  })

  it('keeps the state of partitions that stay assigned and bumps versions on seeks', () => {
    const s = new SubscriptionState('latest')
    s.subscribe(['t'], null)
    s.assignFromGroup([{ topic: 't', partition: 0 }])
    const p0 = s.assigned({ topic: 't', partition: 0 })
    p0.seek(5n, 1)
    const v = p0.version
    s.assignFromGroup([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ])
    assert.equal(s.assigned({ topic: 't', partition: 0 }), p0)
    assert.equal(p0.version, v)
    assert.equal(s.assigned({ topic: 't', partition: 1 }).state, 'initializing')
    p0.seek(6n, null)
    assert.notEqual(p0.version, v)
    assert.deepEqual([...s.allConsumed()].map(([tp, o]) => [tp.partition, o.offset]), [[0, 6n]])
    p0.paused = true
    assert.equal(p0.fetchable, false)
    assert.throws(() => s.assigned({ topic: 'x', partition: 0 }), IllegalStateError)
  })
})
