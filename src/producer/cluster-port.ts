// What the producer needs from the cluster layer, as a narrow interface: cached topic metadata,
// metadata refresh, requests to one broker on the producer's own connection (responses in
// order), requests to any broker, and coordinator lookup. client.ts adapts the cluster layer
// to it; unit tests use an in-memory fake. Implementations must never throw synchronously:
// failures reject the returned promise with a KafkaClientError.
import type { ApiDescriptor } from '../protocol/api.js'

export interface ProducerTopicMetadata {
  readonly topic: string
  /** all partitions, available or not */
  readonly partitionCount: number
  /** partitions that have a leader */
  readonly availablePartitions: readonly number[]
  /** leader node id per partition, -1 when none */
  readonly leaders: readonly number[]
}

export interface ProducerRequestOptions {
  readonly timeoutMs?: number
  /** never use a version above this (AddPartitionsToTxn: clients stop at v3) */
  readonly maxVersion?: number
}

/** Kafka FindCoordinator key types. */
export type CoordinatorType = 'group' | 'transaction'

export interface ProducerCluster {
  /** Cached metadata of `topic`, or undefined when it is not known (yet). Never does I/O. */
  topicMetadata(topic: string): ProducerTopicMetadata | undefined
  /**
   * Fetches metadata for these topics (single-flight, merged with other callers). Resolves with
   * the topic-level error code of each requested topic (0 = known now). Rejects only when no
   * broker could be asked.
   */
  refreshMetadata(topics: readonly string[]): Promise<ReadonlyMap<string, number>>
  /** Refreshes in the background when the metadata is older than metadataMaxAgeMs or was marked stale (rate limited, never throws). */
  maybeRefresh?(): void
  /** Marks a topic's metadata stale (NOT_LEADER_OR_FOLLOWER and friends): refresh before trusting it. */
  markStale(topic: string): void
  /** KIP-951 hint from a Produce response: the partition's new leader and epoch. */
  updateLeader?(topic: string, partition: number, leaderId: number, leaderEpoch: number): void
  /** One request on the producer connection to `nodeId`; requests to a node are written in call order. */
  send<Req, Res>(nodeId: number, api: ApiDescriptor<Req, Res>, body: Req, options?: ProducerRequestOptions): Promise<Res>
  /** acks=0 Produce: resolves once the request is written. */
  sendWithoutResponse<Req, Res>(nodeId: number, api: ApiDescriptor<Req, Res>, body: Req, options?: ProducerRequestOptions): Promise<void>
  /** One request to any reachable broker (InitProducerId for idempotence). */
  sendToAny<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options?: ProducerRequestOptions): Promise<Res>
  /** The coordinator's node id for `key` (FindCoordinator, cached). */
  findCoordinator(type: CoordinatorType, key: string): Promise<number>
  /** Forgets a cached coordinator (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE). */
  invalidateCoordinator(type: CoordinatorType, key: string): void
  /** Releases connections and timers. */
  close(): Promise<void>
}
