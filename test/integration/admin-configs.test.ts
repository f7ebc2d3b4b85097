// Admin config calls against the reference broker: describeConfigs of topics (values, sources,
// synonyms, types) and brokers (answered by that broker), per-resource errors for unknown topics
// and brokers; incrementalAlterConfigs set/delete/append/subtract, validateOnly, INVALID_CONFIG
// next to a resource that succeeds. One 2-node cluster.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { AdminBatchError, type ConfigDescription } from '../../src/admin/index.js'
import { ConfigError, ProtocolError } from '../../src/errors.js'
import { DescribeConfigsApi } from '../../src/protocol/generated/describe-configs.js'
import { ErrorCode } from '../../src/protocol/generated/error-table.js'
import { type AdminEnv, setupAdmin } from './admin-helpers.js'

function entry(d: ConfigDescription | undefined, name: string) {
  const e = d?.configs.find((c) => c.name === name)
  assert.ok(e !== undefined, `no config ${name}`)
  return e
}

describe('admin configs', () => {
  let env: AdminEnv
  before(async () => {
    env = await setupAdmin({ nodes: 2, topics: [{ name: 'cfg', numPartitions: 1, replicationFactor: 2, configs: { 'retention.ms': '5000' } }] })
  })
  after(async () => {
    await env.cleanup()
  })

  it('describes topic configs with source, default flag, type and synonyms', async () => {
    const [d] = await env.admin.describeConfigs([{ type: 'topic', name: 'cfg' }], { includeSynonyms: true })
    assert.equal(d?.type, 'topic')
    assert.equal(d?.name, 'cfg')
    const retention = entry(d, 'retention.ms')
    assert.equal(retention.value, '5000')
    assert.equal(retention.source, 'DYNAMIC_TOPIC_CONFIG')
    assert.equal(retention.isDefault, false)
    assert.equal(retention.type, 'LONG')
    assert.deepEqual(
      retention.synonyms.map((s) => s.source),
      ['DYNAMIC_TOPIC_CONFIG', 'DEFAULT_CONFIG'],
    )
    const policy = entry(d, 'cleanup.policy')
    assert.equal(policy.source, 'DEFAULT_CONFIG')
    assert.equal(policy.isDefault, true)
    assert.equal(policy.type, 'LIST')
    const [only] = await env.admin.describeConfigs([{ type: 'topic', name: 'cfg', configNames: ['retention.ms'] }])
    assert.deepEqual(
      only?.configs.map((c) => c.name),
      ['retention.ms'],
    )
  })

  it('asks a broker for its own configs', async () => {
    env.broker.control.clearRequests()
    const [b1] = await env.admin.describeConfigs([{ type: 'broker', name: '1', configNames: ['num.partitions'] }])
    assert.equal(b1?.configs.length, 1)
    const asked = env.broker.control.requests.filter((r) => r.apiKey === DescribeConfigsApi.apiKey)
    assert.deepEqual(
      asked.map((r) => r.nodeId),
      [1],
    )
  })

  it('fails unknown resources one by one', async () => {
    await assert.rejects(
      env.admin.describeConfigs([
        { type: 'topic', name: 'cfg' },
        { type: 'topic', name: 'missing' },
      ]),
      (err) => {
        assert.ok(err instanceof AdminBatchError)
        const e = err.errorFor('topic:missing')
        assert.ok(e instanceof ProtocolError)
        assert.equal(e.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        assert.equal(err.values.length, 1)
        return true
      },
    )
  })

  it('alters configs incrementally: set, append, subtract, delete', async () => {
    await env.admin.incrementalAlterConfigs([
      {
        type: 'topic',
        name: 'cfg',
        configs: [
          { name: 'retention.ms', value: '7000' },
          { name: 'cleanup.policy', value: 'compact', op: 'append' },
        ],
      },
    ])
    let [d] = await env.admin.describeConfigs([{ type: 'topic', name: 'cfg', configNames: ['retention.ms', 'cleanup.policy'] }])
    assert.equal(entry(d, 'retention.ms').value, '7000')
    assert.equal(entry(d, 'cleanup.policy').value, 'delete,compact')
    await env.admin.incrementalAlterConfigs([
      {
        type: 'topic',
        name: 'cfg',
        configs: [
          { name: 'retention.ms', op: 'delete' },
          { name: 'cleanup.policy', value: 'delete', op: 'subtract' },
        ],
      },
    ])
    ;[d] = await env.admin.describeConfigs([{ type: 'topic', name: 'cfg', configNames: ['retention.ms', 'cleanup.policy'] }])
    assert.equal(entry(d, 'retention.ms').source, 'DEFAULT_CONFIG')
    assert.equal(entry(d, 'cleanup.policy').value, 'compact')
  })

  it('validateOnly changes nothing; INVALID_CONFIG fails only its resource', async () => {
    await env.admin.incrementalAlterConfigs([{ type: 'topic', name: 'cfg', configs: [{ name: 'retention.ms', value: '1' }] }], { validateOnly: true })
    const [d] = await env.admin.describeConfigs([{ type: 'topic', name: 'cfg', configNames: ['retention.ms'] }])
    assert.notEqual(entry(d, 'retention.ms').value, '1')
    await assert.rejects(
      env.admin.incrementalAlterConfigs([
        { type: 'topic', name: 'cfg', configs: [{ name: 'retention.ms', value: 'never' }] },
        { type: 'broker', name: '0', configs: [{ name: 'num.partitions', value: '4' }] },
      ]),
      (err) => {
        assert.ok(err instanceof AdminBatchError)
        assert.equal((err.errorFor('topic:cfg') as ProtocolError).errorName, 'INVALID_CONFIG')
        assert.equal(err.errorFor('broker:0'), undefined)
        return true
      },
    )
    const [b] = await env.admin.describeConfigs([{ type: 'broker', name: '0', configNames: ['num.partitions'] }])
    assert.equal(entry(b, 'num.partitions').value, '4')
  })

  it('rejects malformed changes with ConfigError', async () => {
    await assert.rejects(env.admin.incrementalAlterConfigs([{ type: 'topic', name: 'cfg', configs: [{ name: 'retention.ms' }] }]), ConfigError)
    await assert.rejects(env.admin.describeConfigs([{ type: 'table' as 'topic', name: 'cfg' }]), ConfigError)
  })
})
