// Shared set-up for the consumer integration tests: a reference cluster, Consumers built the way
// the Kafka facade builds them (one Cluster each), and test data written with the raw codec
// (Produce, and InitProducerId/AddPartitionsToTxn/EndTxn for transactions) so the consumer tests
// do not depend on the producer. Test-only; every resource is closed by cleanup().
import { resolveClientOptions } from '../../src/client-options.js'
import { Cluster } from '../../src/cluster/cluster.js'
import { Consumer, type ConsumerOptions } from '../../src/consumer/index.js'
import type { ConsumerRecord } from '../../src/consumer/types.js'
import { ProtocolError } from '../../src/errors.js'
import { AddPartitionsToTxnApi } from '../../src/protocol/generated/add-partitions-to-txn.js'
import { EndTxnApi } from '../../src/protocol/generated/end-txn.js'
import { InitProducerIdApi } from '../../src/protocol/generated/init-producer-id.js'
import { ProduceApi } from '../../src/protocol/generated/produce.js'
import { RecordBatchBuilder } from '../../src/protocol/records/batch-builder.js'
import { type Cluster as BrokerCluster, type StartClusterOptions, startCluster } from '../fixtures/broker/index.js'

export interface Env {
  readonly broker: BrokerCluster
  /** a consumer over its own Cluster; closed by cleanup() if the test did not close it */
  consumer<K = Buffer | null, V = Buffer | null>(options?: ConsumerOptions<K, V>, client?: Record<string, unknown>): Consumer<K, V>
  /** a raw cluster client for producing test data */
  readonly admin: Cluster
  produce(topic: string, partition: number, values: readonly string[], keys?: readonly (string | null)[]): Promise<bigint>
  /** one transaction: commit, abort, or leave it 'open' (end it later with endTransaction) */
  transaction(transactionalId: string, topic: string, partition: number, values: readonly string[], outcome: boolean | 'open'): Promise<void>
  endTransaction(transactionalId: string, commit: boolean): Promise<void>
  cleanup(): Promise<void>
}

export const FAST_GROUP_CONFIGS = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '100',
}

export async function setup(options: StartClusterOptions = {}): Promise<Env> {
  const broker = await startCluster({ ...options, brokerConfigs: { ...FAST_GROUP_CONFIGS, ...options.brokerConfigs } })
  const clientInput = { clientId: 'consumer-it', bootstrapServers: broker.bootstrap, retryBackoffMs: 20, retryBackoffMaxMs: 100 }
  const clientOptions = resolveClientOptions(clientInput)
  const admin = new Cluster(clientOptions)
  const consumers: Consumer<unknown, unknown>[] = []
  const producers = new Map<string, { producerId: bigint; producerEpoch: number; sequence: Map<string, number> }>()

  async function leaderOf(topic: string, partition: number): Promise<number> {
    await admin.metadata.ensureTopics([topic], { timeoutMs: 5000 })
    await admin.metadata.refresh()
    const leader = admin.metadata.partition(topic, partition)?.leaderId ?? -1
    if (leader < 0) throw new Error(`no leader for ${topic}-${partition}`)
    return leader
  }

  async function send(topic: string, partition: number, batch: Buffer, transactionalId: string | null): Promise<bigint> {
    const leader = await leaderOf(topic, partition)
    const response = await admin.sendTo(leader, 'produce', ProduceApi, {
      transactionalId,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
    })
    const p = response.responses[0]?.partitionResponses[0]
    if (p === undefined) throw new Error('empty produce response')
    if (p.errorCode !== 0) throw new ProtocolError(p.errorCode, `produce to ${topic}-${partition}`)
    return p.baseOffset
  }

  function build(values: readonly string[], keys: readonly (string | null)[] | undefined, txn?: { producerId: bigint; producerEpoch: number; baseSequence: number }): Buffer {
    const b = new RecordBatchBuilder(txn === undefined ? {} : { transactional: true, ...txn })
    values.forEach((v, i) => {
      const k = keys?.[i] ?? null
      b.append({ key: k === null ? null : Buffer.from(k), value: Buffer.from(v), timestampMs: Date.now() })
    })
    return b.buildSync()
  }

  async function endTransaction(transactionalId: string, commit: boolean): Promise<void> {
    const conn = await admin.coordinatorConnection('transaction', transactionalId)
    const p = producers.get(transactionalId)
    if (p === undefined) throw new Error(`no transaction for ${transactionalId}`)
    const end = await conn.send(EndTxnApi, { transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed: commit })
    if (end.errorCode !== 0) throw new ProtocolError(end.errorCode, 'EndTxn')
    // KIP-890 (EndTxn v5+): the coordinator bumped the epoch; sequences start over
    if ((end.producerEpoch ?? -1) >= 0 && (end.producerId ?? -1n) >= 0n) {
      p.producerId = end.producerId ?? p.producerId
      p.producerEpoch = end.producerEpoch ?? p.producerEpoch
      p.sequence.clear()
    }
  }

  return {
    broker,
    admin,
    consumer<K, V>(options: ConsumerOptions<K, V> = {}, client: Record<string, unknown> = {}) {
      const resolved = resolveClientOptions({ ...clientInput, ...client })
      const cluster = new Cluster(resolved)
      const c = new Consumer<K, V>(cluster, resolved, { retryBackoffMs: 20, retryBackoffMaxMs: 100, ...options })
      consumers.push(c as unknown as Consumer<unknown, unknown>)
      return c
    },
    produce(topic, partition, values, keys) {
      return send(topic, partition, build(values, keys), null)
    },
    async transaction(transactionalId, topic, partition, values, outcome) {
      const conn = await admin.coordinatorConnection('transaction', transactionalId)
      let p = producers.get(transactionalId)
      if (p === undefined) {
        const init = await conn.send(InitProducerIdApi, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
        if (init.errorCode !== 0) throw new ProtocolError(init.errorCode, 'InitProducerId')
        p = { producerId: init.producerId, producerEpoch: init.producerEpoch, sequence: new Map() }
        producers.set(transactionalId, p)
      }
      const add = await conn.send(
        AddPartitionsToTxnApi,
        {
          transactions: [{ transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, verifyOnly: false, topics: [{ name: topic, partitions: [partition] }] }],
          v3AndBelowTransactionalId: transactionalId,
          v3AndBelowProducerId: p.producerId,
          v3AndBelowProducerEpoch: p.producerEpoch,
          v3AndBelowTopics: [{ name: topic, partitions: [partition] }],
        },
        { maxVersion: 3 },
      )
      const addCode = add.resultsByTopicV3AndBelow?.[0]?.resultsByPartition[0]?.partitionErrorCode ?? add.errorCode ?? 0
      if (addCode !== 0) throw new ProtocolError(addCode, 'AddPartitionsToTxn')
      const key = `${topic}-${partition}`
      const baseSequence = p.sequence.get(key) ?? 0
      p.sequence.set(key, baseSequence + values.length)
      await send(topic, partition, build(values, undefined, { producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence }), transactionalId)
      if (outcome !== 'open') await endTransaction(transactionalId, outcome)
    },
    endTransaction,
    async cleanup() {
      await Promise.all(consumers.map((c) => c.close({ timeoutMs: 2000 }).catch(() => undefined)))
      await admin.close()
      await broker.close()
    },
  }
}

/** Polls until `predicate(all records so far)` holds; rejects after maxPolls polls. */
export async function pollUntil<K, V>(
  consumer: Consumer<K, V>,
  predicate: (records: ConsumerRecord<K, V>[]) => boolean,
  { maxPolls = 100, timeoutMs = 100 }: { maxPolls?: number; timeoutMs?: number } = {},
): Promise<ConsumerRecord<K, V>[]> {
  const all: ConsumerRecord<K, V>[] = []
  for (let i = 0; i < maxPolls; i++) {
    if (predicate(all)) return all
    const records = await consumer.poll(timeoutMs)
    all.push(...records)
  }
  if (predicate(all)) return all
  throw new Error(`condition not met after ${maxPolls} polls (${all.length} records)`)
}

export function values<K>(records: readonly ConsumerRecord<K, Buffer | null>[]): string[] {
  return records.map((r) => r.value?.toString() ?? '<null>')
}
