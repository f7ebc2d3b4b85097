// Admin offset calls against the reference broker: listOffsets (earliest, latest, by timestamp,
// max-timestamp; unknown topic and partition; NOT_LEADER_OR_FOLLOWER retried at the new leader),
// deleteRecords (new low watermark, OFFSET_OUT_OF_RANGE, a dropped connection retried),
// describeCluster, and an old broker (2.8 profile): max-timestamp refused per partition with
// UnsupportedVersionError, OffsetFetch v7 group offsets, DescribeCluster v0.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { AdminBatchError } from '../../src/admin/index.js'
import { type ProtocolError, UnsupportedVersionError } from '../../src/errors.js'
import { DeleteRecordsApi } from '../../src/protocol/generated/delete-records.js'
import { ErrorCode } from '../../src/protocol/generated/error-table.js'
import { ListOffsetsApi } from '../../src/protocol/generated/list-offsets.js'
import { type AdminEnv, setupAdmin } from './admin-helpers.js'

function batchItem(err: unknown, label: string): Error {
  assert.ok(err instanceof AdminBatchError, `expected AdminBatchError, got ${String(err)}`)
  const e = err.errorFor(label)
  assert.ok(e !== undefined, `no error for ${label}`)
  return e
}

const T0 = 1_700_000_000_000

describe('admin offsets', () => {
  let env: AdminEnv
  before(async () => {
    env = await setupAdmin({ nodes: 2, topics: [{ name: 'log', numPartitions: 2, replicationFactor: 2 }] })
    await env.produce('log', 0, ['a', 'b'], T0)
    await env.produce('log', 0, ['c', 'd'], T0 + 1000)
    await env.produce('log', 0, ['e'], T0 + 500)
  })
  after(async () => {
    await env.cleanup()
  })

  it('lists earliest, latest, by-timestamp and max-timestamp offsets in input order', async () => {
    const got = await env.admin.listOffsets([
      { topic: 'log', partition: 1 },
      { topic: 'log', partition: 0, spec: 'latest' },
    ])
    assert.deepEqual(
      got.map((o) => [o.topic, o.partition, o.offset]),
      [
        ['log', 1, 0n],
        ['log', 0, 5n],
      ],
    )
    const [first] = await env.admin.listOffsets([{ topic: 'log', partition: 0, spec: 'earliest' }])
    assert.equal(first?.offset, 0n)
    const [byTime] = await env.admin.listOffsets([{ topic: 'log', partition: 0, spec: { timestamp: T0 + 1 } }])
    assert.equal(byTime?.offset, 2n)
    assert.equal(byTime?.timestamp, T0 + 1000)
    const [none] = await env.admin.listOffsets([{ topic: 'log', partition: 0, spec: { timestamp: T0 + 5000 } }])
    assert.equal(none?.offset, -1n)
    const [max] = await env.admin.listOffsets([{ topic: 'log', partition: 0, spec: 'max-timestamp' }])
    assert.equal(max?.timestamp, T0 + 1000)
    assert.equal(max?.offset, 2n) // the first record with the highest timestamp (KAFKA-16310)
  })

  it('fails unknown topics and partitions per partition', async () => {
    const err = await env.admin
      .listOffsets([
        { topic: 'log', partition: 0 },
        { topic: 'ghost', partition: 0 },
        { topic: 'log', partition: 9 },
      ])
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      )
    assert.equal((batchItem(err, 'ghost-0') as ProtocolError).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((batchItem(err, 'log-9') as ProtocolError).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((err as AdminBatchError).values.length, 1)
  })

  it('retries leader errors at the partition leader', async () => {
    const leader = env.broker.control.state.partition('log', 1)?.leader
    env.broker.control.queueError({ api: ListOffsetsApi, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, topic: 'log', partition: 1 })
    env.broker.control.clearRequests()
    const [o] = await env.admin.listOffsets([{ topic: 'log', partition: 1, spec: 'latest' }])
    assert.equal(o?.offset, 0n)
    const asked = env.broker.control.requests.filter((r) => r.apiKey === ListOffsetsApi.apiKey).map((r) => r.nodeId)
    assert.deepEqual(asked, [leader, leader])
  })

  it('deletes records before an offset and reports the new low watermark', async () => {
    const [d] = await env.admin.deleteRecords([{ topic: 'log', partition: 0, offset: 2n }])
    assert.equal(d?.lowWatermark, 2n)
    const [earliest] = await env.admin.listOffsets([{ topic: 'log', partition: 0, spec: 'earliest' }])
    assert.equal(earliest?.offset, 2n)
    await assert.rejects(env.admin.deleteRecords([{ topic: 'log', partition: 0, offset: 99n }]), (err) => {
      return (batchItem(err, 'log-0') as ProtocolError).errorCode === ErrorCode.OFFSET_OUT_OF_RANGE
    })
  })

  it('retries a request whose connection dropped', async () => {
    let dropped = 0
    const remove = env.broker.control.onRequest((req) => {
      if (req.apiKey !== DeleteRecordsApi.apiKey || dropped > 0) return undefined
      dropped++
      return { action: 'close' }
    })
    try {
      const [d] = await env.admin.deleteRecords([{ topic: 'log', partition: 0, offset: -1n }])
      assert.equal(d?.lowWatermark, 5n)
      assert.equal(dropped, 1)
    } finally {
      remove()
    }
  })

  it('describes the cluster', async () => {
    const c = await env.admin.describeCluster()
    assert.equal(c.clusterId, env.broker.control.state.clusterId)
    assert.equal(c.controllerId, env.broker.control.state.controllerId)
    assert.deepEqual(
      c.brokers.map((b) => [b.nodeId, b.port]),
      env.broker.nodes.map((n) => [n.nodeId, n.port]),
    )
  })
})

describe('admin offsets on a 2.8 broker', () => {
  let env: AdminEnv
  before(async () => {
    env = await setupAdmin({ profile: '2.8', topics: [{ name: 'old', numPartitions: 1, replicationFactor: 1 }] })
    await env.produce('old', 0, ['x'], T0)
  })
  after(async () => {
    await env.cleanup()
  })

  it('refuses max-timestamp per partition and answers the rest', async () => {
    const err = await env.admin
      .listOffsets([{ topic: 'old', partition: 0, spec: 'max-timestamp' }])
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      )
    assert.ok(batchItem(err, 'old-0') instanceof UnsupportedVersionError)
    const [latest] = await env.admin.listOffsets([{ topic: 'old', partition: 0 }])
    assert.equal(latest?.offset, 1n)
  })

  it('reads and writes group offsets and describes the cluster with older versions', async () => {
    await env.admin.alterConsumerGroupOffsets('old-group', [{ topic: 'old', partition: 0, offset: 1n, metadata: 'm' }])
    const offsets = await env.admin.listConsumerGroupOffsets('old-group')
    assert.deepEqual(
      offsets.map((o) => [o.topic, o.partition, o.offset, o.metadata]),
      [['old', 0, 1n, 'm']],
    )
    const groups = await env.admin.listGroups()
    assert.deepEqual(
      groups.map((g) => [g.groupId, g.type]),
      [['old-group', null]],
    )
    const c = await env.admin.describeCluster()
    assert.equal(c.brokers.length, 1)
  })
})
