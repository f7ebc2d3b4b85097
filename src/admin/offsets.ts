// Offsets administration: a group's committed offsets (OffsetFetch at its coordinator), resetting
// them (OffsetCommit as a simple, member-less commit: the group must be empty), ListOffsets and
// DeleteRecords at each partition's leader, and consumerGroupLag built from the three. Called by
// admin.ts. Invariants: leader errors (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, ...) re-read
// metadata and retry only the affected partitions; unknown topics/partitions fail at once;
// group-level errors of a single-group call reject with that ProtocolError itself.
import { ConfigError, KafkaClientError, ProtocolError, UnsupportedVersionError } from '../errors.js'
import { DeleteRecordsApi } from '../protocol/generated/delete-records.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import { ListOffsetsApi } from '../protocol/generated/list-offsets.js'
import { OffsetCommitApi } from '../protocol/generated/offset-commit.js'
import { OffsetFetchApi } from '../protocol/generated/offset-fetch.js'
import type { Connection } from '../network/connection.js'
import { arrayArg, bigintArg, intArg, isRecord, stringArg, timeoutArg, topicPartitionArg } from './args.js'
import {
  AdminBatchError,
  again,
  done,
  fail,
  fanOut,
  type ItemOutcome,
  pushTo,
  runBatch,
  settle,
  tpLabel,
  type Verdict,
  type Verdicts,
} from './batch.js'
import { type AdminContext, connectionTo, fetchMetadata } from './cluster-info.js'
import { coordinatorVerdict, describeGroups, groupBatch } from './groups.js'
import { brokerTimeoutMs } from './topics.js'
import type {
  AdminCallOptions,
  DeletedRecords,
  GroupDescription,
  GroupOffset,
  GroupOffsetChange,
  ListedOffset,
  ListGroupOffsetsOptions,
  ListOffsetsOptions,
  OffsetQuery,
  OffsetSpec,
  PartitionLag,
  RecordsToDelete,
  TopicPartition,
} from './types.js'

const EARLIEST = -2n
const LATEST = -1n
const MAX_TIMESTAMP = -3n
/** ListOffsets learned MAX_TIMESTAMP (-3) in v7 (KIP-734). */
const MAX_TIMESTAMP_MIN_VERSION = 7

/** Partition errors that mean "the leader moved or is not ready": re-read metadata, ask again. */
const LEADER_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.OFFSET_NOT_AVAILABLE,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
])

const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
])

export function compareTp(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1
  return a.partition - b.partition
}

function grouped<T extends TopicPartition>(tps: readonly T[]): Map<string, T[]> {
  const byTopic = new Map<string, T[]>()
  for (const tp of tps) pushTo(byTopic, tp.topic, tp)
  return byTopic
}

function noDuplicates(method: string, tps: readonly TopicPartition[]): void {
  const seen = new Set<string>()
  for (const tp of tps) {
    const label = tpLabel(tp)
    if (seen.has(label)) throw new ConfigError(`${method}: partition ${label} is listed more than once`)
    seen.add(label)
  }
}

/** The value of a one-item batch, or that item's own error. */
function single<V>(outcomes: readonly ItemOutcome<string, V>[]): V {
  const o = outcomes[0]
  if (o === undefined) throw new KafkaClientError('ADMIN_NO_ANSWER', 'no answer')
  if (!o.ok) throw o.error
  return o.value
}

/** Per-partition verdicts of a one-group call → its values, or AdminBatchError over partitions. */
function settlePartitions<V>(operation: string, keys: readonly TopicPartition[], verdicts: ReadonlyMap<string, Verdict<V>>): V[] {
  const outcomes = keys.map((key): ItemOutcome<TopicPartition, V> => {
    const label = tpLabel(key)
    const v = verdicts.get(label)
    if (v !== undefined && v.kind === 'done') return { key, label, ok: true, value: v.value }
    const error = v === undefined ? new ProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `no answer for ${label}`) : v.error
    return { key, label, ok: false, error }
  })
  return settle(operation, outcomes)
}

// ---- committed offsets ----------------------------------------------------------------------------

interface FetchedOffsets {
  readonly partitions: TopicPartition[]
  readonly verdicts: Map<string, Verdict<GroupOffset>>
}

export async function listConsumerGroupOffsets(ctx: AdminContext, groupId: string, options: ListGroupOffsetsOptions = {}): Promise<GroupOffset[]> {
  ctx.checkOpen()
  const m = 'listConsumerGroupOffsets'
  const group = stringArg(m, 'groupId', groupId)
  const only = options.partitions === undefined ? null : arrayArg(m, 'partitions', options.partitions).map((tp, i) => topicPartitionArg(m, `partitions[${i}]`, tp))
  const topics = only === null ? null : [...grouped(only)].map(([name, tps]) => ({ name, partitionIndexes: tps.map((tp) => tp.partition) }))
  const outcomes = await groupBatch(ctx, m, [group], options, async (node) => {
    const response = await ctx.cluster.pool.send(node, 'admin', OffsetFetchApi, {
      groupId: group,
      topics,
      groups: [{ groupId: group, memberId: null, memberEpoch: -1, topics }],
      requireStable: options.requireStable === true,
    })
    const entry = response.groups?.find((g) => g.groupId === group)
    const errorCode = entry !== undefined ? entry.errorCode : (response.errorCode ?? ErrorCode.NONE)
    const answered = entry !== undefined ? entry.topics : (response.topics ?? [])
    const result: FetchedOffsets = { partitions: [], verdicts: new Map() }
    let groupError = errorCode
    for (const t of answered) {
      for (const p of t.partitions) {
        const tp = { topic: t.name, partition: p.partitionIndex }
        if (COORDINATOR_ERRORS.has(p.errorCode)) groupError = p.errorCode
        else if (p.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT) groupError = p.errorCode
        else if (p.errorCode !== ErrorCode.NONE) {
          result.partitions.push(tp)
          result.verdicts.set(tpLabel(tp), fail(new ProtocolError(p.errorCode, `group '${group}' ${tpLabel(tp)}`)))
        } else if (p.committedOffset >= 0n) {
          const epoch = p.committedLeaderEpoch ?? -1
          result.partitions.push(tp)
          result.verdicts.set(
            tpLabel(tp),
            done({ ...tp, offset: p.committedOffset, leaderEpoch: epoch >= 0 ? epoch : null, metadata: p.metadata ?? '' }),
          )
        }
      }
    }
    const verdicts: Verdicts<FetchedOffsets> = new Map()
    if (groupError === ErrorCode.UNSTABLE_OFFSET_COMMIT) {
      verdicts.set(group, again(new ProtocolError(groupError, `group '${group}'`)))
    } else {
      verdicts.set(group, coordinatorVerdict(ctx, group, groupError, () => result))
    }
    return verdicts
  })
  const fetched = single(outcomes)
  return settlePartitions(m, fetched.partitions, fetched.verdicts).sort(compareTp)
}

function offsetChangeArg(value: unknown, i: number): GroupOffsetChange {
  const m = 'alterConsumerGroupOffsets'
  const tp = topicPartitionArg(m, `offsets[${i}]`, value)
  const v = value as Record<string, unknown>
  const metadata = v['metadata'] === undefined || v['metadata'] === null ? null : stringArg(m, `offsets[${i}].metadata`, v['metadata'], { allowEmpty: true })
  return {
    ...tp,
    offset: bigintArg(m, `offsets[${i}].offset`, v['offset'], 0n),
    metadata,
    leaderEpoch: v['leaderEpoch'] === undefined ? -1 : intArg(m, `offsets[${i}].leaderEpoch`, v['leaderEpoch'], -1),
  }
}

/**
 * Sets a group's committed offsets, as Java's alterConsumerGroupOffsets: a commit without a member,
 * which the coordinator accepts only while the group has no members (else UNKNOWN_MEMBER_ID per
 * partition). Per-partition errors reject with AdminBatchError.
 */
export async function alterConsumerGroupOffsets(
  ctx: AdminContext,
  groupId: string,
  offsets: readonly GroupOffsetChange[],
  options: AdminCallOptions = {},
): Promise<void> {
  ctx.checkOpen()
  const m = 'alterConsumerGroupOffsets'
  const group = stringArg(m, 'groupId', groupId)
  const changes = arrayArg(m, 'offsets', offsets).map(offsetChangeArg)
  if (changes.length === 0) return
  noDuplicates(m, changes)
  const outcomes = await groupBatch(ctx, m, [group], options, async (node) => {
    const response = await ctx.cluster.pool.send(node, 'admin', OffsetCommitApi, {
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...grouped(changes)].map(([name, tps]) => ({
        name,
        partitions: tps.map((c) => ({
          partitionIndex: c.partition,
          committedOffset: c.offset,
          committedLeaderEpoch: c.leaderEpoch ?? -1,
          committedMetadata: c.metadata ?? null,
        })),
      })),
    })
    const perPartition = new Map<string, Verdict<void>>()
    let groupError: number = ErrorCode.NONE
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const label = tpLabel({ topic: t.name, partition: p.partitionIndex })
        if (COORDINATOR_ERRORS.has(p.errorCode)) groupError = p.errorCode
        else if (p.errorCode === ErrorCode.NONE) perPartition.set(label, done(undefined))
        else perPartition.set(label, fail(new ProtocolError(p.errorCode, `group '${group}' ${label}`)))
      }
    }
    return new Map([[group, coordinatorVerdict(ctx, group, groupError, () => perPartition)]])
  })
  settlePartitions(m, changes, single(outcomes))
}

// ---- partition leaders ------------------------------------------------------------------------------

/**
 * One round over partitions at their leaders: fresh metadata for their topics, unknown topics and
 * partitions fail, leaderless ones wait, the rest go to `send` grouped by leader.
 */
async function leaderRound<Q extends TopicPartition, V>(
  ctx: AdminContext,
  pending: readonly Q[],
  send: (conn: Connection, tps: readonly Q[]) => Promise<Verdicts<V>>,
): Promise<Verdicts<V>> {
  const view = await fetchMetadata(ctx, [...grouped(pending).keys()])
  const verdicts: Verdicts<V> = new Map()
  const byLeader = new Map<number, Q[]>()
  for (const tp of pending) {
    const label = tpLabel(tp)
    const t = view.topics.get(tp.topic)
    if (t === undefined) continue
    if (t.errorCode !== ErrorCode.NONE) {
      const error = new ProtocolError(t.errorCode, `topic '${tp.topic}'`)
      verdicts.set(label, t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE ? again(error) : fail(error))
      continue
    }
    const p = t.partitions.find((x) => x.partitionIndex === tp.partition)
    if (p === undefined) {
      verdicts.set(label, fail(new ProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${label}`)))
      continue
    }
    if (p.leaderId < 0 || !view.brokers.has(p.leaderId)) {
      verdicts.set(label, again(new ProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `partition ${label}`)))
      continue
    }
    pushTo(byLeader, p.leaderId, tp)
  }
  const answered = await fanOut(byLeader, tpLabel, async (leader, tps) => send(await connectionTo(ctx, view.brokers, leader), tps))
  for (const [k, v] of answered) verdicts.set(k, v)
  return verdicts
}

function leaderVerdict<V>(errorCode: number, label: string, value: () => V): Verdict<V> {
  if (errorCode === ErrorCode.NONE) return done(value())
  const error = new ProtocolError(errorCode, `partition ${label}`)
  return LEADER_ERRORS.has(errorCode) ? again(error) : fail(error)
}

function specTimestamp(method: string, spec: unknown, i: number): bigint {
  if (spec === undefined || spec === 'latest') return LATEST
  if (spec === 'earliest') return EARLIEST
  if (spec === 'max-timestamp') return MAX_TIMESTAMP
  if (isRecord(spec) && typeof spec['timestamp'] === 'number') return BigInt(intArg(method, `queries[${i}].spec.timestamp`, spec['timestamp'], 0, Number.MAX_SAFE_INTEGER))
  throw new ConfigError(`${method}: queries[${i}].spec must be 'earliest', 'latest', 'max-timestamp' or { timestamp } (got ${JSON.stringify(spec)})`)
}

interface NormalizedQuery extends TopicPartition {
  readonly timestamp: bigint
}

/** Offsets by spec at each partition's leader, in input order. */
export async function listOffsets(ctx: AdminContext, queries: readonly OffsetQuery[], options: ListOffsetsOptions = {}): Promise<ListedOffset[]> {
  ctx.checkOpen()
  const m = 'listOffsets'
  const wanted = arrayArg(m, 'queries', queries).map((q, i): NormalizedQuery => ({
    ...topicPartitionArg(m, `queries[${i}]`, q),
    timestamp: specTimestamp(m, (q as { spec?: OffsetSpec }).spec, i),
  }))
  if (wanted.length === 0) return []
  noDuplicates(m, wanted)
  const isolationLevel = options.isolationLevel === 'read_committed' ? 1 : 0
  return runLeaderBatch<NormalizedQuery, ListedOffset>(ctx, m, wanted, options, async (conn, tps, deadlineMs) => {
    const verdicts: Verdicts<ListedOffset> = new Map()
    let ask = tps
    if (conn.versionFor(ListOffsetsApi) < MAX_TIMESTAMP_MIN_VERSION) {
      ask = tps.filter((q) => q.timestamp !== MAX_TIMESTAMP)
      for (const q of tps) {
        if (q.timestamp === MAX_TIMESTAMP) verdicts.set(tpLabel(q), fail(new UnsupportedVersionError(`${m}: 'max-timestamp' needs ListOffsets v7+ (broker ${conn.broker})`)))
      }
      if (ask.length === 0) return verdicts
    }
    const response = await conn.send(ListOffsetsApi, {
      replicaId: -1,
      isolationLevel,
      timeoutMs: brokerTimeoutMs(ctx, deadlineMs),
      topics: [...grouped(ask)].map(([name, qs]) => ({
        name,
        partitions: qs.map((q) => ({ partitionIndex: q.partition, currentLeaderEpoch: -1, timestamp: q.timestamp })),
      })),
    })
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const tp = { topic: t.name, partition: p.partitionIndex }
        const epoch = p.leaderEpoch ?? -1
        verdicts.set(
          tpLabel(tp),
          leaderVerdict(p.errorCode, tpLabel(tp), () => ({ ...tp, offset: p.offset, timestamp: Number(p.timestamp), leaderEpoch: epoch >= 0 ? epoch : null })),
        )
      }
    }
    return verdicts
  })
}

/** Moves each partition's log start to `offset` (-1n: the high watermark), at its leader. */
export async function deleteRecords(ctx: AdminContext, beforeOffsets: readonly RecordsToDelete[], options: AdminCallOptions = {}): Promise<DeletedRecords[]> {
  ctx.checkOpen()
  const m = 'deleteRecords'
  const wanted = arrayArg(m, 'beforeOffsets', beforeOffsets).map((r, i): RecordsToDelete => ({
    ...topicPartitionArg(m, `beforeOffsets[${i}]`, r),
    offset: bigintArg(m, `beforeOffsets[${i}].offset`, (r as { offset?: unknown }).offset, -1n),
  }))
  if (wanted.length === 0) return []
  noDuplicates(m, wanted)
  return runLeaderBatch<RecordsToDelete, DeletedRecords>(ctx, m, wanted, options, async (conn, tps, deadlineMs) => {
    const response = await conn.send(DeleteRecordsApi, {
      timeoutMs: brokerTimeoutMs(ctx, deadlineMs),
      topics: [...grouped(tps)].map(([name, rs]) => ({ name, partitions: rs.map((r) => ({ partitionIndex: r.partition, offset: r.offset })) })),
    })
    const verdicts: Verdicts<DeletedRecords> = new Map()
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const tp = { topic: t.name, partition: p.partitionIndex }
        verdicts.set(tpLabel(tp), leaderVerdict(p.errorCode, tpLabel(tp), () => ({ ...tp, lowWatermark: p.lowWatermark })))
      }
    }
    return verdicts
  })
}

/**
 * A per-partition admin call answered by partition leaders: rounds of leaderRound under the call's
 * timeout and signal, settled into values or an AdminBatchError.
 */
async function runLeaderBatch<Q extends TopicPartition, V>(
  ctx: AdminContext,
  operation: string,
  wanted: readonly Q[],
  options: AdminCallOptions,
  send: (conn: Connection, tps: readonly Q[], deadlineMs: number) => Promise<Verdicts<V>>,
): Promise<V[]> {
  const outcomes = await runBatch<Q, V>(ctx.cluster, {
    operation,
    keys: wanted,
    label: tpLabel,
    timeoutMs: timeoutArg(operation, options.timeoutMs, ctx.defaultApiTimeoutMs),
    ...(options.signal ? { signal: options.signal } : {}),
    round: (pending, deadlineMs) => leaderRound(ctx, pending, (conn, tps) => send(conn, tps, deadlineMs)),
  })
  return settle(operation, outcomes)
}

// ---- lag ------------------------------------------------------------------------------------------

/**
 * Per partition the group has committed or is assigned: committed offset, log end offset and lag,
 * sorted by topic and partition. An unknown group rejects with GROUP_ID_NOT_FOUND.
 */
export async function consumerGroupLag(ctx: AdminContext, groupId: string, options: ListOffsetsOptions = {}): Promise<PartitionLag[]> {
  ctx.checkOpen()
  const m = 'consumerGroupLag'
  const group = stringArg(m, 'groupId', groupId)
  const call = { ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.signal ? { signal: options.signal } : {}) }
  let description: GroupDescription | undefined
  try {
    ;[description] = await describeGroups(ctx, [group], call)
  } catch (err) {
    if (err instanceof AdminBatchError) throw err.errors[0]?.error ?? err
    throw err
  }
  const committed = await listConsumerGroupOffsets(ctx, group, call)
  const rows = new Map<string, { tp: TopicPartition; committed: bigint | null; member: { memberId: string; clientId: string; host: string } | null }>()
  for (const c of committed) rows.set(tpLabel(c), { tp: { topic: c.topic, partition: c.partition }, committed: c.offset, member: null })
  for (const member of description?.members ?? []) {
    for (const tp of member.assignment) {
      const row = rows.get(tpLabel(tp)) ?? { tp, committed: null, member: null }
      row.member = { memberId: member.memberId, clientId: member.clientId, host: member.clientHost }
      rows.set(tpLabel(tp), row)
    }
  }
  const partitions = [...rows.values()].map((r) => r.tp).sort(compareTp)
  const ends = new Map<string, bigint>()
  if (partitions.length > 0) {
    let listed: readonly ListedOffset[]
    try {
      listed = await listOffsets(ctx, partitions.map((tp) => ({ ...tp, spec: 'latest' as const })), { ...call, ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}) })
    } catch (err) {
      // partitions whose end offset cannot be read (deleted topic, ...) show no lag
      if (!(err instanceof AdminBatchError)) throw err
      listed = (err as AdminBatchError<unknown, ListedOffset>).values
    }
    for (const l of listed) ends.set(tpLabel(l), l.offset)
  }
  return partitions.map((tp) => {
    const row = rows.get(tpLabel(tp))!
    const endOffset = ends.get(tpLabel(tp)) ?? null
    return {
      ...tp,
      committedOffset: row.committed,
      endOffset,
      lag: row.committed === null || endOffset === null ? null : endOffset - row.committed,
      memberId: row.member?.memberId ?? null,
      clientId: row.member?.clientId ?? null,
      host: row.member?.host ?? null,
    }
  })
}
