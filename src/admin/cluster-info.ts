// The admin client's view of the cluster: its own Metadata requests (never auto-creating topics,
// whatever the Cluster's setting), request routing to a node / the controller / any broker on the
// 'admin' connections, and describeCluster(). Called by admin.ts and every admin concern module.
// Invariants: each call asks the brokers afresh (admin answers must not come from a stale cache);
// a request to a node the answer did not list fails with a retriable ConnectionError.
import type { Cluster } from '../cluster/cluster.js'
import type { BrokerNode } from '../cluster/metadata-cache.js'
import { ConnectionError, ProtocolError, UnsupportedVersionError } from '../errors.js'
import type { Connection, SendOptions } from '../network/connection.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { DescribeClusterApi } from '../protocol/generated/describe-cluster.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import { MetadataApi, type MetadataResponseMetadataResponseTopic } from '../protocol/generated/metadata.js'
import type { ClusterDescription } from './types.js'

/** What every admin concern module gets from the Admin. */
export interface AdminContext {
  readonly cluster: Cluster
  /** default overall budget of a call (Java default.api.timeout.ms) */
  readonly defaultApiTimeoutMs: number
  readonly requestTimeoutMs: number
  /** throws ClosedError after close() */
  checkOpen(): void
}

export interface MetadataView {
  readonly clusterId: string | null
  /** -1 when unknown */
  readonly controllerId: number
  readonly brokers: ReadonlyMap<number, BrokerNode>
  /** by topic name, as the broker answered (errorCode included) */
  readonly topics: ReadonlyMap<string, MetadataResponseMetadataResponseTopic>
}

/**
 * One Metadata request to any broker: `topics` null = every topic, [] = brokers only (Metadata v0
 * cannot say "no topics" and answers every topic instead).
 */
export function fetchMetadata(ctx: AdminContext, topics: readonly string[] | null): Promise<MetadataView> {
  return ctx.cluster.metadata.withAnyBroker('admin', async (conn) => {
    const v0 = conn.versionFor(MetadataApi) === 0
    const response = await conn.send(MetadataApi, {
      topics: topics === null ? (v0 ? [] : null) : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    })
    const brokers = new Map<number, BrokerNode>()
    for (const b of response.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })
    const byName = new Map<string, MetadataResponseMetadataResponseTopic>()
    for (const t of response.topics) if (t.name !== null) byName.set(t.name, t)
    return { clusterId: response.clusterId ?? null, controllerId: response.controllerId ?? -1, brokers, topics: byName }
  })
}

/** The 'admin' connection to a node listed in `view` (retriable ConnectionError when it is not). */
export function connectionTo(ctx: AdminContext, brokers: ReadonlyMap<number, BrokerNode>, nodeId: number): Promise<Connection> {
  const node = brokers.get(nodeId) ?? ctx.cluster.node(nodeId)
  if (node === undefined) return Promise.reject(new ConnectionError(`broker ${nodeId} is not in the cluster metadata`))
  return ctx.cluster.pool.get(node, 'admin')
}

/** One request to a broker node on its 'admin' connection. */
export function sendToNode<Req, Res>(
  ctx: AdminContext,
  node: BrokerNode,
  api: ApiDescriptor<Req, Res>,
  body: Req,
  options?: SendOptions,
): Promise<Res> {
  return ctx.cluster.pool.send(node, 'admin', api, body, options)
}

/** One request to any reachable broker. */
export function sendToAny<Req, Res>(ctx: AdminContext, api: ApiDescriptor<Req, Res>, body: Req, options?: SendOptions): Promise<Res> {
  return ctx.cluster.sendToAny('admin', api, body, options)
}

/**
 * Where topic changes go: the controller the metadata names (Java's AdminClient routing; KRaft
 * brokers forward), else any broker. `stale` forces a fresh Metadata request (after NOT_CONTROLLER).
 */
export class ControllerRouter {
  readonly #ctx: AdminContext
  #controller: BrokerNode | null = null

  constructor(ctx: AdminContext) {
    this.#ctx = ctx
  }

  invalidate(): void {
    this.#controller = null
  }

  async send<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options?: SendOptions): Promise<Res> {
    if (this.#controller === null) {
      const view = await fetchMetadata(this.#ctx, [])
      const node = view.brokers.get(view.controllerId)
      if (node === undefined) return sendToAny(this.#ctx, api, body, options)
      this.#controller = node
    }
    try {
      return await sendToNode(this.#ctx, this.#controller, api, body, options)
    } catch (err) {
      if (err instanceof ConnectionError) this.invalidate()
      throw err
    }
  }
}

function sortBrokers(brokers: Iterable<BrokerNode>): BrokerNode[] {
  return [...brokers].sort((a, b) => a.nodeId - b.nodeId)
}

/** describeCluster(): DescribeCluster (KIP-700) when the broker has it, else Metadata. */
export function describeCluster(ctx: AdminContext, timeoutMs: number, signal?: AbortSignal): Promise<ClusterDescription> {
  return ctx.cluster.retry(
    async () => {
      try {
        const response = await sendToAny(ctx, DescribeClusterApi, { includeClusterAuthorizedOperations: false, endpointType: 1 })
        if (response.errorCode !== ErrorCode.NONE) throw new ProtocolError(response.errorCode, response.errorMessage ?? 'DescribeCluster')
        return {
          clusterId: response.clusterId,
          controllerId: response.controllerId,
          brokers: sortBrokers(response.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack }))),
        }
      } catch (err) {
        if (!(err instanceof UnsupportedVersionError)) throw err
        const view = await fetchMetadata(ctx, [])
        return { clusterId: view.clusterId, controllerId: view.controllerId, brokers: sortBrokers(view.brokers.values()) }
      }
    },
    { timeoutMs, operation: 'describeCluster', ...(signal ? { signal } : {}) },
  )
}
