// Which broker to ask when any broker will do (Metadata, FindCoordinator, admin calls): the last
// one that answered, then the other known brokers in random order, then the bootstrap addresses
// not already listed. Owned by MetadataCache, which supplies the known brokers and is reached
// through metadata.withAnyBroker(). Invariant: retriable failures (connection errors, timeouts)
// move on to the next candidate; anything else, or closing, ends the round with that error.
import { ConnectionError } from '../errors.js'
import { type BrokerAddress, formatBrokerAddress } from '../network/address.js'
import type { Connection } from '../network/connection.js'
import { type Logger, safeLog } from '../network/logger.js'
import type { BrokerTarget, ConnectionPool, ConnectionPurpose } from './connection-pool.js'
import { isRetriable } from './retry.js'

/** A broker the cluster metadata named (MetadataCache's BrokerNode fits). */
export type KnownBroker = Required<BrokerTarget>

export class BrokerRotation {
  readonly #pool: ConnectionPool
  readonly #bootstrap: readonly BrokerAddress[]
  readonly #random: () => number
  readonly #logger: Logger
  readonly #isClosed: () => boolean
  #preferredNodeId = -1

  constructor(pool: ConnectionPool, bootstrap: readonly BrokerAddress[], random: () => number, logger: Logger, isClosed: () => boolean) {
    this.#pool = pool
    this.#bootstrap = bootstrap
    this.#random = random
    this.#logger = logger
    this.#isClosed = isClosed
  }

  /** Runs `fn` on the first candidate that answers; rethrows the last error when none did. */
  async run<T>(known: Iterable<KnownBroker>, purpose: ConnectionPurpose, fn: (conn: Connection) => Promise<T>): Promise<T> {
    const candidates = this.#candidates(known)
    let lastError: unknown
    for (const target of candidates) {
      try {
        const conn = await this.#pool.get(target, purpose)
        const result = await fn(conn)
        if (target.nodeId !== undefined) this.#preferredNodeId = target.nodeId
        return result
      } catch (err) {
        if (!isRetriable(err) || this.#isClosed()) throw err
        lastError = err
        safeLog(this.#logger, 'debug', 'broker unavailable, trying the next one', {
          broker: formatBrokerAddress(target),
          error: err instanceof Error ? err.message : String(err),
        })
      }
    }
    const tried = candidates.map(formatBrokerAddress).join(', ')
    throw new ConnectionError(`no broker answered (tried ${tried}): ${lastError instanceof Error ? lastError.message : String(lastError)}`, {
      cause: lastError,
    })
  }

  #candidates(knownBrokers: Iterable<KnownBroker>): BrokerTarget[] {
    const known = [...knownBrokers]
    // Fisher-Yates with the injectable random source
    for (let i = known.length - 1; i > 0; i--) {
      const j = Math.floor(this.#random() * (i + 1))
      const tmp = known[i]!
      known[i] = known[j]!
      known[j] = tmp
    }
    const preferred = known.findIndex((b) => b.nodeId === this.#preferredNodeId)
    if (preferred > 0) known.unshift(...known.splice(preferred, 1))
    const out: BrokerTarget[] = known.map((b) => ({ host: b.host, port: b.port, nodeId: b.nodeId }))
    const seen = new Set(out.map(formatBrokerAddress))
    for (const address of this.#bootstrap) {
      const key = formatBrokerAddress(address)
      if (seen.has(key)) continue
      seen.add(key)
      out.push({ host: address.host, port: address.port })
    }
    return out
  }
}
