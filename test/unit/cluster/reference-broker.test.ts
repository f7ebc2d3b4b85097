// The network and cluster layers against the reference broker (test/fixtures/broker):
// negotiation with each emulated Kafka version, metadata across 3 nodes, leader moves seen
// through epochs, a killed node, auto-created topics, and SASL PLAIN/SCRAM with KIP-368
// re-authentication. The reference broker shares our codec, so these complement, not replace,
// the fake-server tests that script the wire by hand.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { resolveClientOptions } from '../../../src/client-options.js'
import { Cluster } from '../../../src/cluster/cluster.js'
import { ProtocolError } from '../../../src/errors.js'
import type { SaslOptions } from '../../../src/network/sasl/authenticate.js'
import { MetadataApi } from '../../../src/protocol/generated/metadata.js'
import { type BrokerProfile, type StartClusterOptions, startCluster } from '../../fixtures/broker/index.js'

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function setup(brokerOptions: StartClusterOptions, clientOptions: { sasl?: SaslOptions } = {}) {
  const broker = await startCluster(brokerOptions)
  cleanups.push(() => broker.close())
  const options = resolveClientOptions({
    clientId: 'cluster-it',
    bootstrapServers: broker.bootstrap,
    retryBackoffMs: 5,
    retryBackoffMaxMs: 20,
    ...clientOptions,
  })
  const cluster = new Cluster(options)
  cleanups.push(() => cluster.close())
  return { broker, cluster }
}

describe('cluster layer against the reference broker', () => {
  for (const profile of ['2.8', '3.x', '4.x'] as BrokerProfile[]) {
    it(`negotiates with a Kafka ${profile} broker and reads metadata`, async () => {
      const { broker, cluster } = await setup({ nodes: 3, profile, topics: [{ name: 'orders', numPartitions: 3, replicationFactor: 3 }] })
      const topics = await cluster.metadata.ensureTopics(['orders'], { timeoutMs: 5000 })
      assert.equal(topics.get('orders')?.partitions.length, 3)
      assert.deepEqual([...cluster.metadata.brokers.keys()].sort(), broker.nodes.map((n) => n.nodeId).sort())
      for (let p = 0; p < 3; p++) assert.ok(cluster.metadata.leaderFor('orders', p))
      const conn = await cluster.connectionTo(broker.nodes[0]!.nodeId, 'metadata')
      const expected = profile === '2.8' ? 11 : MetadataApi.maxVersion
      assert.equal(conn.versionFor(MetadataApi), expected)
      if (profile !== '2.8') assert.notEqual(cluster.metadata.topicId('orders'), undefined)
    })
  }

  it('follows a leader move through epochs and survives a killed node', async () => {
    const { broker, cluster } = await setup({ nodes: 3, topics: [{ name: 't', numPartitions: 1, replicationFactor: 3 }] })
    await cluster.metadata.ensureTopics(['t'])
    const before = cluster.metadata.partition('t', 0)!
    const target = broker.nodes.map((n) => n.nodeId).find((id) => id !== before.leaderId)!
    assert.ok(broker.control.moveLeader('t', 0, target))
    // a Produce/Fetch response would report the new epoch: feed it as the producer will
    assert.equal(cluster.metadata.updateLeaderEpoch('t', 0, before.leaderEpoch + 1), true)
    assert.equal(cluster.metadata.needsRefresh, true)
    await cluster.metadata.refresh()
    const after = cluster.metadata.partition('t', 0)!
    assert.equal(after.leaderId, target)
    assert.ok(after.leaderEpoch > before.leaderEpoch)

    // kill the node that answered last; the next refresh goes elsewhere
    await broker.control.killNode(target)
    cluster.metadata.requestRefresh()
    await cluster.metadata.refresh()
    assert.notEqual(cluster.metadata.partition('t', 0)?.leaderId, undefined)
  })

  it('waits for an auto-created topic', async () => {
    const { cluster } = await setup({ nodes: 1, autoCreateTopics: true, brokerConfigs: { 'num.partitions': '2' } })
    const topics = await cluster.metadata.ensureTopics(['fresh'], { timeoutMs: 5000 })
    assert.equal(topics.get('fresh')?.partitions.length, 2)
    const all = await cluster.metadata.fetchAllTopics()
    assert.ok(all.some((t) => t.name === 'fresh'))
  })

  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`authenticates with SASL ${mechanism}`, async () => {
      const sasl = { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], users: { alice: 'alice-secret' } }
      const { cluster } = await setup({ nodes: 1, sasl }, { sasl: { mechanism, username: 'alice', password: 'alice-secret' } })
      await cluster.metadata.refresh()
      assert.equal(cluster.metadata.brokers.size, 1)

      const wrong = await setup({ nodes: 1, sasl }, { sasl: { mechanism, username: 'alice', password: 'wrong' } })
      await assert.rejects(wrong.cluster.metadata.refresh(), (e: unknown) => e instanceof ProtocolError && e.errorCode === 58)
    })
  }

  it('re-authenticates before the session lifetime ends and keeps serving requests', async () => {
    const sasl = { mechanisms: ['SCRAM-SHA-256'], users: { bob: 'pw' }, sessionLifetimeMs: 300 }
    const { broker, cluster } = await setup({ nodes: 1, sasl }, { sasl: { mechanism: 'scram-sha-256', username: 'bob', password: 'pw' } })
    await cluster.metadata.refresh()
    const conn = await cluster.connectionTo(broker.nodes[0]!.nodeId, 'admin')
    assert.equal(conn.sessionLifetimeMs, 300)
    // the admin connection authenticated last; wait for its second SaslHandshake
    const first = broker.control.requests.filter((r) => r.apiKey === 17).at(-1)!
    await broker.control.waitForRequest(
      (r) => r.apiKey === 17 && r.connectionId === first.connectionId && r.correlationId > first.correlationId,
    )
    const md = await conn.send(MetadataApi, { topics: [] })
    assert.equal(md.brokers.length, 1)
    assert.equal(conn.state, 'ready')
  })
})
