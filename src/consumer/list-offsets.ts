// ListOffsets for the consumer: offset resets (earliest / latest), beginningOffsets, endOffsets and
// offsetsForTimes. Requests go to each partition's leader on the 'fetch' connections; leader
// errors refresh metadata and retry only the partitions still missing, until timeoutMs. Called by
// consumer.ts. Invariant: the result holds every requested partition exactly once (null when the
// broker has no offset for a timestamp).
import type { Cluster } from '../cluster/cluster.js'
import { ProtocolError } from '../errors.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import { ListOffsetsApi, type ListOffsetsRequest } from '../protocol/generated/list-offsets.js'
import { TopicPartitionMap } from './topic-partition-map.js'
import type { OffsetAndTimestamp, TopicPartition } from './types.js'

export const EARLIEST_TIMESTAMP = -2n
export const LATEST_TIMESTAMP = -1n

export interface ListOffsetsOptions {
  readonly readCommitted: boolean
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

/** Partition errors that mean "ask again after a metadata refresh". */
const RETRY_WITH_REFRESH: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.OFFSET_NOT_AVAILABLE,
  ErrorCode.REQUEST_TIMED_OUT,
])

/** Looks up one offset per partition for its timestamp (-2 earliest, -1 latest, >= 0 a time). */
export async function listOffsets(
  cluster: Cluster,
  wanted: TopicPartitionMap<bigint>,
  options: ListOffsetsOptions,
): Promise<TopicPartitionMap<OffsetAndTimestamp | null>> {
  const results = new TopicPartitionMap<OffsetAndTimestamp | null>()
  if (wanted.size === 0) return results
  const metadata = cluster.metadata
  const topics = [...new Set([...wanted.keys()].map((tp) => tp.topic))]
  await metadata.ensureTopics(topics, { timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) })
  await cluster.retry(
    async () => {
      const byLeader = new Map<number, TopicPartition[]>()
      let lastError: unknown = null
      for (const [tp] of wanted) {
        if (results.has(tp)) continue
        const info = metadata.partition(tp.topic, tp.partition)
        if (info === undefined) {
          lastError = new ProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${tp.topic}-${tp.partition}`)
          continue
        }
        if (info.leaderId < 0) {
          lastError = new ProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `${tp.topic}-${tp.partition}`)
          continue
        }
        let list = byLeader.get(info.leaderId)
        if (list === undefined) byLeader.set(info.leaderId, (list = []))
        list.push(tp)
      }
      const answers = await Promise.allSettled(
        [...byLeader].map(([node, tps]) => askLeader(cluster, node, tps, wanted, options, results)),
      )
      for (const a of answers) {
        if (a.status === 'fulfilled') {
          if (a.value !== null) lastError = a.value
        } else if (isRetriableLike(a.reason)) {
          // connection loss or timeout: refresh and ask again
          metadata.handleError(a.reason)
          lastError = a.reason
        } else {
          throw a.reason
        }
      }
      if (results.size < wanted.size) {
        metadata.requestRefresh()
        throw lastError ?? new ProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, 'ListOffsets')
      }
    },
    {
      timeoutMs: options.timeoutMs,
      operation: 'ListOffsets',
      onRetry: () => metadata.maybeRefresh(),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  )
  // keep the caller's order
  const ordered = new TopicPartitionMap<OffsetAndTimestamp | null>()
  for (const [tp] of wanted) ordered.set(tp, results.get(tp) ?? null)
  return ordered
}

function isRetriableLike(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true
}

/** One ListOffsets to one leader; fills `results`; returns the last retriable partition error, if any. */
async function askLeader(
  cluster: Cluster,
  node: number,
  tps: readonly TopicPartition[],
  wanted: TopicPartitionMap<bigint>,
  options: ListOffsetsOptions,
  results: TopicPartitionMap<OffsetAndTimestamp | null>,
): Promise<ProtocolError | null> {
  const metadata = cluster.metadata
  const byTopic = new Map<string, ListOffsetsRequest['topics'][number]>()
  for (const tp of tps) {
    let t = byTopic.get(tp.topic)
    if (t === undefined) byTopic.set(tp.topic, (t = { name: tp.topic, partitions: [] }))
    t.partitions.push({
      partitionIndex: tp.partition,
      currentLeaderEpoch: metadata.partition(tp.topic, tp.partition)?.leaderEpoch ?? -1,
      timestamp: wanted.get(tp)!,
    })
  }
  const response = await cluster.sendTo(node, 'fetch', ListOffsetsApi, {
    replicaId: -1,
    isolationLevel: options.readCommitted ? 1 : 0,
    topics: [...byTopic.values()],
    timeoutMs: options.timeoutMs,
  })
  let retriable: ProtocolError | null = null
  for (const t of response.topics) {
    for (const p of t.partitions) {
      const tp = { topic: t.name, partition: p.partitionIndex }
      if (!wanted.has(tp)) continue
      if (p.errorCode === ErrorCode.NONE) {
        results.set(
          tp,
          p.offset < 0n ? null : { offset: p.offset, timestamp: Number(p.timestamp), leaderEpoch: (p.leaderEpoch ?? -1) >= 0 ? (p.leaderEpoch ?? null) : null },
        )
      } else if (p.errorCode === ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT) {
        results.set(tp, null)
      } else if (RETRY_WITH_REFRESH.has(p.errorCode)) {
        metadata.handleError(p.errorCode)
        retriable = new ProtocolError(p.errorCode, `ListOffsets ${t.name}-${p.partitionIndex}`)
      } else {
        throw new ProtocolError(p.errorCode, `ListOffsets ${t.name}-${p.partitionIndex}`)
      }
    }
  }
  return retriable
}
