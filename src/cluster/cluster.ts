// The cluster layer in one object: connection pool, metadata cache, coordinator lookup and retry
// policy built from the shared client options. Each producer, consumer and admin client owns one
// Cluster and closes it. Invariants: requests to a node id go through the metadata's view of that
// node (refreshed once if the id is unknown); close() closes every connection and settles every
// pending request with ClosedError.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls'
import { ClosedError, ConnectionError } from '../errors.js'
import type { BrokerAddress } from '../network/address.js'
import type { Connection, SendOptions } from '../network/connection.js'
import { type Logger, NOOP_LOGGER } from '../network/logger.js'
import type { SaslOptions } from '../network/sasl/authenticate.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { type Clock, realClock } from '../util/clock.js'
import { ConnectionPool, type ConnectionPurpose } from './connection-pool.js'
import { CoordinatorLookup, type CoordinatorType } from './coordinator.js'
import { type BrokerNode, MetadataCache } from './metadata-cache.js'
import { type RetryOptions, RetryPolicy } from './retry.js'

/** The settings every Cluster needs; ResolvedClientOptions (src/client-options.ts) extends them. */
export interface ClusterSettings {
  readonly clientId: string
  readonly bootstrapServers: readonly BrokerAddress[]
  readonly requestTimeoutMs: number
  readonly connectionsMaxIdleMs: number
  readonly metadataMaxAgeMs: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly socketConnectionSetupTimeoutMs: number
}

/** ClusterSettings with optional security and logging (a ResolvedClientOptions fits), plus test hooks. */
export interface ClusterOptions extends ClusterSettings {
  readonly tls?: TlsConnectionOptions | null
  readonly sasl?: SaslOptions | null
  readonly logger?: Logger
  /** Metadata requests let the broker auto-create topics (Java producer: yes). Default true. */
  readonly allowAutoTopicCreation?: boolean
  /** Pipelining bound per purpose (the producer passes maxInFlightRequestsPerConnection). */
  readonly maxInFlightRequests?: Partial<Record<ConnectionPurpose, number>>
  readonly clock?: Clock
  readonly random?: () => number
}

export class Cluster {
  readonly pool: ConnectionPool
  readonly metadata: MetadataCache
  readonly coordinators: CoordinatorLookup
  readonly retryPolicy: RetryPolicy
  readonly logger: Logger
  readonly clock: Clock
  readonly options: ClusterOptions
  #closed = false

  constructor(options: ClusterOptions) {
    this.options = options
    this.logger = options.logger ?? NOOP_LOGGER
    this.clock = options.clock ?? realClock
    const random = options.random ?? Math.random
    this.pool = new ConnectionPool({
      clientId: options.clientId,
      tls: options.tls ?? null,
      sasl: options.sasl ?? null,
      requestTimeoutMs: options.requestTimeoutMs,
      socketConnectionSetupTimeoutMs: options.socketConnectionSetupTimeoutMs,
      connectionsMaxIdleMs: options.connectionsMaxIdleMs,
      logger: this.logger,
      clock: this.clock,
      ...(options.maxInFlightRequests ? { maxInFlightRequests: options.maxInFlightRequests } : {}),
    })
    this.metadata = new MetadataCache({
      pool: this.pool,
      bootstrapServers: options.bootstrapServers,
      metadataMaxAgeMs: options.metadataMaxAgeMs,
      retryBackoffMs: options.retryBackoffMs,
      retryBackoffMaxMs: options.retryBackoffMaxMs,
      allowAutoTopicCreation: options.allowAutoTopicCreation ?? true,
      logger: this.logger,
      clock: this.clock,
      random,
    })
    this.coordinators = new CoordinatorLookup({
      metadata: this.metadata,
      retryBackoffMs: options.retryBackoffMs,
      retryBackoffMaxMs: options.retryBackoffMaxMs,
      logger: this.logger,
      clock: this.clock,
      random,
    })
    this.retryPolicy = new RetryPolicy({
      retryBackoffMs: options.retryBackoffMs,
      retryBackoffMaxMs: options.retryBackoffMaxMs,
      clock: this.clock,
      random,
    })
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Where broker `nodeId` lives: from metadata, else from a FindCoordinator answer. */
  node(nodeId: number): BrokerNode | undefined {
    return this.metadata.broker(nodeId) ?? this.coordinators.node(nodeId)
  }

  /**
   * The connection to broker `nodeId` for `purpose`. An id missing from the metadata triggers one
   * refresh; still missing → retriable ConnectionError (the broker left the cluster).
   */
  async connectionTo(nodeId: number, purpose: ConnectionPurpose): Promise<Connection> {
    if (this.#closed) throw new ClosedError('cluster client closed')
    let node = this.node(nodeId)
    if (node === undefined) {
      await this.metadata.refresh()
      node = this.node(nodeId)
    }
    if (node === undefined) throw new ConnectionError(`broker ${nodeId} is not in the cluster metadata`)
    return this.pool.get(node, purpose)
  }

  /**
   * One request to broker `nodeId` on its `purpose` connection. Requests to one (node, purpose)
   * are written in call order (the producer relies on it for idempotent sequences).
   */
  sendTo<Req, Res>(
    nodeId: number,
    purpose: ConnectionPurpose,
    api: ApiDescriptor<Req, Res>,
    body: Req,
    options?: SendOptions,
  ): Promise<Res> {
    const node = this.node(nodeId)
    if (node !== undefined && !this.#closed) return this.pool.send(node, purpose, api, body, options)
    return this.connectionTo(nodeId, purpose).then((conn) => conn.send(api, body, options))
  }

  /** sendTo() for a request the broker will not answer (Produce acks=0); resolves once written. */
  sendWithoutResponseTo<Req, Res>(
    nodeId: number,
    purpose: ConnectionPurpose,
    api: ApiDescriptor<Req, Res>,
    body: Req,
    options?: SendOptions,
  ): Promise<void> {
    const node = this.node(nodeId)
    if (node !== undefined && !this.#closed) return this.pool.sendWithoutResponse(node, purpose, api, body, options)
    return this.connectionTo(nodeId, purpose).then((conn) => conn.sendWithoutResponse(api, body, options))
  }

  /** Any reachable broker (known brokers, then bootstrap). */
  sendToAny<Req, Res>(purpose: ConnectionPurpose, api: ApiDescriptor<Req, Res>, body: Req, options?: SendOptions): Promise<Res> {
    return this.metadata.sendToAnyBroker(purpose, api, body, options)
  }

  /** The connection to the coordinator of a group or transactional id (looked up if needed). */
  async coordinatorConnection(
    type: CoordinatorType,
    key: string,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Connection> {
    if (this.#closed) throw new ClosedError('cluster client closed')
    const node = await this.coordinators.find(type, key, options)
    try {
      return await this.pool.get(node, 'group')
    } catch (err) {
      this.coordinators.handleError(type, key, err)
      throw err
    }
  }

  /** Runs `attempt` under the cluster's retry policy (retriable errors only, backoff with jitter). */
  retry<T>(attempt: (attemptNumber: number) => Promise<T>, overrides: Partial<RetryOptions> = {}): Promise<T> {
    return this.retryPolicy.run(attempt, overrides)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.metadata.close()
    await this.pool.close()
  }
}
