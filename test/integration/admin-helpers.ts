// Shared set-up for the admin integration tests: a reference cluster with fast group timers, an
// Admin built the way the Kafka facade builds it (own Cluster, no auto-creation), and a raw
// cluster client for writing test data and running group members. Test-only; cleanup() closes all.
import { Admin, type AdminOptions } from '../../src/admin/index.js'
import { resolveClientOptions } from '../../src/client-options.js'
import { Cluster } from '../../src/cluster/cluster.js'
import { ProtocolError } from '../../src/errors.js'
import { ProduceApi } from '../../src/protocol/generated/produce.js'
import { RecordBatchBuilder } from '../../src/protocol/records/batch-builder.js'
import { type Cluster as BrokerCluster, type StartClusterOptions, startCluster } from '../fixtures/broker/index.js'

export interface AdminEnv {
  readonly broker: BrokerCluster
  readonly admin: Admin
  /** a raw client for test data */
  readonly raw: Cluster
  newAdmin(options?: AdminOptions, client?: Record<string, unknown>): Admin
  produce(topic: string, partition: number, values: readonly string[], timestampMs?: number): Promise<bigint>
  cleanup(): Promise<void>
}

export async function setupAdmin(options: StartClusterOptions = {}, adminOptions: AdminOptions = {}): Promise<AdminEnv> {
  const broker = await startCluster({
    ...options,
    brokerConfigs: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '100', ...options.brokerConfigs },
  })
  const admins: Admin[] = []
  const newAdmin = (o: AdminOptions = {}, client: Record<string, unknown> = {}): Admin => {
    const resolved = resolveClientOptions({ clientId: 'admin-it', bootstrapServers: broker.bootstrap, retryBackoffMs: 20, retryBackoffMaxMs: 100, ...client })
    const a = new Admin(new Cluster({ ...resolved, allowAutoTopicCreation: false }), resolved, o)
    admins.push(a)
    return a
  }
  const admin = newAdmin(adminOptions)
  const raw = new Cluster(resolveClientOptions({ clientId: 'admin-it-raw', bootstrapServers: broker.bootstrap, retryBackoffMs: 20, retryBackoffMaxMs: 100 }))

  async function produce(topic: string, partition: number, values: readonly string[], timestampMs = Date.now()): Promise<bigint> {
    await raw.metadata.ensureTopics([topic], { timeoutMs: 5000 })
    await raw.metadata.refresh()
    const leader = raw.metadata.partition(topic, partition)?.leaderId ?? -1
    const b = new RecordBatchBuilder({})
    for (const v of values) b.append({ key: null, value: Buffer.from(v), timestampMs })
    const response = await raw.sendTo(leader, 'produce', ProduceApi, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: b.buildSync() }] }],
    })
    const p = response.responses[0]?.partitionResponses[0]
    if (p === undefined) throw new Error('empty produce response')
    if (p.errorCode !== 0) throw new ProtocolError(p.errorCode, `produce to ${topic}-${partition}`)
    return p.baseOffset
  }

  return {
    broker,
    admin,
    raw,
    newAdmin,
    produce,
    async cleanup() {
      await Promise.all(admins.map((a) => a.close()))
      await raw.close()
      await broker.close()
    },
  }
}
