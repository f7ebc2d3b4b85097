// Topic administration: createTopics, deleteTopics, createPartitions (sent to the controller,
// retried on NOT_CONTROLLER and THROTTLING_QUOTA_EXCEEDED, as Java's AdminClient does), listTopics
// and describeTopics (Metadata without auto-creation from any broker). Called by admin.ts.
// Invariants: every other per-topic error fails that topic at once with its ProtocolError (an
// unknown topic is not waited for); results come back in input order.
import { ConfigError, ProtocolError } from '../errors.js'
import { CreatePartitionsApi } from '../protocol/generated/create-partitions.js'
import { CreateTopicsApi, type CreateTopicsRequestCreatableTopic } from '../protocol/generated/create-topics.js'
import { DeleteTopicsApi } from '../protocol/generated/delete-topics.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import type { MetadataResponseMetadataResponseTopic } from '../protocol/generated/metadata.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import { arrayArg, intArg, isRecord, stringArg, stringListArg, timeoutArg } from './args.js'
import { again, done, fail, runBatch, settle, type Verdict, type Verdicts } from './batch.js'
import { type AdminContext, ControllerRouter, fetchMetadata } from './cluster-info.js'
import type {
  AdminCallOptions,
  CreatedTopic,
  CreatePartitionsOptions,
  CreateTopicsOptions,
  ListTopicsOptions,
  NewPartitions,
  NewTopic,
  PartitionDescription,
  TopicDescription,
} from './types.js'

const INT16_MAX = 32_767

/** The budget the broker gets for the request: what is left of the call, at most requestTimeoutMs. */
export function brokerTimeoutMs(ctx: AdminContext, deadlineMs: number): number {
  return Math.max(0, Math.min(ctx.requestTimeoutMs, deadlineMs - ctx.cluster.clock.now()))
}

/** Per-topic verdict for the controller APIs (Java: only NOT_CONTROLLER and throttling are retried). */
function controllerVerdict<V>(router: ControllerRouter, errorCode: number, message: string | null | undefined, name: string, value: () => V): Verdict<V> {
  if (errorCode === ErrorCode.NONE) return done(value())
  const error = new ProtocolError(errorCode, message ?? `topic '${name}'`)
  if (errorCode === ErrorCode.NOT_CONTROLLER) {
    router.invalidate()
    return again(error)
  }
  if (errorCode === ErrorCode.THROTTLING_QUOTA_EXCEEDED) return again(error)
  return fail(error)
}

function normalizeNewTopic(value: unknown, i: number): CreateTopicsRequestCreatableTopic {
  const m = 'createTopics'
  if (!isRecord(value)) throw new ConfigError(`${m}: topics[${i}] must be { name, numPartitions, replicationFactor, configs? }`)
  const name = stringArg(m, `topics[${i}].name`, value['name'])
  const numPartitions = value['numPartitions'] === undefined ? -1 : intArg(m, `topics[${i}].numPartitions`, value['numPartitions'], -1)
  const replicationFactor =
    value['replicationFactor'] === undefined ? -1 : intArg(m, `topics[${i}].replicationFactor`, value['replicationFactor'], -1, INT16_MAX)
  if (numPartitions === 0) throw new ConfigError(`${m}: topics[${i}].numPartitions must be positive or -1 (broker default)`)
  if (replicationFactor === 0) throw new ConfigError(`${m}: topics[${i}].replicationFactor must be positive or -1 (broker default)`)
  const assignments: CreateTopicsRequestCreatableTopic['assignments'] = []
  if (value['replicaAssignments'] !== undefined) {
    const list = arrayArg(m, `topics[${i}].replicaAssignments`, value['replicaAssignments'])
    list.forEach((brokers, p) => {
      const ids = arrayArg(m, `topics[${i}].replicaAssignments[${p}]`, brokers).map((b) => intArg(m, 'broker id', b, 0))
      assignments.push({ partitionIndex: p, brokerIds: ids })
    })
    if (numPartitions !== -1 || replicationFactor !== -1) {
      throw new ConfigError(`${m}: topics[${i}] sets replicaAssignments, so numPartitions and replicationFactor must be left out`)
    }
  }
  const configs: CreateTopicsRequestCreatableTopic['configs'] = []
  if (value['configs'] !== undefined) {
    if (!isRecord(value['configs'])) throw new ConfigError(`${m}: topics[${i}].configs must be a Record<string, string>`)
    for (const [k, v] of Object.entries(value['configs'])) configs.push({ name: k, value: stringArg(m, `configs["${k}"]`, v, { allowEmpty: true }) })
  }
  return { name, numPartitions, replicationFactor, assignments, configs }
}

export async function createTopics(ctx: AdminContext, topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<CreatedTopic[]> {
  ctx.checkOpen()
  const wanted = arrayArg('createTopics', 'topics', topics).map(normalizeNewTopic)
  if (wanted.length === 0) return []
  const timeoutMs = timeoutArg('createTopics', options.timeoutMs, ctx.defaultApiTimeoutMs)
  const validateOnly = options.validateOnly === true
  const router = new ControllerRouter(ctx)
  const outcomes = await runBatch<CreateTopicsRequestCreatableTopic, CreatedTopic>(ctx.cluster, {
    operation: 'createTopics',
    keys: wanted,
    label: (t) => t.name,
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    round: async (pending, deadlineMs) => {
      const response = await router.send(CreateTopicsApi, { topics: [...pending], timeoutMs: brokerTimeoutMs(ctx, deadlineMs), validateOnly })
      const verdicts: Verdicts<CreatedTopic> = new Map()
      for (const r of response.topics) {
        const asked = pending.find((t) => t.name === r.name)
        verdicts.set(
          r.name,
          controllerVerdict(router, r.errorCode, r.errorMessage, r.name, () => {
            let configs: Record<string, string | null> | null = null
            if (r.configs !== undefined && r.configs !== null) {
              configs = {}
              for (const c of r.configs) configs[c.name] = c.value
            }
            const reported = (n: number | undefined, fallback: number) => (n === undefined || n < 0 ? fallback : n)
            return {
              name: r.name,
              topicId: r.topicId === undefined || r.topicId === ZERO_UUID ? null : r.topicId,
              numPartitions: reported(r.numPartitions, asked?.numPartitions ?? -1),
              replicationFactor: reported(r.replicationFactor, asked?.replicationFactor ?? -1),
              configs,
            }
          }),
        )
      }
      return verdicts
    },
  })
  return settle('createTopics', outcomes)
}

export async function deleteTopics(ctx: AdminContext, names: readonly string[], options: AdminCallOptions = {}): Promise<void> {
  ctx.checkOpen()
  const wanted = stringListArg('deleteTopics', 'names', names)
  if (wanted.length === 0) return
  const timeoutMs = timeoutArg('deleteTopics', options.timeoutMs, ctx.defaultApiTimeoutMs)
  const router = new ControllerRouter(ctx)
  const outcomes = await runBatch<string, void>(ctx.cluster, {
    operation: 'deleteTopics',
    keys: wanted,
    label: (n) => n,
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    round: async (pending, deadlineMs) => {
      const response = await router.send(DeleteTopicsApi, {
        topicNames: [...pending],
        topics: pending.map((name) => ({ name, topicId: ZERO_UUID })),
        timeoutMs: brokerTimeoutMs(ctx, deadlineMs),
      })
      const verdicts: Verdicts<void> = new Map()
      for (const r of response.responses) {
        if (r.name === null) continue
        verdicts.set(r.name, controllerVerdict(router, r.errorCode, r.errorMessage, r.name, () => undefined))
      }
      return verdicts
    },
  })
  settle('deleteTopics', outcomes)
}

function normalizeNewPartitions(topic: string, value: unknown): { name: string; count: number; assignments: { brokerIds: number[] }[] | null } {
  const m = 'createPartitions'
  if (typeof value === 'number') return { name: topic, count: intArg(m, `["${topic}"]`, value, 1), assignments: null }
  if (!isRecord(value)) throw new ConfigError(`${m}: ["${topic}"] must be a total count or { totalCount, assignments? }`)
  const count = intArg(m, `["${topic}"].totalCount`, value['totalCount'], 1)
  if (value['assignments'] === undefined) return { name: topic, count, assignments: null }
  const assignments = arrayArg(m, `["${topic}"].assignments`, value['assignments']).map((ids, i) => ({
    brokerIds: arrayArg(m, `["${topic}"].assignments[${i}]`, ids).map((b) => intArg(m, 'broker id', b, 0)),
  }))
  return { name: topic, count, assignments }
}

export async function createPartitions(
  ctx: AdminContext,
  newPartitions: Readonly<Record<string, NewPartitions>>,
  options: CreatePartitionsOptions = {},
): Promise<void> {
  ctx.checkOpen()
  if (!isRecord(newPartitions)) throw new ConfigError('createPartitions: expected { [topic]: totalCount }')
  const wanted = Object.entries(newPartitions).map(([topic, v]) => normalizeNewPartitions(topic, v))
  if (wanted.length === 0) return
  const timeoutMs = timeoutArg('createPartitions', options.timeoutMs, ctx.defaultApiTimeoutMs)
  const validateOnly = options.validateOnly === true
  const router = new ControllerRouter(ctx)
  const outcomes = await runBatch(ctx.cluster, {
    operation: 'createPartitions',
    keys: wanted,
    label: (t) => t.name,
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    round: async (pending, deadlineMs) => {
      const response = await router.send(CreatePartitionsApi, {
        topics: [...pending],
        timeoutMs: brokerTimeoutMs(ctx, deadlineMs),
        validateOnly,
      })
      const verdicts: Verdicts<void> = new Map()
      for (const r of response.results) verdicts.set(r.name, controllerVerdict(router, r.errorCode, r.errorMessage, r.name, () => undefined))
      return verdicts
    },
  })
  settle('createPartitions', outcomes)
}

export function describeTopic(t: MetadataResponseMetadataResponseTopic & { name: string }): TopicDescription {
  const partitions: PartitionDescription[] = t.partitions
    .map((p) => ({
      partition: p.partitionIndex,
      leader: p.leaderId,
      leaderEpoch: p.leaderEpoch ?? -1,
      replicas: p.replicaNodes,
      isr: p.isrNodes,
      offlineReplicas: p.offlineReplicas ?? [],
    }))
    .sort((a, b) => a.partition - b.partition)
  return {
    name: t.name,
    topicId: t.topicId === undefined || t.topicId === ZERO_UUID ? null : t.topicId,
    isInternal: t.isInternal ?? false,
    partitions,
  }
}

export async function listTopics(ctx: AdminContext, options: ListTopicsOptions = {}): Promise<string[]> {
  ctx.checkOpen()
  const timeoutMs = timeoutArg('listTopics', options.timeoutMs, ctx.defaultApiTimeoutMs)
  const view = await ctx.cluster.retry(() => fetchMetadata(ctx, null), {
    timeoutMs,
    operation: 'listTopics',
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const names: string[] = []
  for (const [name, t] of view.topics) {
    if (t.errorCode !== ErrorCode.NONE) continue
    if (t.isInternal === true && options.includeInternal !== true) continue
    names.push(name)
  }
  return names.sort()
}

/**
 * Topic descriptions in input order; with no names, every non-internal topic sorted by name.
 * Unknown topics fail with UNKNOWN_TOPIC_OR_PARTITION (AdminBatchError).
 */
export async function describeTopics(ctx: AdminContext, names?: readonly string[], options: AdminCallOptions = {}): Promise<TopicDescription[]> {
  ctx.checkOpen()
  const timeoutMs = timeoutArg('describeTopics', options.timeoutMs, ctx.defaultApiTimeoutMs)
  const signal = options.signal ? { signal: options.signal } : {}
  if (names === undefined) {
    const view = await ctx.cluster.retry(() => fetchMetadata(ctx, null), { timeoutMs, operation: 'describeTopics', ...signal })
    const out: TopicDescription[] = []
    for (const [name, t] of view.topics) if (t.errorCode === ErrorCode.NONE && t.isInternal !== true) out.push(describeTopic({ ...t, name }))
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }
  const wanted = stringListArg('describeTopics', 'names', names)
  if (wanted.length === 0) return []
  const outcomes = await runBatch<string, TopicDescription>(ctx.cluster, {
    operation: 'describeTopics',
    keys: wanted,
    label: (n) => n,
    timeoutMs,
    ...signal,
    round: async (pending) => {
      const view = await fetchMetadata(ctx, pending)
      const verdicts: Verdicts<TopicDescription> = new Map()
      for (const name of pending) {
        const t = view.topics.get(name)
        if (t === undefined) continue
        if (t.errorCode === ErrorCode.NONE) verdicts.set(name, done(describeTopic({ ...t, name })))
        else {
          const error = new ProtocolError(t.errorCode, `topic '${name}'`)
          // a topic being created or electing leaders: ask again; anything else is final
          verdicts.set(name, t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE ? again(error) : fail(error))
        }
      }
      return verdicts
    },
  })
  return settle('describeTopics', outcomes)
}
