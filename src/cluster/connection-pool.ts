// Broker connections per (broker address, purpose), so a long Fetch or JoinGroup never sits in
// front of a Produce on the same socket. Lifecycle (create, validate, destroy, drain) runs on
// generic-pool, one pool of at most one Connection per key; the Connection is shared by all
// callers (it pipelines requests itself), so a borrow is released at once. Called by
// metadata-cache, coordinator, cluster and the producer/consumer/admin layers. Invariants: a
// closed Connection is never handed out again; idle connections close after connectionsMaxIdleMs.
import { createPool, type Pool } from 'generic-pool'
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls'
import { ClosedError } from '../errors.js'
import { type BrokerAddress, formatBrokerAddress } from '../network/address.js'
import { Connection, type ConnectionOptions, type SendOptions } from '../network/connection.js'
import { type Logger, NOOP_LOGGER, safeLog } from '../network/logger.js'
import type { SaslOptions } from '../network/sasl/authenticate.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { type Clock, realClock, type TimerHandle } from '../util/clock.js'

export type ConnectionPurpose = 'produce' | 'fetch' | 'group' | 'admin' | 'metadata'

export const CONNECTION_PURPOSES: readonly ConnectionPurpose[] = ['produce', 'fetch', 'group', 'admin', 'metadata']

/** An address, with the broker's node id when known (bootstrap addresses have none). */
export interface BrokerTarget extends BrokerAddress {
  readonly nodeId?: number
}

export interface ConnectionPoolOptions {
  readonly clientId: string
  readonly tls?: TlsConnectionOptions | null
  readonly sasl?: SaslOptions | null
  readonly requestTimeoutMs: number
  /** Java socket.connection.setup.timeout.ms */
  readonly socketConnectionSetupTimeoutMs: number
  readonly connectionsMaxIdleMs: number
  /** Pipelining bound per connection, per purpose; default 5 (produce callers pass their own). */
  readonly maxInFlightRequests?: Partial<Record<ConnectionPurpose, number>>
  readonly logger?: Logger
  readonly clock?: Clock
  /** Test hook: build the Connection (default `new Connection(options)`). */
  readonly createConnection?: (options: ConnectionOptions) => Connection
}

interface Slot {
  readonly pool: Pool<Connection>
  /** the current shared connection, once created */
  current: Connection | null
  /** the borrow in progress, shared by concurrent callers */
  obtaining: Promise<Connection> | null
  /** send() callers waiting on `obtaining`; while > 0 later callers queue behind them */
  waiting: number
}

export class ConnectionPool {
  readonly #options: ConnectionPoolOptions
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #slots = new Map<string, Slot>()
  #idleTimer: TimerHandle | undefined = undefined
  #closed = false

  constructor(options: ConnectionPoolOptions) {
    this.#options = options
    this.#clock = options.clock ?? realClock
    this.#logger = options.logger ?? NOOP_LOGGER
  }

  get closed(): boolean {
    return this.#closed
  }

  /**
   * A connected, negotiated (and authenticated) connection to `broker` for `purpose`. Shared by
   * every caller of the same key: send on it, never close it (the pool does).
   */
  async get(broker: BrokerTarget, purpose: ConnectionPurpose): Promise<Connection> {
    const slot = this.#slot(broker, purpose)
    const current = slot.current
    if (current !== null && current.state === 'ready') return current
    const conn = current !== null && !current.closed ? current : await this.#obtain(slot)
    await conn.connect()
    return conn
  }

  /**
   * Sends on the (broker, purpose) connection, connecting first if needed. Requests to one key
   * are written in call order, also while the connection is being (re)created.
   */
  send<Req, Res>(
    broker: BrokerTarget,
    purpose: ConnectionPurpose,
    api: ApiDescriptor<Req, Res>,
    body: Req,
    options?: SendOptions,
  ): Promise<Res> {
    return this.#dispatch(broker, purpose, (conn) => conn.send(api, body, options))
  }

  /** send() for requests without a response (Produce acks=0); same ordering guarantee. */
  sendWithoutResponse<Req, Res>(
    broker: BrokerTarget,
    purpose: ConnectionPurpose,
    api: ApiDescriptor<Req, Res>,
    body: Req,
    options?: SendOptions,
  ): Promise<void> {
    return this.#dispatch(broker, purpose, (conn) => conn.sendWithoutResponse(api, body, options))
  }

  #dispatch<T>(broker: BrokerTarget, purpose: ConnectionPurpose, enqueue: (conn: Connection) => Promise<T>): Promise<T> {
    let slot: Slot
    try {
      slot = this.#slot(broker, purpose)
    } catch (err) {
      return Promise.reject(err)
    }
    const current = slot.current
    // Fast path: enqueue synchronously, unless earlier callers still wait for the connection.
    if (slot.waiting === 0 && current !== null && !current.closed) return enqueue(current)
    slot.waiting++
    return this.#obtain(slot).then(
      (conn) => {
        slot.waiting--
        return enqueue(conn)
      },
      (err: unknown) => {
        slot.waiting--
        throw err
      },
    )
  }

  #slot(broker: BrokerTarget, purpose: ConnectionPurpose): Slot {
    if (this.#closed) throw new ClosedError('connection pool closed')
    const key = `${purpose} ${formatBrokerAddress(broker)}`
    let slot = this.#slots.get(key)
    if (slot === undefined) {
      slot = this.#createSlot(broker, purpose)
      this.#slots.set(key, slot)
    }
    return slot
  }

  /**
   * The slot's connection, borrowed and released at once (callers share it; it pipelines).
   * Concurrent callers share one borrow, so their continuations run in call order. Does not
   * wait for the connection to be ready: Connection queues requests until it is.
   */
  #obtain(slot: Slot): Promise<Connection> {
    if (slot.obtaining !== null) return slot.obtaining
    const obtaining = (async () => {
      let conn: Connection
      try {
        conn = await slot.pool.acquire()
      } catch (err) {
        throw this.#closed ? new ClosedError('connection pool closed') : err
      }
      await slot.pool.release(conn)
      slot.current = conn
      return conn
    })().finally(() => {
      slot.obtaining = null
    })
    slot.obtaining = obtaining
    return obtaining
  }

  /** The live connections (for diagnostics and tests). */
  connections(): Array<{ key: string; connection: Connection }> {
    const out: Array<{ key: string; connection: Connection }> = []
    for (const [key, slot] of this.#slots) {
      if (slot.current !== null && !slot.current.closed) out.push({ key, connection: slot.current })
    }
    return out
  }

  /** Closes every connection to one broker (e.g. it left the cluster). */
  async closeBroker(broker: BrokerAddress): Promise<void> {
    const suffix = ` ${formatBrokerAddress(broker)}`
    const closing: Promise<void>[] = []
    for (const [key, slot] of this.#slots) {
      if (!key.endsWith(suffix)) continue
      this.#slots.delete(key)
      closing.push(this.#shutdown(slot))
    }
    await Promise.all(closing)
  }

  /** Closes everything; pending requests fail with ClosedError. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    this.#clock.clearTimeout(this.#idleTimer)
    this.#idleTimer = undefined
    const slots = [...this.#slots.values()]
    this.#slots.clear()
    await Promise.all(slots.map((slot) => this.#shutdown(slot)))
  }

  async #shutdown(slot: Slot): Promise<void> {
    slot.current = null
    await slot.pool.drain()
    await slot.pool.clear()
  }

  #createSlot(broker: BrokerTarget, purpose: ConnectionPurpose): Slot {
    const options = this.#options
    const connectionOptions: ConnectionOptions = {
      host: broker.host,
      port: broker.port,
      nodeId: broker.nodeId ?? -1,
      clientId: options.clientId,
      tls: options.tls ?? null,
      sasl: options.sasl ?? null,
      requestTimeoutMs: options.requestTimeoutMs,
      connectTimeoutMs: options.socketConnectionSetupTimeoutMs,
      ...(options.maxInFlightRequests?.[purpose] === undefined ? {} : { maxInFlightRequests: options.maxInFlightRequests[purpose] }),
      logger: this.#logger,
      clock: this.#clock,
    }
    const make = options.createConnection ?? ((o: ConnectionOptions) => new Connection(o))
    const pool = createPool<Connection>(
      {
        // Creating never fails (connecting happens in get()): generic-pool would otherwise retry
        // a failing create in a tight loop while the caller waits.
        create: async () => {
          const conn = make(connectionOptions)
          this.#armIdleTimer()
          return conn
        },
        destroy: (conn) => conn.close(),
        validate: async (conn) => !conn.closed,
      },
      { max: 1, min: 0, testOnBorrow: true, autostart: false },
    )
    return { pool, current: null, obtaining: null, waiting: 0 }
  }

  #armIdleTimer(): void {
    if (this.#idleTimer !== undefined || this.#closed) return
    const periodMs = Math.max(1, Math.min(this.#options.connectionsMaxIdleMs, 60_000))
    this.#idleTimer = this.#clock.setTimeout(() => {
      this.#idleTimer = undefined
      this.#closeIdle()
      if (this.connections().length > 0) this.#armIdleTimer()
    }, periodMs)
  }

  /** Closes connections with nothing outstanding and no traffic for connectionsMaxIdleMs. */
  #closeIdle(): void {
    const now = this.#clock.now()
    for (const [key, slot] of this.#slots) {
      const conn = slot.current
      if (conn === null || conn.closed || conn.outstanding > 0) continue
      if (now - conn.lastActivityMs < this.#options.connectionsMaxIdleMs) continue
      safeLog(this.#logger, 'debug', 'closing idle connection', { key })
      slot.current = null
      // The pool replaces it on the next borrow (validate fails for a closed connection).
      conn.close().catch(() => {})
    }
  }
}
