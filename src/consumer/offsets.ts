// Committed offsets: OffsetCommit and OffsetFetch against the group coordinator. The committed
// offset is the next offset to read (record.offset + 1n), computed by the consumer from its
// positions, with the leader epoch of the last consumed record (KIP-320). Called by consumer.ts
// (commitSync/commitAsync/committed, auto-commit, position initialisation) through a GroupPort.
// Invariants: a commit made as a group member carries the current generation and member id;
// UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / REBALANCE_IN_PROGRESS become CommitFailedError and
// tell the member to rejoin (never retried blindly, RELIABILITY C.3 32/34); coordinator moves and
// load-in-progress are retried until the deadline when `retry` is set.
import { CommitFailedError, ConnectionError, FencedError, ProtocolError, RequestTimeoutError } from '../errors.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import { OffsetCommitApi, type OffsetCommitRequest } from '../protocol/generated/offset-commit.js'
import { OffsetFetchApi } from '../protocol/generated/offset-fetch.js'
import type { GroupPort } from './group/group-port.js'
import { TopicPartitionMap } from './topic-partition-map.js'
import type { OffsetAndMetadata, TopicPartition } from './types.js'

/** The identity a commit is made under; generation -1 / memberId '' for manual assignment. */
export interface CommitIdentity {
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
}

/** What the group member wants to hear about a failed commit. */
export interface CommitListener {
  /** UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / REBALANCE_IN_PROGRESS / FENCED_INSTANCE_ID */
  onCommitGroupError(errorCode: number): void
}

const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR])
const RETRIABLE_COMMIT: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
])
const GENERATION_ERRORS: ReadonlySet<number> = new Set([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION, ErrorCode.REBALANCE_IN_PROGRESS])

/** Sends one OffsetCommit; throws the first partition error (typed as above). */
export async function commitOnce(
  port: GroupPort,
  groupId: string,
  identity: CommitIdentity,
  offsets: TopicPartitionMap<OffsetAndMetadata>,
  listener: CommitListener | null,
): Promise<void> {
  if (offsets.size === 0) return
  const topics = new Map<string, OffsetCommitRequest['topics'][number]>()
  for (const [tp, o] of offsets) {
    let t = topics.get(tp.topic)
    if (t === undefined) topics.set(tp.topic, (t = { name: tp.topic, partitions: [] }))
    t.partitions.push({
      partitionIndex: tp.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch ?? -1,
      committedMetadata: o.metadata ?? '',
    })
  }
  const response = await port.send(OffsetCommitApi, () => ({
    groupId,
    generationIdOrMemberEpoch: identity.generationId,
    memberId: identity.memberId,
    groupInstanceId: identity.groupInstanceId,
    retentionTimeMs: -1n,
    topics: [...topics.values()],
  }))
  let first: number = ErrorCode.NONE
  let where = ''
  for (const t of response.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE && first === ErrorCode.NONE) {
        first = p.errorCode
        where = `${t.name}-${p.partitionIndex}`
      }
    }
  }
  if (first === ErrorCode.NONE) return
  if (COORDINATOR_ERRORS.has(first)) port.invalidateCoordinator()
  const cause = new ProtocolError(first, `OffsetCommit ${where}`)
  if (GENERATION_ERRORS.has(first)) {
    listener?.onCommitGroupError(first)
    throw new CommitFailedError(
      'commit cannot be completed: the group has rebalanced (or is rebalancing) and these partitions may be assigned to another member; ' +
        'the records may be redelivered. Poll again to rejoin; if processing is slow, raise maxPollIntervalMs or lower maxPollRecords.',
      { cause },
    )
  }
  if (first === ErrorCode.FENCED_INSTANCE_ID) {
    listener?.onCommitGroupError(first)
    throw new FencedError('another consumer with the same groupInstanceId has joined the group', { cause })
  }
  throw cause
}

/** True for commit failures worth retrying (coordinator moved or loading, connection lost, timeout). */
export function isRetriableCommitError(err: unknown): boolean {
  if (err instanceof ProtocolError) return RETRIABLE_COMMIT.has(err.errorCode)
  return err instanceof ConnectionError || err instanceof RequestTimeoutError
}

/** OffsetFetch for `partitions`; null for a partition with no committed offset. */
export async function fetchCommitted(
  port: GroupPort,
  groupId: string,
  partitions: readonly TopicPartition[],
  requireStable: boolean,
): Promise<TopicPartitionMap<OffsetAndMetadata | null>> {
  const byTopic = new Map<string, number[]>()
  for (const tp of partitions) {
    let list = byTopic.get(tp.topic)
    if (list === undefined) byTopic.set(tp.topic, (list = []))
    list.push(tp.partition)
  }
  const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
  const response = await port.send(OffsetFetchApi, () => ({
    groupId,
    topics,
    groups: [{ groupId, memberId: null, memberEpoch: -1, topics }],
    requireStable,
  }))
  // v8+ answers per group; older versions at top level
  const group = response.groups !== undefined && response.groups.length > 0 ? response.groups.find((g) => g.groupId === groupId) : undefined
  const errorCode = group !== undefined ? group.errorCode : (response.errorCode ?? 0)
  if (errorCode !== ErrorCode.NONE) {
    if (COORDINATOR_ERRORS.has(errorCode)) port.invalidateCoordinator()
    throw new ProtocolError(errorCode, `OffsetFetch for group "${groupId}"`)
  }
  const out = new TopicPartitionMap<OffsetAndMetadata | null>()
  for (const tp of partitions) out.set(tp, null)
  const answered = group !== undefined ? group.topics : (response.topics ?? [])
  for (const t of answered) {
    for (const p of t.partitions) {
      const tp = { topic: t.name, partition: p.partitionIndex }
      if (!out.has(tp)) continue
      if (p.errorCode !== ErrorCode.NONE) {
        // UNSTABLE_OFFSET_COMMIT (a transaction holds an offset) is retriable; the caller retries
        throw new ProtocolError(p.errorCode, `OffsetFetch ${t.name}-${p.partitionIndex}`)
      }
      if (p.committedOffset < 0n) continue
      const epoch = p.committedLeaderEpoch ?? -1
      out.set(tp, { offset: p.committedOffset, metadata: p.metadata, leaderEpoch: epoch >= 0 ? epoch : null })
    }
  }
  return out
}
