// Finds and caches the coordinator broker of a consumer group or transactional id
// (FindCoordinator v1-3 single key, v4+ batched keys), for the consumer, the transactional
// producer and admin. Invariants: one lookup per key at a time (callers share it); a cached
// coordinator is dropped on NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or a lost connection,
// and lookups retry COORDINATOR_NOT_AVAILABLE with backoff until their deadline.
import { ConnectionError, ProtocolError } from '../errors.js'
import { type Logger, NOOP_LOGGER, safeLog } from '../network/logger.js'
import { FindCoordinatorApi, type FindCoordinatorResponse } from '../protocol/generated/find-coordinator.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import type { Clock } from '../util/clock.js'
import type { BrokerNode, MetadataCache } from './metadata-cache.js'
import { retry } from './retry.js'

export type CoordinatorType = 'group' | 'transaction'

const KEY_TYPE: Record<CoordinatorType, number> = { group: 0, transaction: 1 }
const DEFAULT_TIMEOUT_MS = 60_000

export interface CoordinatorLookupOptions {
  readonly metadata: MetadataCache
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly logger?: Logger
  readonly clock?: Clock
  readonly random?: () => number
}

function cacheKey(type: CoordinatorType, key: string): string {
  return `${type}\u0000${key}`
}

/** The coordinator for `key` out of either response shape. Throws ProtocolError on an error code. */
export function coordinatorFromResponse(response: FindCoordinatorResponse, key: string): Omit<BrokerNode, 'rack'> {
  const entry = response.coordinators?.find((c) => c.key === key)
  const errorCode = entry ? entry.errorCode : (response.errorCode ?? 0)
  const errorMessage = entry ? entry.errorMessage : (response.errorMessage ?? null)
  if (errorCode !== 0) throw new ProtocolError(errorCode, errorMessage ?? `FindCoordinator for "${key}"`)
  const nodeId = entry ? entry.nodeId : (response.nodeId ?? -1)
  const host = entry ? entry.host : (response.host ?? '')
  const port = entry ? entry.port : (response.port ?? -1)
  if (nodeId < 0 || host.length === 0 || port <= 0 || port > 65535) {
    throw new ProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `FindCoordinator for "${key}" returned no usable broker`)
  }
  return { nodeId, host, port }
}

export class CoordinatorLookup {
  readonly #options: CoordinatorLookupOptions
  readonly #logger: Logger
  readonly #cache = new Map<string, BrokerNode>()
  readonly #pending = new Map<string, Promise<BrokerNode>>()
  /** every coordinator endpoint learned, by node id (a coordinator may be missing from metadata) */
  readonly #nodes = new Map<number, BrokerNode>()

  constructor(options: CoordinatorLookupOptions) {
    this.#options = options
    this.#logger = options.logger ?? NOOP_LOGGER
  }

  cached(type: CoordinatorType, key: string): BrokerNode | undefined {
    return this.#cache.get(cacheKey(type, key))
  }

  /** The coordinator for (type, key), from the cache or a FindCoordinator lookup. */
  find(type: CoordinatorType, key: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<BrokerNode> {
    const k = cacheKey(type, key)
    const cached = this.#cache.get(k)
    if (cached !== undefined) return Promise.resolve(cached)
    const pending = this.#pending.get(k)
    if (pending !== undefined) return pending
    const lookup = this.#lookup(type, key, options).finally(() => this.#pending.delete(k))
    this.#pending.set(k, lookup)
    return lookup
  }

  /** An endpoint learned from FindCoordinator for this node id, if any. */
  node(nodeId: number): BrokerNode | undefined {
    return this.#nodes.get(nodeId)
  }

  invalidate(type: CoordinatorType, key: string): void {
    if (this.#cache.delete(cacheKey(type, key))) safeLog(this.#logger, 'debug', 'coordinator invalidated', { type, key })
  }

  /**
   * Feeds an error from a request to the coordinator. NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE
   * and connection loss drop the cached coordinator; returns true when it did.
   */
  handleError(type: CoordinatorType, key: string, error: unknown): boolean {
    const code = typeof error === 'number' ? error : error instanceof ProtocolError ? error.errorCode : undefined
    if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE || error instanceof ConnectionError) {
      this.invalidate(type, key)
      return true
    }
    return false
  }

  async #lookup(type: CoordinatorType, key: string, options: { timeoutMs?: number; signal?: AbortSignal }): Promise<BrokerNode> {
    const metadata = this.#options.metadata
    const node = await retry(
      async () => {
        const response = await metadata.sendToAnyBroker('metadata', FindCoordinatorApi, {
          key,
          keyType: KEY_TYPE[type],
          coordinatorKeys: [key],
        })
        const found = coordinatorFromResponse(response, key)
        return { ...found, rack: metadata.broker(found.nodeId)?.rack ?? null }
      },
      {
        retryBackoffMs: this.#options.retryBackoffMs,
        retryBackoffMaxMs: this.#options.retryBackoffMaxMs,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        operation: `FindCoordinator(${type} "${key}")`,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(this.#options.clock ? { clock: this.#options.clock } : {}),
        ...(this.#options.random ? { random: this.#options.random } : {}),
      },
    )
    this.#cache.set(cacheKey(type, key), node)
    this.#nodes.set(node.nodeId, node)
    safeLog(this.#logger, 'debug', 'coordinator found', { type, key, nodeId: node.nodeId })
    return node
  }
}
