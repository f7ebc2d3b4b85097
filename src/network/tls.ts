// Opens the TCP or TLS socket of a broker connection, bounded by a setup timeout.
// Called by connection.ts only. Invariants: resolves with a connected (and, for TLS, handshaken)
// socket or rejects with a ConnectionError; on rejection no socket or timer is left behind.
// SNI is sent for host names, never for IP literals (RFC 6066 forbids it).
import { isIP, type Socket, connect as netConnect } from 'node:net'
import { type ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from 'node:tls'
import { ConnectionError } from '../errors.js'
import { type Clock, realClock } from '../util/clock.js'

export interface OpenSocketOptions {
  readonly host: string
  readonly port: number
  /** null or undefined: plaintext */
  readonly tls?: TlsConnectionOptions | null
  readonly timeoutMs: number
  readonly clock?: Clock
  /** Aborting destroys the half-open socket and rejects with ConnectionError. */
  readonly signal?: AbortSignal
}

export function openSocket(options: OpenSocketOptions): Promise<Socket> {
  const { host, port, tls } = options
  const clock = options.clock ?? realClock
  const broker = `${host}:${port}`
  return new Promise<Socket>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new ConnectionError(`connecting to ${broker} was cancelled`, { broker }))
      return
    }
    let socket: Socket
    const readyEvent = tls ? 'secureConnect' : 'connect'
    try {
      socket = tls
        ? tlsConnect({ ...tls, host, port, servername: tls.servername ?? (isIP(host) === 0 ? host : undefined) })
        : netConnect({ host, port })
    } catch (err) {
      reject(new ConnectionError(`cannot connect to ${broker}: ${(err as Error).message}`, { broker, cause: err }))
      return
    }
    const cleanup = () => {
      clock.clearTimeout(timer)
      socket.removeListener(readyEvent, onReady)
      socket.removeListener('error', onError)
      socket.removeListener('close', onClose)
      options.signal?.removeEventListener('abort', onAbort)
    }
    const fail = (message: string, cause?: unknown) => {
      cleanup()
      socket.destroy()
      reject(new ConnectionError(message, { broker, cause }))
    }
    const onReady = () => {
      cleanup()
      socket.setNoDelay(true)
      socket.setKeepAlive(true)
      resolve(socket)
    }
    const onError = (err: Error) => fail(`cannot connect to ${broker}: ${err.message}`, err)
    const onClose = () => fail(`connection to ${broker} closed during setup`)
    const onAbort = () => fail(`connecting to ${broker} was cancelled`)
    const timer = clock.setTimeout(
      () => fail(`connecting to ${broker} timed out after ${options.timeoutMs} ms`),
      options.timeoutMs,
    )
    socket.once(readyEvent, onReady)
    socket.once('error', onError)
    socket.once('close', onClose)
    options.signal?.addEventListener('abort', onAbort, { once: true })
  })
}
