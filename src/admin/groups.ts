// Consumer group administration: listGroups (every broker lists the groups it coordinates),
// describeGroups and deleteGroups (each group at its coordinator, batched per coordinator), and
// the coordinator routing the offsets module shares. Member subscription/assignment bytes are
// decoded with the generated consumer-protocol codecs. Called by admin.ts and offsets.ts.
// Invariants: NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / a lost connection drop the cached
// coordinator and retry; COORDINATOR_LOAD_IN_PROGRESS retries; other group errors are final.
import type { BrokerNode } from '../cluster/metadata-cache.js'
import { type KafkaClientError, ProtocolError } from '../errors.js'
import { decodeConsumerProtocolAssignment } from '../protocol/generated/consumer-protocol-assignment.js'
import { decodeConsumerProtocolSubscription } from '../protocol/generated/consumer-protocol-subscription.js'
import { DeleteGroupsApi } from '../protocol/generated/delete-groups.js'
import { DescribeGroupsApi, type DescribeGroupsResponseDescribedGroupMember } from '../protocol/generated/describe-groups.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import { ListGroupsApi } from '../protocol/generated/list-groups.js'
import { stringListArg, timeoutArg } from './args.js'
import { again, done, fail, fanOut, type ItemOutcome, pushTo, runBatch, settle, type Verdict, type Verdicts } from './batch.js'
import { type AdminContext, fetchMetadata, sendToNode } from './cluster-info.js'
import type {
  AdminCallOptions,
  GroupDescription,
  GroupListing,
  ListGroupsOptions,
  MemberDescription,
  MemberSubscription,
  TopicPartition,
} from './types.js'

/** Where each group's coordinator is, plus verdicts for the groups whose lookup failed. */
export interface CoordinatorRoute {
  readonly targets: Map<number, string[]>
  readonly nodes: Map<number, BrokerNode>
  readonly verdicts: Verdicts<never>
}

/** Looks up the coordinators of `groupIds` (cached lookups are free). */
export async function routeToCoordinators(
  ctx: AdminContext,
  groupIds: readonly string[],
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<CoordinatorRoute> {
  const timeoutMs = Math.max(1, deadlineMs - ctx.cluster.clock.now())
  const found = await Promise.allSettled(
    groupIds.map((id) => ctx.cluster.coordinators.find('group', id, { timeoutMs, ...(signal ? { signal } : {}) })),
  )
  const targets = new Map<number, string[]>()
  const nodes = new Map<number, BrokerNode>()
  const verdicts: Verdicts<never> = new Map()
  found.forEach((f, i) => {
    const id = groupIds[i]!
    if (f.status === 'fulfilled') {
      nodes.set(f.value.nodeId, f.value)
      pushTo(targets, f.value.nodeId, id)
    } else {
      const error = f.reason as KafkaClientError
      verdicts.set(id, error.retriable === true ? again(error) : fail(error))
    }
  })
  return { targets, nodes, verdicts }
}

/** The verdict for a group-level error code from its coordinator. */
export function coordinatorVerdict<V>(ctx: AdminContext, groupId: string, errorCode: number, value: () => V, what = `group '${groupId}'`): Verdict<V> {
  if (errorCode === ErrorCode.NONE) return done(value())
  const error = new ProtocolError(errorCode, what)
  if (errorCode === ErrorCode.NOT_COORDINATOR || errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) {
    ctx.cluster.coordinators.invalidate('group', groupId)
    return again(error)
  }
  if (errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return again(error)
  return fail(error)
}

/**
 * One round over groups: route to coordinators, then `send` per coordinator. A coordinator whose
 * request failed has its groups' cached coordinator dropped.
 */
async function coordinatorRound<V>(
  ctx: AdminContext,
  pending: readonly string[],
  deadlineMs: number,
  signal: AbortSignal | undefined,
  send: (node: BrokerNode, groupIds: readonly string[]) => Promise<Verdicts<V>>,
): Promise<Verdicts<V>> {
  const route = await routeToCoordinators(ctx, pending, deadlineMs, signal)
  const verdicts = await fanOut(
    route.targets,
    (id) => id,
    (nodeId, ids) => send(route.nodes.get(nodeId)!, ids),
    (nodeId, error) => {
      for (const id of route.targets.get(nodeId) ?? []) ctx.cluster.coordinators.handleError('group', id, error)
    },
  )
  for (const [id, v] of route.verdicts) verdicts.set(id, v)
  return verdicts
}

/** runBatch over group ids, each round sent to the groups' coordinators (coordinatorRound). */
export function groupBatch<V>(
  ctx: AdminContext,
  operation: string,
  groupIds: readonly string[],
  options: AdminCallOptions,
  send: (node: BrokerNode, groupIds: readonly string[]) => Promise<Verdicts<V>>,
): Promise<ItemOutcome<string, V>[]> {
  const timeoutMs = timeoutArg(operation, options.timeoutMs, ctx.defaultApiTimeoutMs)
  return runBatch<string, V>(ctx.cluster, {
    operation,
    keys: groupIds,
    label: (id) => id,
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    round: (pending, deadlineMs) => coordinatorRound(ctx, pending, deadlineMs, options.signal, send),
  })
}

function matches(filter: readonly string[] | undefined, value: string | null): boolean {
  if (filter === undefined || filter.length === 0 || value === null) return true
  const v = value.toLowerCase()
  return filter.some((f) => f.toLowerCase() === v)
}

/** Every group of every broker, sorted by id; brokers that fail make an AdminBatchError. */
export async function listGroups(ctx: AdminContext, options: ListGroupsOptions = {}): Promise<GroupListing[]> {
  ctx.checkOpen()
  const m = 'listGroups'
  const states = options.states === undefined ? undefined : stringListArg(m, 'states', options.states)
  const types = options.types === undefined ? undefined : stringListArg(m, 'types', options.types)
  const timeoutMs = timeoutArg(m, options.timeoutMs, ctx.defaultApiTimeoutMs)
  const signal = options.signal ? { signal: options.signal } : {}
  const view = await ctx.cluster.retry(() => fetchMetadata(ctx, []), { timeoutMs, operation: m, ...signal })
  const nodeIds = [...view.brokers.keys()].sort((a, b) => a - b)
  const outcomes = await runBatch<number, GroupListing[]>(ctx.cluster, {
    operation: m,
    keys: nodeIds,
    label: String,
    timeoutMs,
    ...signal,
    round: (pending) => {
      const targets = new Map(pending.map((id) => [id, [id]]))
      return fanOut(targets, String, async (nodeId) => {
        const response = await sendToNode(ctx, view.brokers.get(nodeId)!, ListGroupsApi, {
          ...(states !== undefined ? { statesFilter: states } : {}),
          ...(types !== undefined ? { typesFilter: types } : {}),
        })
        const verdicts: Verdicts<GroupListing[]> = new Map()
        const code = response.errorCode
        if (code === ErrorCode.NONE) {
          const listings = response.groups
            .map((g) => ({
              groupId: g.groupId,
              protocolType: g.protocolType,
              // decoders fill fields the version lacks with '': no version sends an empty state/type
              state: g.groupState === undefined || g.groupState === '' ? null : g.groupState,
              type: g.groupType === undefined || g.groupType === '' ? null : g.groupType,
              coordinatorId: nodeId,
            }))
            .filter((g) => matches(states, g.state) && matches(types, g.type))
          verdicts.set(String(nodeId), done(listings))
        } else {
          const error = new ProtocolError(code, `ListGroups on broker ${nodeId}`)
          const retriable = code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || code === ErrorCode.COORDINATOR_NOT_AVAILABLE
          verdicts.set(String(nodeId), retriable ? again(error) : fail(error))
        }
        return verdicts
      })
    },
  })
  return settle(m, outcomes)
    .flat()
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
}

function flatten(groups: readonly { topic: string; partitions: readonly number[] }[] | undefined): TopicPartition[] {
  const out: TopicPartition[] = []
  for (const g of groups ?? []) for (const partition of g.partitions) out.push({ topic: g.topic, partition })
  return out
}

function decodeSubscription(bytes: Buffer): MemberSubscription | null {
  if (bytes.length === 0) return null
  try {
    const { value } = decodeConsumerProtocolSubscription(bytes)
    return {
      topics: value.topics,
      ownedPartitions: flatten(value.ownedPartitions),
      rackId: value.rackId ?? null,
      userData: value.userData === null ? null : Buffer.from(value.userData),
    }
  } catch {
    return null
  }
}

function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return []
  try {
    return flatten(decodeConsumerProtocolAssignment(bytes).value.assignedPartitions)
  } catch {
    return []
  }
}

/** One described member, its consumer-protocol bytes decoded (undecodable bytes: null / []). */
export function toMember(m: DescribeGroupsResponseDescribedGroupMember, consumer: boolean): MemberDescription {
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId ?? null,
    clientId: m.clientId,
    clientHost: m.clientHost,
    assignment: consumer ? decodeAssignment(m.memberAssignment) : [],
    subscription: consumer ? decodeSubscription(m.memberMetadata) : null,
    rawMetadata: Buffer.from(m.memberMetadata),
    rawAssignment: Buffer.from(m.memberAssignment),
  }
}

/** Descriptions in input order; unknown groups fail with GROUP_ID_NOT_FOUND (Java 4.x). */
export async function describeGroups(ctx: AdminContext, groupIds: readonly string[], options: AdminCallOptions = {}): Promise<GroupDescription[]> {
  ctx.checkOpen()
  const m = 'describeGroups'
  const wanted = stringListArg(m, 'groupIds', groupIds)
  if (wanted.length === 0) return []
  const outcomes = await groupBatch(ctx, m, wanted, options, async (node, ids) => {
    const response = await sendToNode(ctx, node, DescribeGroupsApi, { groups: [...ids], includeAuthorizedOperations: false })
    const verdicts: Verdicts<GroupDescription> = new Map()
    for (const g of response.groups) {
      if (g.errorCode === ErrorCode.NONE && g.groupState === 'Dead') {
        verdicts.set(g.groupId, fail(new ProtocolError(ErrorCode.GROUP_ID_NOT_FOUND, `group '${g.groupId}' does not exist`)))
        continue
      }
      const consumer = g.protocolType === 'consumer'
      verdicts.set(
        g.groupId,
        coordinatorVerdict(ctx, g.groupId, g.errorCode, () => ({
          groupId: g.groupId,
          state: g.groupState,
          protocolType: g.protocolType,
          protocol: g.protocolData,
          members: g.members.map((mem) => toMember(mem, consumer)),
          coordinator: node,
        })),
      )
    }
    return verdicts
  })
  return settle(m, outcomes)
}

/** Deletes Empty groups and their offsets; NON_EMPTY_GROUP / GROUP_ID_NOT_FOUND fail per group. */
export async function deleteGroups(ctx: AdminContext, groupIds: readonly string[], options: AdminCallOptions = {}): Promise<void> {
  ctx.checkOpen()
  const m = 'deleteGroups'
  const wanted = stringListArg(m, 'groupIds', groupIds)
  if (wanted.length === 0) return
  const outcomes = await groupBatch(ctx, m, wanted, options, async (node, ids) => {
    const response = await sendToNode(ctx, node, DeleteGroupsApi, { groupsNames: [...ids] })
    const verdicts: Verdicts<void> = new Map()
    for (const r of response.results) verdicts.set(r.groupId, coordinatorVerdict(ctx, r.groupId, r.errorCode, () => undefined))
    return verdicts
  })
  settle(m, outcomes)
}
