// Admin group calls against the reference broker with a live consumer-group member: listGroups
// (every broker's groups, state filter), describeGroups (members with decoded subscription and
// assignment; unknown group → GROUP_ID_NOT_FOUND; NOT_COORDINATOR retried after a coordinator
// move), deleteGroups (NON_EMPTY_GROUP while the member is in, then success), committed offsets
// (alter refused with UNKNOWN_MEMBER_ID while active) and consumerGroupLag with the member.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { AdminBatchError } from '../../src/admin/index.js'
import { resolveClientOptions } from '../../src/client-options.js'
import { Cluster } from '../../src/cluster/cluster.js'
import { Consumer } from '../../src/consumer/index.js'
import { ProtocolError } from '../../src/errors.js'
import { DescribeGroupsApi } from '../../src/protocol/generated/describe-groups.js'
import { ErrorCode } from '../../src/protocol/generated/error-table.js'
import { type AdminEnv, setupAdmin } from './admin-helpers.js'

function batchItem(err: unknown, label: string): ProtocolError {
  assert.ok(err instanceof AdminBatchError, `expected AdminBatchError, got ${String(err)}`)
  const e = err.errorFor(label)
  assert.ok(e instanceof ProtocolError, `expected a ProtocolError for ${label}`)
  return e
}

describe('admin groups', () => {
  let env: AdminEnv
  let consumer: Consumer<Buffer | null, Buffer | null>

  before(async () => {
    env = await setupAdmin({ nodes: 3, topics: [{ name: 'events', numPartitions: 2, replicationFactor: 1 }] })
    await env.produce('events', 0, ['a', 'b', 'c'])
    await env.produce('events', 1, ['d'])
    const options = resolveClientOptions({ clientId: 'member-client', bootstrapServers: env.broker.bootstrap, retryBackoffMs: 20, retryBackoffMaxMs: 100 })
    consumer = new Consumer(new Cluster(options), options, { groupId: 'live', autoOffsetReset: 'earliest', enableAutoCommit: false })
    consumer.subscribe(['events'])
    let seen = 0
    for (let i = 0; i < 200 && seen < 4; i++) seen += (await consumer.poll(100)).count
    assert.equal(seen, 4)
    await consumer.commitSync()
    // a second group that only ever committed offsets (no members): Empty
    await env.admin.alterConsumerGroupOffsets('idle', [{ topic: 'events', partition: 0, offset: 1n }])
  })

  after(async () => {
    await consumer.close({ timeoutMs: 2000 }).catch(() => undefined)
    await env.cleanup()
  })

  it('lists the groups of every broker, with state filters', async () => {
    const all = await env.admin.listGroups()
    const byId = new Map(all.map((g) => [g.groupId, g]))
    assert.equal(byId.get('live')?.protocolType, 'consumer')
    assert.equal(byId.get('live')?.state, 'Stable')
    assert.equal(byId.get('idle')?.state, 'Empty')
    const empty = await env.admin.listGroups({ states: ['empty'] })
    assert.deepEqual(
      empty.map((g) => g.groupId),
      ['idle'],
    )
  })

  it('describes a group with decoded member subscription and assignment', async () => {
    const [g] = await env.admin.describeGroups(['live'])
    assert.equal(g?.state, 'Stable')
    assert.equal(g?.protocolType, 'consumer')
    assert.ok(g?.protocol !== '')
    assert.equal(g?.members.length, 1)
    const m = g?.members[0]
    assert.equal(m?.clientId, 'member-client')
    assert.deepEqual(m?.subscription?.topics, ['events'])
    assert.deepEqual(
      m?.assignment.map((tp) => `${tp.topic}-${tp.partition}`).sort(),
      ['events-0', 'events-1'],
    )
    assert.equal(g?.coordinator.nodeId, env.broker.control.state.coordinatorFor(0, 'live'))
  })

  it('fails unknown groups with GROUP_ID_NOT_FOUND next to known ones', async () => {
    const err = await env.admin.describeGroups(['live', 'nobody']).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    )
    assert.equal(batchItem(err, 'nobody').errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    assert.equal((err as AdminBatchError).values.length, 1)
  })

  it('retries NOT_COORDINATOR with a fresh coordinator lookup', async () => {
    await env.admin.describeGroups(['idle'])
    const current = env.broker.control.state.coordinatorFor(0, 'idle')
    const other = (current + 1) % 3
    env.broker.control.moveCoordinator(0, 'idle', other)
    env.broker.control.clearRequests()
    const [g] = await env.admin.describeGroups(['idle'])
    assert.equal(g?.coordinator.nodeId, other)
    const asked = env.broker.control.requests.filter((r) => r.apiKey === DescribeGroupsApi.apiKey).map((r) => r.nodeId)
    assert.deepEqual(asked, [current, other])
  })

  it('waits out COORDINATOR_LOAD_IN_PROGRESS on a coordinator that is loading the group', async () => {
    const current = env.broker.control.state.coordinatorFor(0, 'idle')
    const other = (current + 1) % 3
    env.broker.control.moveCoordinator(0, 'idle', other, { loadingMs: 150 })
    env.broker.control.clearRequests()
    const offsets = await env.admin.listConsumerGroupOffsets('idle')
    assert.deepEqual(
      offsets.map((o) => o.offset),
      [1n],
    )
    const asked = env.broker.control.requests.filter((r) => r.apiName === 'OffsetFetch' && r.nodeId === other)
    assert.ok(asked.length >= 2, `expected a retry at the loading coordinator, saw ${asked.length} request(s)`)
  })

  it('reads committed offsets and refuses to alter them while the group is active', async () => {
    const offsets = await env.admin.listConsumerGroupOffsets('live')
    assert.deepEqual(
      offsets.map((o) => [o.topic, o.partition, o.offset]),
      [
        ['events', 0, 3n],
        ['events', 1, 1n],
      ],
    )
    const only = await env.admin.listConsumerGroupOffsets('live', { partitions: [{ topic: 'events', partition: 1 }] })
    assert.deepEqual(
      only.map((o) => o.offset),
      [1n],
    )
    await assert.rejects(env.admin.alterConsumerGroupOffsets('live', [{ topic: 'events', partition: 0, offset: 0n }]), (err) => {
      return batchItem(err, 'events-0').errorCode === ErrorCode.UNKNOWN_MEMBER_ID
    })
  })

  it('reports lag per partition with the assigned member', async () => {
    await env.produce('events', 1, ['e', 'f'])
    const lag = await env.admin.consumerGroupLag('live')
    assert.deepEqual(
      lag.map((l) => [l.partition, l.committedOffset, l.endOffset, l.lag, l.clientId]),
      [
        [0, 3n, 3n, 0n, 'member-client'],
        [1, 1n, 3n, 2n, 'member-client'],
      ],
    )
    await assert.rejects(env.admin.consumerGroupLag('nobody'), (err) => err instanceof ProtocolError && err.errorCode === ErrorCode.GROUP_ID_NOT_FOUND)
  })

  it('deleteGroups: NON_EMPTY_GROUP while a member is in, GROUP_ID_NOT_FOUND for unknown, then deletes', async () => {
    const err = await env.admin.deleteGroups(['live', 'idle', 'nobody']).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    )
    assert.equal(batchItem(err, 'live').errorCode, ErrorCode.NON_EMPTY_GROUP)
    assert.equal(batchItem(err, 'nobody').errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    assert.equal((err as AdminBatchError).errorFor('idle'), undefined)
    assert.ok(!(await env.admin.listGroups()).some((g) => g.groupId === 'idle'))

    await consumer.close({ timeoutMs: 5000 })
    // empty now: offsets can be reset, then the group deleted
    await env.admin.alterConsumerGroupOffsets('live', [{ topic: 'events', partition: 0, offset: 1n }])
    assert.equal((await env.admin.listConsumerGroupOffsets('live')).find((o) => o.partition === 0)?.offset, 1n)
    await env.admin.deleteGroups(['live'])
    assert.deepEqual(await env.admin.listGroups(), [])
  })
})
