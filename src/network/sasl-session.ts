// The SASL session of one Connection: the first authentication after ApiVersions and KIP-368
// re-authentication (a timer at 85-95% of the granted session lifetime; new requests are held
// while in-flight ones drain, then the handshake runs again). Owned by connection.ts, which sends
// its requests ahead of user requests. Invariants: at most one re-authentication timer; a failed
// re-authentication kills the connection; drain waiters are released when nothing is in flight.
import { ConnectionError } from '../errors.js'
import type { Clock, TimerHandle } from '../util/clock.js'
import { type Logger, safeLog } from './logger.js'
import { createSaslMechanism, type SaslOptions, type SaslTransport, saslAuthenticate } from './sasl/authenticate.js'

export interface SaslSessionHost {
  /** 'host:port' */
  readonly broker: string
  readonly clock: Clock
  readonly logger: Logger
  /** Uniform [0, 1) source for the re-authentication jitter. */
  readonly random: () => number
  /** sends on the connection's internal queue (before user requests) */
  readonly transport: SaslTransport
  readonly isReady: () => boolean
  readonly isClosed: () => boolean
  /** requests awaiting a response */
  readonly inFlight: () => number
  /** re-authenticated: held user requests may go out */
  readonly release: () => void
  /** re-authentication failed: close the connection with this error */
  readonly fail: (error: ConnectionError) => void
}

function noop(): void {}

export class SaslSession {
  readonly #sasl: SaslOptions
  readonly #host: SaslSessionHost
  /** true while re-authenticating: user requests stay queued */
  holding = false
  /** KIP-368 session lifetime the broker granted (0 = no re-authentication required). */
  sessionLifetimeMs = 0
  #drainWaiters: Array<() => void> = []
  #reauthTimer: TimerHandle | undefined = undefined

  constructor(sasl: SaslOptions, host: SaslSessionHost) {
    this.#sasl = sasl
    this.#host = host
  }

  /** Runs the SASL handshake and, when the broker grants a lifetime, schedules re-authentication. */
  async authenticate(): Promise<void> {
    const sasl = this.#sasl
    const result = await saslAuthenticate(this.#host.transport, createSaslMechanism(sasl))
    this.sessionLifetimeMs = result.sessionLifetimeMs
    if (result.sessionLifetimeMs > 0 && !this.#host.isClosed()) {
      // Java re-authenticates at a random point between 85% and 95% of the session lifetime.
      const delayMs = Math.floor(result.sessionLifetimeMs * (0.85 + 0.1 * this.#host.random()))
      this.#host.clock.clearTimeout(this.#reauthTimer)
      this.#reauthTimer = this.#host.clock.setTimeout(() => {
        this.#reauthTimer = undefined
        this.#reauthenticate().catch(noop)
      }, delayMs)
    }
  }

  /** Nothing is in flight any more (or the connection closed): wakes a waiting re-authentication. */
  drained(): void {
    if (this.#drainWaiters.length === 0) return
    const waiters = this.#drainWaiters
    this.#drainWaiters = []
    for (const w of waiters) w()
  }

  /** The connection closed: no re-authentication will start. */
  cancelReauthentication(): void {
    this.#host.clock.clearTimeout(this.#reauthTimer)
    this.#reauthTimer = undefined
  }

  /** KIP-368: hold new requests, let in-flight ones finish, authenticate again, release. */
  async #reauthenticate(): Promise<void> {
    const host = this.#host
    if (!host.isReady()) return
    this.holding = true
    try {
      if (host.inFlight() > 0) await new Promise<void>((resolve) => this.#drainWaiters.push(resolve))
      if (!host.isReady()) return
      await this.authenticate()
      safeLog(host.logger, 'debug', 're-authenticated', { broker: host.broker })
      this.holding = false
      host.release()
    } catch (err) {
      host.fail(
        new ConnectionError(`re-authentication with ${host.broker} failed: ${(err as Error)?.message}`, { broker: host.broker, cause: err }),
      )
    }
  }
}
