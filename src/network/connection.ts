// One broker connection: socket setup, ApiVersions negotiation, SASL (and KIP-368
// re-authentication), request framing, correlation ids, pipelining up to maxInFlightRequests,
// per-request timeouts, write backpressure and requests that expect no response (acks=0).
// Called by the cluster layer (connection pool). Invariants: responses arrive in request order,
// so a response whose correlation id is not the oldest in flight is a protocol violation that
// kills the connection; every request settles exactly once; a closed connection is never reused
// and rejects everything pending (ClosedError on close(), ConnectionError/cause otherwise).
// SASL and KIP-368 live in sasl-session.ts, the per-request record in pending-request.ts.
import type { Socket } from 'node:net'
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls'
import { ClosedError, ConnectionError, KafkaClientError, RequestTimeoutError } from '../errors.js'
import { type ApiDescriptor, decodeResponseFrame, encodeRequestFrame } from '../protocol/api.js'
import { type Clock, realClock } from '../util/clock.js'
import { Fifo } from '../util/fifo.js'
import { formatBrokerAddress } from './address.js'
import { FrameReader } from './frame-reader.js'
import { type Logger, NOOP_LOGGER, safeLog } from './logger.js'
import { type ApiVersionTable, type ApiWindow, negotiateApiVersions } from './negotiate.js'
import { PendingRequest, pickVersion, responseDecodeError } from './pending-request.js'
import type { SaslOptions } from './sasl/authenticate.js'
import { SaslSession } from './sasl-session.js'
import { openSocket } from './tls.js'

export interface ConnectionOptions {
  readonly host: string
  readonly port: number
  /** Broker node id when known (for messages and pool bookkeeping); -1 for bootstrap addresses. */
  readonly nodeId?: number
  readonly clientId?: string | null
  readonly tls?: TlsConnectionOptions | null
  readonly sasl?: SaslOptions | null
  /** Default per-request timeout; default 30000. */
  readonly requestTimeoutMs?: number
  /** TCP + TLS setup timeout; default 10000. */
  readonly connectTimeoutMs?: number
  /** Requests awaiting a response at once; more are queued locally. Default 5. */
  readonly maxInFlightRequests?: number
  readonly logger?: Logger
  readonly clock?: Clock
  /** Uniform [0, 1) source for the re-authentication jitter. */
  readonly random?: () => number
}

export interface SendOptions {
  /** Overrides requestTimeoutMs for this request (e.g. Fetch max wait, JoinGroup rebalance). */
  readonly timeoutMs?: number
  /** Use exactly this version instead of the negotiated one (must be inside both windows). */
  readonly version?: number
  /** Never use a version above this one (e.g. AddPartitionsToTxn: clients stop at v3). */
  readonly maxVersion?: number
}

export type ConnectionState = 'idle' | 'connecting' | 'ready' | 'closed'

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
const DEFAULT_MAX_IN_FLIGHT = 5
const MAX_CORRELATION_ID = 0x7fffffff
/** Responses may carry bytes after the body; see DecodeResponseOptions. */
const LENIENT = { allowTrailingBytes: true } as const

function noop(): void {}

export class Connection {
  readonly host: string
  readonly port: number
  readonly nodeId: number
  /** 'host:port' */
  readonly broker: string
  readonly #clientId: string | null
  readonly #tls: TlsConnectionOptions | null
  readonly #requestTimeoutMs: number
  readonly #connectTimeoutMs: number
  readonly #maxInFlight: number
  readonly #logger: Logger
  readonly #clock: Clock

  #state: ConnectionState = 'idle'
  #socket: Socket | null = null
  #connectPromise: Promise<void> | null = null
  #versions: ApiVersionTable | null = null
  #closeError: KafkaClientError | null = null
  #closeListeners: Array<(error: KafkaClientError) => void> = []
  #socketClosed: Promise<void> | null = null

  // request queues: internal (negotiation, SASL) first, then user requests once ready
  readonly #internal = new Fifo<PendingRequest>()
  readonly #queued = new Fifo<PendingRequest>()
  readonly #inFlight = new Fifo<PendingRequest>()
  /** written requests that expect no response, until the socket reports them flushed */
  readonly #unflushed = new Set<PendingRequest>()
  readonly #abortConnect = new AbortController()
  #outstanding = 0
  #nextCorrelationId = 0
  #writeBlocked = false
  /** SASL authentication and KIP-368 re-authentication; null without sasl */
  readonly #session: SaslSession | null
  #lastActivityMs: number

  /** response framing; a frame holds at least the 4-byte correlation id */
  readonly #frames = new FrameReader(4)

  constructor(options: ConnectionOptions) {
    this.host = options.host
    this.port = options.port
    this.nodeId = options.nodeId ?? -1
    this.broker = formatBrokerAddress(options)
    this.#clientId = options.clientId ?? null
    this.#tls = options.tls ?? null
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    this.#maxInFlight = Math.max(1, options.maxInFlightRequests ?? DEFAULT_MAX_IN_FLIGHT)
    this.#logger = options.logger ?? NOOP_LOGGER
    this.#clock = options.clock ?? realClock
    this.#lastActivityMs = this.#clock.now()
    const sasl = options.sasl ?? null
    this.#session =
      sasl === null
        ? null
        : new SaslSession(sasl, {
            broker: this.broker,
            clock: this.#clock,
            logger: this.#logger,
            random: options.random ?? Math.random,
            transport: {
              request: <Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, version?: number) =>
                this.#enqueue(
                  api as ApiDescriptor<unknown, unknown>,
                  body,
                  version === undefined ? undefined : { version },
                  true,
                  this.#internal,
                ) as Promise<Res>,
            },
            isReady: () => this.#state === 'ready',
            isClosed: () => this.#state === 'closed',
            inFlight: () => this.#inFlight.length,
            release: () => this.#pump(),
            fail: (error) => this.#destroy(error),
          })
  }

  get state(): ConnectionState {
    return this.#state
  }

  get closed(): boolean {
    return this.#state === 'closed'
  }

  /** Why the connection closed (null while open). */
  get closeError(): KafkaClientError | null {
    return this.#closeError
  }

  /** Requests sent or queued and not yet settled. */
  get outstanding(): number {
    return this.#outstanding
  }

  get inFlight(): number {
    return this.#inFlight.length
  }

  /** Clock time of the last write or response; the pool closes connections idle past connectionsMaxIdleMs. */
  get lastActivityMs(): number {
    return this.#lastActivityMs
  }

  /** The negotiated version table (null before ApiVersions completed). */
  get apiVersions(): ApiVersionTable | null {
    return this.#versions
  }

  /** KIP-368 session lifetime the broker granted (0 = no re-authentication required). */
  get sessionLifetimeMs(): number {
    return this.#session === null ? 0 : this.#session.sessionLifetimeMs
  }

  /** The version `api` will use on this connection. Throws UnsupportedVersionError / before connect. */
  versionFor(api: ApiWindow): number {
    if (this.#versions === null) throw new ConnectionError(`connection to ${this.broker} has not negotiated versions yet`)
    return this.#versions.versionFor(api)
  }

  /** Runs the close listener once, when the connection closes for any reason. */
  onClose(listener: (error: KafkaClientError) => void): void {
    if (this.#closeError !== null) listener(this.#closeError)
    else this.#closeListeners.push(listener)
  }

  /** Opens the socket, negotiates versions and authenticates. Idempotent. */
  connect(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(this.#closeError ?? new ClosedError())
    if (this.#connectPromise !== null) return this.#connectPromise
    this.#state = 'connecting'
    const promise = this.#doConnect()
    promise.catch(noop)
    this.#connectPromise = promise
    return promise
  }

  /** Sends a request and resolves with the decoded response body. Connects first if needed. */
  send<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options?: SendOptions): Promise<Res> {
    return this.#enqueue(api as ApiDescriptor<unknown, unknown>, body, options, true, this.#queued) as Promise<Res>
  }

  /**
   * Sends a request the broker will not answer (Produce with acks=0). Resolves once the bytes are
   * handed to the kernel; does not occupy an in-flight slot.
   */
  sendWithoutResponse<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options?: SendOptions): Promise<void> {
    return this.#enqueue(api as ApiDescriptor<unknown, unknown>, body, options, false, this.#queued) as Promise<void>
  }

  /** Closes the socket; everything pending is rejected with ClosedError. Resolves when the socket is gone. */
  close(): Promise<void> {
    this.#destroy(new ClosedError(`connection to ${this.broker} closed`))
    return this.#socketClosed ?? Promise.resolve()
  }

  // -------------------------------------------------------------------------------------------

  #enqueue(
    api: ApiDescriptor<unknown, unknown>,
    body: unknown,
    options: SendOptions | undefined,
    expectResponse: boolean,
    queue: Fifo<PendingRequest>,
    raw = false,
  ): Promise<unknown> {
    if (this.#state === 'closed') return Promise.reject(this.#closeError ?? new ClosedError())
    const timeoutMs = options?.timeoutMs ?? this.#requestTimeoutMs
    let pending: PendingRequest
    const promise = new Promise<unknown>((resolve, reject) => {
      pending = new PendingRequest(
        api,
        body,
        options?.version ?? -1,
        options?.maxVersion ?? Number.POSITIVE_INFINITY,
        expectResponse,
        raw,
        timeoutMs,
        resolve,
        reject,
      )
    })
    const p = pending!
    this.#outstanding++
    p.timer = this.#clock.setTimeout(() => this.#onTimeout(p), timeoutMs)
    queue.push(p)
    if (this.#state === 'idle') this.connect().catch(noop)
    else this.#pump()
    return promise
  }

  #settle(p: PendingRequest, error: unknown, value?: unknown): void {
    if (p.settled) return
    p.settled = true
    this.#outstanding--
    this.#clock.clearTimeout(p.timer)
    if (error === undefined) p.resolve(value)
    else p.reject(error)
  }

  #onTimeout(p: PendingRequest): void {
    if (p.settled) return
    const awaitingResponse = p.written && p.expectResponse
    this.#settle(
      p,
      new RequestTimeoutError(`${p.api.name} request to ${this.broker} timed out after ${p.timeoutMs} ms`),
    )
    // Its response may still come; the stream can no longer be trusted to line up, so reset.
    if (awaitingResponse) {
      this.#destroy(new ConnectionError(`connection to ${this.broker} reset after a ${p.api.name} request timed out`, { broker: this.broker }))
    }
  }

  async #doConnect(): Promise<void> {
    try {
      const socket = await openSocket({
        host: this.host,
        port: this.port,
        tls: this.#tls,
        timeoutMs: this.#connectTimeoutMs,
        clock: this.#clock,
        signal: this.#abortConnect.signal,
      })
      if (this.#state === 'closed') {
        socket.destroy()
        throw this.#closeError ?? new ClosedError()
      }
      this.#attach(socket)
      this.#versions = await negotiateApiVersions({
        requestFrame: (api, version, body) =>
          this.#enqueue(api as ApiDescriptor<unknown, unknown>, body, { version }, true, this.#internal, true) as Promise<Buffer>,
      })
      if (this.#session !== null) await this.#session.authenticate()
      if (this.#state !== 'connecting') throw this.#closeError ?? new ClosedError()
      this.#state = 'ready'
      safeLog(this.#logger, 'debug', 'connected', { broker: this.broker, nodeId: this.nodeId })
      this.#pump()
    } catch (err) {
      const error =
        err instanceof KafkaClientError
          ? err
          : new ConnectionError(`connection to ${this.broker} failed: ${(err as Error)?.message}`, { broker: this.broker, cause: err })
      this.#destroy(error)
      throw this.#closeError ?? error
    }
  }

  #attach(socket: Socket): void {
    this.#socket = socket
    this.#socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('drain', () => {
      this.#writeBlocked = false
      this.#pump()
    })
    socket.on('error', (err: Error) =>
      this.#destroy(new ConnectionError(`connection to ${this.broker} failed: ${err.message}`, { broker: this.broker, cause: err })),
    )
    socket.on('close', () => this.#destroy(new ConnectionError(`connection to ${this.broker} closed by the broker`, { broker: this.broker })))
  }

  #pump(): void {
    const socket = this.#socket
    if (socket === null || this.#writeBlocked || this.#state === 'closed') return
    for (;;) {
      let queue: Fifo<PendingRequest>
      if (!this.#internal.isEmpty()) queue = this.#internal
      else if (this.#state === 'ready' && (this.#session === null || !this.#session.holding)) queue = this.#queued
      else return
      const p = queue.peek()
      if (p === undefined) return
      if (p.settled) {
        queue.shift()
        continue
      }
      if (p.expectResponse && this.#inFlight.length >= this.#maxInFlight) return
      queue.shift()
      let frame: Buffer
      try {
        pickVersion(p, this.#versions)
        p.correlationId = this.#nextCorrelationId
        this.#nextCorrelationId = this.#nextCorrelationId === MAX_CORRELATION_ID ? 0 : this.#nextCorrelationId + 1
        frame = encodeRequestFrame(p.api, p.version, p.correlationId, this.#clientId, p.body)
      } catch (err) {
        this.#settle(p, err)
        continue
      }
      p.written = true
      this.#lastActivityMs = this.#clock.now()
      let flushed: boolean
      if (p.expectResponse) {
        this.#inFlight.push(p)
        flushed = socket.write(frame)
      } else {
        this.#unflushed.add(p)
        flushed = socket.write(frame, (err) => {
          this.#unflushed.delete(p)
          if (err) this.#settle(p, new ConnectionError(`write to ${this.broker} failed: ${err.message}`, { broker: this.broker, cause: err }))
          else this.#settle(p, undefined, undefined)
        })
      }
      if (!flushed) {
        this.#writeBlocked = true
        return
      }
    }
  }

  #onData(chunk: Buffer): void {
    this.#frames.push(chunk)
    while (this.#state !== 'closed') {
      let frame: Buffer | null
      try {
        frame = this.#frames.next()
      } catch (err) {
        this.#destroy(new ConnectionError(`broker ${this.broker} sent an ${(err as Error).message}`, { broker: this.broker }))
        return
      }
      if (frame === null) return
      this.#onFrame(frame)
    }
  }

  #onFrame(frame: Buffer): void {
    this.#lastActivityMs = this.#clock.now()
    const correlationId = frame.readInt32BE(0)
    const p = this.#inFlight.peek()
    if (p === undefined || p.correlationId !== correlationId) {
      const expected = p === undefined ? 'none in flight' : `expected ${p.correlationId}`
      this.#destroy(
        new ConnectionError(`broker ${this.broker} answered correlation id ${correlationId} (${expected})`, { broker: this.broker }),
      )
      return
    }
    this.#inFlight.shift()
    if (p.raw) this.#settle(p, undefined, frame)
    else {
      try {
        this.#settle(p, undefined, decodeResponseFrame(p.api, p.version, frame, LENIENT).body)
      } catch (err) {
        // The frame boundary is intact, so the connection survives one undecodable body.
        this.#settle(p, responseDecodeError(p, err))
      }
    }
    if (this.#session !== null && this.#inFlight.isEmpty()) this.#session.drained()
    this.#pump()
  }

  #destroy(error: KafkaClientError): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    this.#closeError = error
    this.#session?.cancelReauthentication()
    this.#socket?.destroy()
    this.#frames.reset()
    this.#abortConnect.abort()
    for (const queue of [this.#inFlight, this.#internal, this.#queued]) {
      for (const p of queue.drain()) this.#settle(p, error)
    }
    for (const p of this.#unflushed) this.#settle(p, error)
    this.#unflushed.clear()
    this.#session?.drained()
    if (!(error instanceof ClosedError)) {
      safeLog(this.#logger, 'debug', 'connection closed', { broker: this.broker, nodeId: this.nodeId, error: error.message })
    }
    const listeners = this.#closeListeners
    this.#closeListeners = []
    for (const listener of listeners) {
      try {
        listener(error)
      } catch (err) {
        safeLog(this.#logger, 'error', 'connection close listener threw', { broker: this.broker, error: String(err) })
      }
    }
  }
}
