// Admin topic calls against the reference broker: createTopics (results, validateOnly, per-topic
// TOPIC_ALREADY_EXISTS / INVALID_PARTITIONS / INVALID_REPLICATION_FACTOR / INVALID_CONFIG next to
// successes, NOT_CONTROLLER retried at the controller), deleteTopics, listTopics, describeTopics
// and createPartitions (INVALID_PARTITIONS, unknown topic, validateOnly). One 3-node cluster.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { AdminBatchError } from '../../src/admin/index.js'
import { ClosedError, ConfigError, ProtocolError } from '../../src/errors.js'
import { CreateTopicsApi } from '../../src/protocol/generated/create-topics.js'
import { ErrorCode } from '../../src/protocol/generated/error-table.js'
import { type AdminEnv, setupAdmin } from './admin-helpers.js'

function itemError(err: unknown, label: string): ProtocolError {
  assert.ok(err instanceof AdminBatchError, `expected AdminBatchError, got ${String(err)}`)
  const e = err.errorFor(label)
  assert.ok(e instanceof ProtocolError, `expected a ProtocolError for ${label}, got ${String(e)}`)
  return e
}

describe('admin topics', () => {
  let env: AdminEnv
  before(async () => {
    // auto-creation on, so 'never creates' below means the admin's Metadata asked for none
    env = await setupAdmin({ nodes: 3 })
  })
  after(async () => {
    await env.cleanup()
  })

  it('creates topics and reports what the broker created', async () => {
    const [created] = await env.admin.createTopics([{ name: 'orders', numPartitions: 3, replicationFactor: 2, configs: { 'retention.ms': '3600000' } }])
    assert.equal(created?.name, 'orders')
    assert.equal(created?.numPartitions, 3)
    assert.equal(created?.replicationFactor, 2)
    assert.equal(created?.configs?.['retention.ms'], '3600000')
    assert.equal(typeof created?.topicId, 'string')
    assert.equal(env.broker.control.state.topic('orders')?.partitionCount, 3)
    assert.ok((await env.admin.listTopics()).includes('orders'))
  })

  it('validateOnly checks without creating', async () => {
    const [checked] = await env.admin.createTopics([{ name: 'dry', numPartitions: 2, replicationFactor: 1 }], { validateOnly: true })
    assert.equal(checked?.numPartitions, 2)
    assert.equal(env.broker.control.state.topic('dry'), undefined)
    assert.ok(!(await env.admin.listTopics()).includes('dry'))
    // and still reports errors
    await assert.rejects(env.admin.createTopics([{ name: 'orders', numPartitions: 1 }], { validateOnly: true }), (err) => {
      return itemError(err, 'orders').errorCode === ErrorCode.TOPIC_ALREADY_EXISTS
    })
  })

  it('fails each bad topic with its own error and creates the good ones', async () => {
    const err = await env.admin
      .createTopics([
        { name: 'orders', numPartitions: 1, replicationFactor: 1 },
        { name: 'fresh', numPartitions: 2, replicationFactor: 3 },
        { name: 'too-wide', numPartitions: 1, replicationFactor: 4 },
        { name: 'bad-config', numPartitions: 1, configs: { 'retention.ms': 'soon' } },
        { name: 'too-many', numPartitions: 1_000_000 },
      ])
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      )
    assert.ok(err instanceof AdminBatchError)
    assert.equal(err.errors.length, 4)
    assert.equal(itemError(err, 'orders').errorName, 'TOPIC_ALREADY_EXISTS')
    assert.equal(itemError(err, 'too-wide').errorName, 'INVALID_REPLICATION_FACTOR')
    assert.equal(itemError(err, 'bad-config').errorName, 'INVALID_CONFIG')
    assert.equal(itemError(err, 'too-many').errorName, 'INVALID_PARTITIONS')
    assert.deepEqual(
      err.values.map((t) => (t as { name: string }).name),
      ['fresh'],
    )
    assert.deepEqual(
      err.outcomes.map((o) => o.ok),
      [false, true, false, false, false],
    )
    assert.equal(env.broker.control.state.topic('fresh')?.partitionCount, 2)
  })

  it('sends topic changes to the controller and retries NOT_CONTROLLER', async () => {
    const controllerId = env.broker.control.state.controllerId
    env.broker.control.queueError({ api: CreateTopicsApi, errorCode: ErrorCode.NOT_CONTROLLER })
    env.broker.control.clearRequests()
    await env.admin.createTopics([{ name: 'after-move', numPartitions: 1, replicationFactor: 1 }])
    const creates = env.broker.control.requests.filter((r) => r.apiKey === CreateTopicsApi.apiKey)
    assert.equal(creates.length, 2)
    assert.ok(creates.every((r) => r.nodeId === controllerId))
    assert.ok(env.broker.control.state.topic('after-move') !== undefined)
  })

  it('describes topics with leaders, replicas and ISR', async () => {
    const [d] = await env.admin.describeTopics(['orders'])
    assert.equal(d?.name, 'orders')
    assert.equal(d?.isInternal, false)
    assert.deepEqual(
      d?.partitions.map((p) => p.partition),
      [0, 1, 2],
    )
    for (const p of d?.partitions ?? []) {
      assert.equal(p.replicas.length, 2)
      assert.ok(p.replicas.includes(p.leader))
      assert.deepEqual([...p.isr].sort(), [...p.replicas].sort())
    }
    const all = await env.admin.describeTopics()
    assert.ok(all.some((t) => t.name === 'orders'))
    assert.deepEqual(
      all.map((t) => t.name),
      [...all.map((t) => t.name)].sort(),
    )
  })

  it('describeTopics fails unknown topics with UNKNOWN_TOPIC_OR_PARTITION and never creates them', async () => {
    await assert.rejects(env.admin.describeTopics(['orders', 'nope']), (err) => {
      assert.equal(itemError(err, 'nope').errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      assert.equal((err as AdminBatchError).values.length, 1)
      return true
    })
    assert.equal(env.broker.control.state.topic('nope'), undefined)
  })

  it('grows topics with createPartitions and rejects decreases and unknown topics per topic', async () => {
    await env.admin.createPartitions({ orders: 5 }, { validateOnly: true })
    assert.equal(env.broker.control.state.topic('orders')?.partitionCount, 3)
    await env.admin.createPartitions({ orders: 5 })
    assert.equal(env.broker.control.state.topic('orders')?.partitionCount, 5)
    const err = await env.admin.createPartitions({ orders: 2, ghost: 4, fresh: 3 }).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    )
    assert.equal(itemError(err, 'orders').errorName, 'INVALID_PARTITIONS')
    assert.equal(itemError(err, 'ghost').errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
    assert.equal((err as AdminBatchError).errorFor('fresh'), undefined)
    assert.equal(env.broker.control.state.topic('fresh')?.partitionCount, 3)
  })

  it('deletes topics and fails unknown names', async () => {
    await env.admin.createTopics([{ name: 'doomed', numPartitions: 1, replicationFactor: 1 }])
    await assert.rejects(env.admin.deleteTopics(['doomed', 'never-was']), (err) => {
      return itemError(err, 'never-was').errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    })
    assert.equal(env.broker.control.state.topic('doomed'), undefined)
    assert.ok(!(await env.admin.listTopics()).includes('doomed'))
  })

  it('rejects bad arguments with ConfigError before sending anything', async () => {
    env.broker.control.clearRequests()
    await assert.rejects(env.admin.createTopics([{ name: '', numPartitions: 1 }]), ConfigError)
    await assert.rejects(env.admin.createTopics([{ name: 'x', numPartitions: 0 }]), ConfigError)
    await assert.rejects(env.admin.createPartitions({ orders: 1.5 }), ConfigError)
    await assert.rejects(env.admin.deleteTopics('orders' as unknown as string[]), ConfigError)
    assert.equal(env.broker.control.requests.length, 0)
  })

  it('rejects calls after close with ClosedError', async () => {
    const a = env.newAdmin()
    assert.deepEqual(await a.listTopics().then((names) => names.includes('orders')), true)
    await a.close()
    await assert.rejects(a.listTopics(), ClosedError)
    await assert.rejects(a.createTopics([{ name: 'late', numPartitions: 1 }]), ClosedError)
  })
})
