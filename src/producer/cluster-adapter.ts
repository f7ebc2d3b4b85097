// Adapts the cluster layer (src/cluster/cluster.ts) to the producer's ProducerCluster port:
// Produce goes on the 'produce' connection of each leader (written in call order), transactional
// and InitProducerId requests on the 'group' connections; topic metadata is converted once per
// metadata update into the partition/leader arrays the partitioner and sender read on every
// record. Built by client.ts for each producer (which owns its Cluster).
import type { Cluster } from '../cluster/cluster.js'
import type { TopicInfo } from '../cluster/metadata-cache.js'
import type { ApiDescriptor } from '../protocol/api.js'
import type { CoordinatorType, ProducerCluster, ProducerRequestOptions, ProducerTopicMetadata } from './cluster-port.js'

const PRODUCE_API_KEY = 0

function convert(info: TopicInfo): ProducerTopicMetadata {
  const leaders = new Array<number>(info.partitions.length).fill(-1)
  const available: number[] = []
  for (const p of info.partitions) {
    if (p === undefined || p.partition < 0 || p.partition >= leaders.length) continue
    leaders[p.partition] = p.leaderId
    if (p.leaderId >= 0) available.push(p.partition)
  }
  available.sort((a, b) => a - b)
  return { topic: info.name, partitionCount: info.partitions.length, availablePartitions: available, leaders }
}

export class ClusterProducerAdapter implements ProducerCluster {
  readonly cluster: Cluster
  readonly #converted = new Map<string, { info: TopicInfo; md: ProducerTopicMetadata }>()

  constructor(cluster: Cluster) {
    this.cluster = cluster
  }

  topicMetadata(topic: string): ProducerTopicMetadata | undefined {
    const info = this.cluster.metadata.topic(topic)
    if (info === undefined) return undefined
    const cached = this.#converted.get(topic)
    // the metadata cache replaces TopicInfo objects on change, so identity tells freshness
    if (cached !== undefined && cached.info === info) return cached.md
    const md = convert(info)
    this.#converted.set(topic, { info, md })
    return md
  }

  async refreshMetadata(topics: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const metadata = this.cluster.metadata
    metadata.addTopics(topics)
    await metadata.refresh()
    const out = new Map<string, number>()
    for (const t of topics) out.set(t, metadata.topic(t) !== undefined ? 0 : (metadata.topicError(t) ?? 3))
    return out
  }

  maybeRefresh(): void {
    if (this.cluster.metadata.needsRefresh) void this.cluster.metadata.maybeRefresh()
  }

  markStale(_topic: string): void {
    this.cluster.metadata.requestRefresh()
  }

  updateLeader(topic: string, partition: number, leaderId: number, leaderEpoch: number): void {
    this.cluster.metadata.updateLeader(topic, partition, leaderId, leaderEpoch)
  }

  send<Req, Res>(nodeId: number, api: ApiDescriptor<Req, Res>, body: Req, options?: ProducerRequestOptions): Promise<Res> {
    const purpose = api.apiKey === PRODUCE_API_KEY ? 'produce' : 'group'
    return this.cluster.sendTo(nodeId, purpose, api, body, options)
  }

  sendWithoutResponse<Req, Res>(nodeId: number, api: ApiDescriptor<Req, Res>, body: Req, options?: ProducerRequestOptions): Promise<void> {
    return this.cluster.sendWithoutResponseTo(nodeId, 'produce', api, body, options)
  }

  sendToAny<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options?: ProducerRequestOptions): Promise<Res> {
    return this.cluster.sendToAny('group', api, body, options)
  }

  async findCoordinator(type: CoordinatorType, key: string): Promise<number> {
    const node = await this.cluster.coordinators.find(type, key)
    return node.nodeId
  }

  invalidateCoordinator(type: CoordinatorType, key: string): void {
    this.cluster.coordinators.invalidate(type, key)
  }

  close(): Promise<void> {
    return this.cluster.close()
  }
}
