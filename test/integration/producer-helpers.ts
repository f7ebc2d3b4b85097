// Shared set-up for the producer integration tests: a reference cluster, producers built by the
// Kafka facade, and a small read-back helper written with the raw codec (Fetch v4-12 by topic
// name, read_uncommitted or read_committed with aborted-transaction filtering) so the checks do
// not depend on our consumer. Also the invariant check every scenario ends with: no loss, no
// duplicates, per-partition order of what was acknowledged. Test-only; cleanup() closes all.
import assert from 'node:assert/strict'
import { Kafka } from '../../src/client.js'
import { Cluster } from '../../src/cluster/cluster.js'
import { resolveClientOptions } from '../../src/client-options.js'
import { ProtocolError } from '../../src/errors.js'
import type { Producer, ProducerOptions, RecordMetadata } from '../../src/producer/index.js'
import { FetchApi } from '../../src/protocol/generated/fetch.js'
import { decodeRecordBatches, readEndTxnMarker } from '../../src/protocol/records/index.js'
import { type Cluster as BrokerCluster, type StartClusterOptions, startCluster } from '../fixtures/broker/index.js'

export interface StoredRecord {
  readonly offset: bigint
  readonly key: string | null
  readonly value: string | null
}

export interface ProducerEnv {
  readonly broker: BrokerCluster
  readonly kafka: Kafka
  /** raw cluster client for reading back */
  readonly reader: Cluster
  producer(options?: ProducerOptions): Producer
  read(topic: string, partition: number, isolation?: 'read_uncommitted' | 'read_committed'): Promise<StoredRecord[]>
  cleanup(): Promise<void>
}

export async function setupProducerEnv(options: StartClusterOptions = {}): Promise<ProducerEnv> {
  const broker = await startCluster(options)
  const clientOptions = { clientId: 'producer-it', bootstrapServers: broker.bootstrap, retryBackoffMs: 10, retryBackoffMaxMs: 100 }
  const kafka = new Kafka(clientOptions)
  const reader = new Cluster(resolveClientOptions(clientOptions))
  const producers: Producer[] = []
  return {
    broker,
    kafka,
    reader,
    producer(o: ProducerOptions = {}) {
      const p = kafka.producer(o)
      producers.push(p)
      return p
    },
    read: (topic, partition, isolation = 'read_uncommitted') => readPartition(reader, topic, partition, isolation),
    async cleanup() {
      for (const p of producers) await p.close({ timeoutMs: 0 }).catch(() => {})
      await reader.close()
      await broker.close()
    },
  }
}

/** Every record of a partition from offset 0 to the high watermark (or the LSO for read_committed). */
export async function readPartition(
  cluster: Cluster,
  topic: string,
  partition: number,
  isolation: 'read_uncommitted' | 'read_committed' = 'read_uncommitted',
  options: { verifyCrc?: boolean } = {},
): Promise<StoredRecord[]> {
  const committed = isolation === 'read_committed'
  await cluster.metadata.ensureTopics([topic], { timeoutMs: 5000 })
  const out: StoredRecord[] = []
  let offset = 0n
  const abortedPids = new Set<bigint>()
  for (let round = 0; round < 10_000; round++) {
    await cluster.metadata.refresh()
    const leader = cluster.metadata.partition(topic, partition)?.leaderId ?? -1
    if (leader < 0) throw new Error(`no leader for ${topic}-${partition}`)
    const res = await cluster.sendTo(
      leader,
      'fetch',
      FetchApi,
      {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 16 << 20,
        isolationLevel: committed ? 1 : 0,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 8 << 20 }] }],
      },
      { maxVersion: 12 },
    )
    const p = res.responses[0]?.partitions[0]
    if (p === undefined) throw new Error('empty fetch response')
    if (p.errorCode !== 0) throw new ProtocolError(p.errorCode, `fetch ${topic}-${partition}`)
    const end = committed ? p.lastStableOffset : p.highWatermark
    const aborted = [...(p.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1))
    const { batches } = decodeRecordBatches(p.records, { verifyCrc: options.verifyCrc !== false })
    for (const batch of batches) {
      if (batch.lastOffset < offset) continue
      if (batch.baseOffset >= end) break
      if (committed) {
        while (aborted.length > 0 && aborted[0]!.firstOffset <= batch.lastOffset) abortedPids.add(aborted.shift()!.producerId)
      }
      if (batch.isControl) {
        const marker = readEndTxnMarker(batch)
        if (marker !== null) abortedPids.delete(batch.producerId)
        offset = batch.lastOffset + 1n
        continue
      }
      const skip = committed && batch.isTransactional && abortedPids.has(batch.producerId)
      for (const r of batch.records()) {
        if (r.offset < offset) continue
        if (!skip) out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null })
      }
      offset = batch.lastOffset + 1n
    }
    if (offset >= end) return out
    if (batches.length === 0) throw new Error(`fetch made no progress at offset ${offset} (end ${end})`)
  }
  throw new Error('readPartition: too many rounds')
}

/**
 * The invariant of every scenario: what was acknowledged is in the log exactly once, at the
 * acknowledged offset, and each partition holds the acknowledged values in send order.
 */
export function assertAckedExactlyOnceInOrder(
  acked: ReadonlyArray<{ value: string; md: RecordMetadata }>,
  logs: ReadonlyMap<number, StoredRecord[]>,
): void {
  const byPartition = new Map<number, Array<{ value: string; md: RecordMetadata }>>()
  for (const a of acked) {
    const list = byPartition.get(a.md.partition) ?? []
    list.push(a)
    byPartition.set(a.md.partition, list)
  }
  for (const [partition, list] of byPartition) {
    const log = logs.get(partition) ?? []
    const counts = new Map<string, number>()
    for (const r of log) if (r.value !== null) counts.set(r.value, (counts.get(r.value) ?? 0) + 1)
    for (const a of list) {
      assert.equal(counts.get(a.value), 1, `${a.value} must be in partition ${partition} exactly once`)
      const at = log.find((r) => r.offset === a.md.offset)
      assert.equal(at?.value, a.value, `${a.value} must be at its acknowledged offset ${a.md.offset}`)
    }
    // send order: values were sent in increasing sequence, so acked offsets must increase with it
    const inSendOrder = [...list].sort((x, y) => seqOf(x.value) - seqOf(y.value))
    for (let i = 1; i < inSendOrder.length; i++) {
      assert.ok(inSendOrder[i - 1]!.md.offset < inSendOrder[i]!.md.offset, `partition ${partition} out of order at ${inSendOrder[i]!.value}`)
    }
  }
}

/** Values in tests look like "p<partition>-<n>" or "<anything>-<n>": n is the send sequence. */
export function seqOf(value: string): number {
  const n = Number(value.slice(value.lastIndexOf('-') + 1))
  if (!Number.isInteger(n)) throw new Error(`value ${value} carries no sequence`)
  return n
}

export async function readLogs(env: ProducerEnv, topic: string, partitions: number, isolation?: 'read_uncommitted' | 'read_committed') {
  const logs = new Map<number, StoredRecord[]>()
  for (let p = 0; p < partitions; p++) logs.set(p, await env.read(topic, p, isolation))
  return logs
}
