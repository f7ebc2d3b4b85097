// A tiny Kafka-protocol server for network/cluster unit tests: frames requests off a loopback
// socket, decodes them with our codec, answers ApiVersions from our own windows (unless told
// otherwise) and hands everything else to the test's handler, which may answer, hold, send raw
// bytes or close. Not the reference broker: it models nothing, tests script it.
import { createServer as createNetServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type TlsOptions } from 'node:tls'
import { type ApiDescriptor, decodeRequestFrame, decodeRequestHeader, encodeResponseFrame } from '../../../src/protocol/api.js'
import { type ApiVersionsResponse, ApiVersionsApi } from '../../../src/protocol/generated/api-versions.js'
import { API_BY_KEY } from '../../../src/protocol/generated/index.js'

export interface ReceivedRequest {
  readonly apiKey: number
  readonly apiVersion: number
  readonly correlationId: number
  readonly clientId: string | null
  /** undefined when the body could not be decoded (e.g. an unknown version) */
  readonly body: unknown
  readonly api: ApiDescriptor<unknown, unknown> | undefined
  readonly peer: FakePeer
}

export class FakePeer {
  readonly socket: Socket
  #chunks: Buffer[] = []
  #buffered = 0
  constructor(
    socket: Socket,
    readonly server: FakeServer,
  ) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', () => {})
  }

  /** Answers `request` with `body` at the request's version. */
  respond(request: ReceivedRequest, body: unknown, version = request.apiVersion): void {
    const api = request.api ?? API_BY_KEY.get(request.apiKey)
    if (api === undefined) throw new Error(`no api ${request.apiKey}`)
    this.write(encodeResponseFrame(api, version, request.correlationId, body))
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes)
  }

  close(): void {
    this.socket.destroy()
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    for (;;) {
      if (this.#buffered < 4) return
      if (this.#chunks[0]!.length < 4) this.#chunks = [Buffer.concat(this.#chunks)]
      const size = this.#chunks[0]!.readInt32BE(0)
      if (this.#buffered < 4 + size) return
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks)
      const frame = all.subarray(4, 4 + size)
      const rest = all.subarray(4 + size)
      this.#chunks = rest.length > 0 ? [rest] : []
      this.#buffered = rest.length
      this.server.dispatch(frame, this)
    }
  }
}

export type Handler = (request: ReceivedRequest, peer: FakePeer) => void

export interface FakeServerOptions {
  /** Answers every request except ApiVersions (unless `apiVersions` is null). */
  readonly handler?: Handler
  /** Ranges advertised in ApiVersions; default: every API at our window. null = pass ApiVersions to the handler. */
  readonly apiVersions?: ReadonlyArray<{ apiKey: number; minVersion: number; maxVersion: number }> | null
  readonly tls?: TlsOptions
}

export function ourApiRanges(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
  return [...API_BY_KEY.values()].map((api) => ({ apiKey: api.apiKey, minVersion: api.minVersion, maxVersion: api.maxVersion }))
}

export class FakeServer {
  readonly received: ReceivedRequest[] = []
  readonly peers: FakePeer[] = []
  handler: Handler
  #server: Server
  #options: FakeServerOptions
  #waiters: Array<{ count: number; resolve: () => void }> = []
  #peerWaiters: Array<() => void> = []

  private constructor(server: Server, options: FakeServerOptions) {
    this.#server = server
    this.#options = options
    this.handler = options.handler ?? (() => {})
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    let fake: FakeServer | undefined
    const onSocket = (socket: Socket) => {
      const peer = new FakePeer(socket, fake!)
      fake!.peers.push(peer)
      for (const w of fake!.#peerWaiters.splice(0)) w()
    }
    const server = options.tls
      ? createTlsServer(options.tls, onSocket)
      : createNetServer(onSocket)
    fake = new FakeServer(server, options)
    server.on('tlsClientError', () => {})
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return fake
  }

  get port(): number {
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('not listening')
    return address.port
  }

  /** Requests other than ApiVersions answered automatically. */
  get requests(): ReceivedRequest[] {
    return this.received.filter((r) => r.apiKey !== 18 || this.#options.apiVersions === null)
  }

  dispatch(frame: Buffer, peer: FakePeer): void {
    const header = decodeRequestHeader(frame)
    let body: unknown
    let api: ApiDescriptor<unknown, unknown> | undefined
    try {
      const decoded = decodeRequestFrame(frame)
      body = decoded.body
      api = decoded.api
    } catch {
      api = API_BY_KEY.get(header.apiKey)
    }
    const request: ReceivedRequest = { ...header, body, api, peer }
    this.received.push(request)
    for (const w of this.#waiters.slice()) {
      if (this.requests.length >= w.count) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1)
        w.resolve()
      }
    }
    if (header.apiKey === 18 && this.#options.apiVersions !== null) {
      const response: ApiVersionsResponse = { errorCode: 0, apiKeys: [...(this.#options.apiVersions ?? ourApiRanges())], throttleTimeMs: 0 }
      peer.respond(request, response, Math.min(header.apiVersion, ApiVersionsApi.maxVersion))
      return
    }
    this.handler(request, peer)
  }

  /** Resolves once `count` handler-visible requests have arrived. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ count, resolve }))
  }

  /** Resolves once `count` client connections have been accepted. */
  async waitForPeers(count: number): Promise<void> {
    while (this.peers.length < count) await new Promise<void>((resolve) => this.#peerWaiters.push(resolve))
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.close()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
