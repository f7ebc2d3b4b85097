// Connection: framing, correlation ids, pipelining bound, timeouts, backpressure, acks=0,
// close semantics — against a scripted fake server on 127.0.0.1 with a manual clock.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import {
  ClosedError,
  ConnectionError,
  ProtocolDecodeError,
  RequestTimeoutError,
  UnsupportedVersionError,
} from '../../../src/errors.js'
import { Connection, type ConnectionOptions } from '../../../src/network/connection.js'
import { encodeResponseFrame } from '../../../src/protocol/api.js'
import { type MetadataResponse, MetadataApi } from '../../../src/protocol/generated/metadata.js'
import { ProduceApi } from '../../../src/protocol/generated/produce.js'
import { ManualClock } from '../../../src/util/clock.js'
import { FakeServer, type ReceivedRequest } from './fake-server.js'

const EMPTY_METADATA: MetadataResponse = { brokers: [], topics: [], clusterId: 'c', controllerId: 1, throttleTimeMs: 0 }

function metadataResponse(marker: number): MetadataResponse {
  return { ...EMPTY_METADATA, controllerId: marker }
}

const metadataRequest = (n = 0) => ({ topics: [{ name: `t${n}` }], allowAutoTopicCreation: false })

let cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function setup(
  handler: FakeServer['handler'],
  options: Partial<ConnectionOptions> = {},
  serverOptions: Parameters<typeof FakeServer.start>[0] = {},
): Promise<{ server: FakeServer; conn: Connection; clock: ManualClock }> {
  const server = await FakeServer.start({ handler, ...serverOptions })
  const clock = new ManualClock()
  const conn = new Connection({ host: '127.0.0.1', port: server.port, clientId: 'test', clock, ...options })
  cleanups.push(() => server.close(), () => conn.close())
  return { server, conn, clock }
}

/** Answers Metadata with controllerId = the topic number, so a test can tell responses apart. */
function echo(request: ReceivedRequest): void {
  const body = request.body as { topics: Array<{ name: string }> }
  request.peer.respond(request, metadataResponse(Number(body.topics[0]?.name.slice(1))))
}

describe('Connection', () => {
  it('negotiates, then sends and decodes a request (connecting lazily)', async () => {
    const { server, conn } = await setup(echo)
    const res = await conn.send(MetadataApi, metadataRequest(7))
    assert.equal(res.controllerId, 7)
    assert.equal(conn.state, 'ready')
    assert.equal(conn.versionFor(MetadataApi), MetadataApi.maxVersion)
    const req = server.requests[0]!
    assert.equal(req.apiVersion, MetadataApi.maxVersion)
    assert.equal(req.clientId, 'test')
    assert.equal(server.received[0]!.apiKey, 18)
    assert.equal(conn.outstanding, 0)
  })

  it('pipelines at most maxInFlightRequests and matches responses in order', async () => {
    let replied = 0
    let maxOutstanding = 0
    const held: ReceivedRequest[] = []
    const { server, conn } = await setup(
      (request) => {
        held.push(request)
        const outstanding = server.requests.length - replied
        maxOutstanding = Math.max(maxOutstanding, outstanding)
        if (outstanding >= 2 || server.requests.length === 6) {
          while (held.length > 0) {
            replied++
            echo(held.shift()!)
          }
        }
      },
      { maxInFlightRequests: 2 },
    )
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => conn.send(MetadataApi, metadataRequest(n))))
    assert.deepEqual(
      results.map((r) => r.controllerId),
      [0, 1, 2, 3, 4, 5],
    )
    assert.equal(maxOutstanding, 2)
    const ids = server.requests.map((r) => r.correlationId)
    assert.equal(new Set(ids).size, 6)
  })

  it('fails the connection on an out-of-order or unknown correlation id', async () => {
    const { server, conn } = await setup((request) => {
      if (server.requests.length === 2) {
        // answer the second request first
        echo(request)
      }
    })
    const a = conn.send(MetadataApi, metadataRequest(1))
    const b = conn.send(MetadataApi, metadataRequest(2))
    await assert.rejects(a, (e: unknown) => e instanceof ConnectionError && /correlation id/.test(e.message))
    await assert.rejects(b, ConnectionError)
    assert.equal(conn.state, 'closed')
    await assert.rejects(conn.send(MetadataApi, metadataRequest(3)), ConnectionError)

    const second = await setup((request) => {
      request.peer.write(encodeResponseFrame(MetadataApi, request.apiVersion, 99999, EMPTY_METADATA))
    })
    await assert.rejects(second.conn.send(MetadataApi, metadataRequest(1)), /correlation id 99999/)
  })

  it('times out only the late request, then resets the connection', async () => {
    const { server, conn, clock } = await setup(() => {})
    await conn.connect()
    const slow = conn.send(MetadataApi, metadataRequest(1), { timeoutMs: 100 })
    const other = conn.send(MetadataApi, metadataRequest(2), { timeoutMs: 1000 })
    await server.waitForRequests(2)
    clock.advance(100)
    await assert.rejects(slow, (e: unknown) => e instanceof RequestTimeoutError && /Metadata request .* 100 ms/.test(e.message))
    await assert.rejects(other, (e: unknown) => e instanceof ConnectionError && /reset after a Metadata request timed out/.test(e.message))
    assert.equal(conn.state, 'closed')
    assert.equal(clock.pendingTimers, 0)
  })

  it('times out a request still queued without resetting the connection', async () => {
    const held: ReceivedRequest[] = []
    const { server, conn, clock } = await setup((r) => held.push(r), { maxInFlightRequests: 1 })
    await conn.connect()
    const first = conn.send(MetadataApi, metadataRequest(1), { timeoutMs: 1000 })
    const queued = conn.send(MetadataApi, metadataRequest(2), { timeoutMs: 10 })
    await server.waitForRequests(1)
    clock.advance(10)
    await assert.rejects(queued, RequestTimeoutError)
    assert.equal(conn.state, 'ready')
    echo(held.shift()!)
    assert.equal((await first).controllerId, 1)
    // the timed-out request never reached the broker
    server.handler = echo
    assert.equal((await conn.send(MetadataApi, metadataRequest(3))).controllerId, 3)
    assert.deepEqual(
      server.requests.map((r) => (r.body as { topics: Array<{ name: string }> }).topics[0]!.name),
      ['t1', 't3'],
    )
  })

  it('rejects every pending request when the broker closes mid-request', async () => {
    const { server, conn } = await setup((request, peer) => {
      if (server.requests.length === 2) peer.close()
      void request
    })
    const closed = new Promise<unknown>((resolve) => conn.onClose(resolve))
    const a = conn.send(MetadataApi, metadataRequest(1))
    const b = conn.send(MetadataApi, metadataRequest(2))
    await assert.rejects(a, (e: unknown) => e instanceof ConnectionError && /closed by the broker/.test(e.message))
    await assert.rejects(b, ConnectionError)
    assert.ok((await closed) instanceof ConnectionError)
    assert.equal(conn.outstanding, 0)
  })

  it('close() rejects pending and later requests with ClosedError', async () => {
    const { server, conn } = await setup(() => {})
    const pending = conn.send(MetadataApi, metadataRequest(1))
    await server.waitForRequests(1)
    const rejected = assert.rejects(pending, ClosedError)
    await conn.close()
    await rejected
    await assert.rejects(conn.send(MetadataApi, metadataRequest(2)), ClosedError)
    await assert.rejects(conn.connect(), ClosedError)
    assert.ok(conn.closeError instanceof ClosedError)
    await conn.close() // idempotent
  })

  it('close() while connecting settles the queued request', async () => {
    const { conn } = await setup(echo)
    const pending = conn.send(MetadataApi, metadataRequest(1))
    const closing = conn.close()
    await assert.rejects(pending, ClosedError)
    await closing
  })

  it('sends acks=0 requests without waiting for a response and keeps correlation aligned', async () => {
    const { server, conn } = await setup((request) => {
      if (request.apiKey === MetadataApi.apiKey) echo(request)
    })
    const produce = { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [] }
    await conn.sendWithoutResponse(ProduceApi, produce)
    assert.equal(conn.inFlight, 0)
    const md = await conn.send(MetadataApi, metadataRequest(4))
    assert.equal(md.controllerId, 4)
    assert.deepEqual(
      server.requests.map((r) => r.apiKey),
      [0, 3],
    )
    assert.equal(server.requests[0]!.correlationId + 1, server.requests[1]!.correlationId)
  })

  it('stops writing while the socket is backed up and resumes on drain', async () => {
    const { server, conn } = await setup((request) => {
      request.peer.respond(request, { responses: [], throttleTimeMs: 0 })
    })
    await conn.connect()
    // the broker stops reading, so the kernel buffers fill up
    server.peers[0]!.socket.pause()
    const big = Buffer.alloc(16 * 1024 * 1024, 1)
    const produce = {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: big }] }],
    }
    const sends = [1, 2, 3].map(() => conn.send(ProduceApi, produce))
    // the first write filled the socket buffer: the others wait for 'drain', not for a slot
    assert.equal(conn.inFlight, 1)
    server.peers[0]!.socket.resume()
    await Promise.all(sends)
    assert.equal(server.requests.length, 3)
  })

  it('rejects an undecodable response without losing the connection', async () => {
    const { conn } = await setup((request, peer) => {
      if ((request.body as { topics: Array<{ name: string }> }).topics[0]!.name === 't1') {
        const frame = Buffer.alloc(4 + 4 + 1)
        frame.writeInt32BE(5, 0)
        frame.writeInt32BE(request.correlationId, 4)
        peer.write(frame)
      } else echo(request)
    })
    await assert.rejects(conn.send(MetadataApi, metadataRequest(1)), ProtocolDecodeError)
    assert.equal((await conn.send(MetadataApi, metadataRequest(2))).controllerId, 2)
  })

  it('fails the connection on a negative frame size', async () => {
    const { conn } = await setup((_request, peer) => {
      const frame = Buffer.alloc(4)
      frame.writeInt32BE(-5, 0)
      peer.write(frame)
    })
    await assert.rejects(conn.send(MetadataApi, metadataRequest(1)), /invalid frame size -5/)
  })

  it('reassembles frames split across and packed into TCP chunks', async () => {
    const { conn } = await setup((request, peer) => {
      const n = Number((request.body as { topics: Array<{ name: string }> }).topics[0]!.name.slice(1))
      const frame = encodeResponseFrame(MetadataApi, request.apiVersion, request.correlationId, metadataResponse(n))
      // dribble the frame out one byte at a time
      for (let i = 0; i < frame.length; i++) peer.socket.write(frame.subarray(i, i + 1))
    })
    const results = await Promise.all([1, 2, 3].map((n) => conn.send(MetadataApi, metadataRequest(n))))
    assert.deepEqual(
      results.map((r) => r.controllerId),
      [1, 2, 3],
    )
  })

  it('refuses an API or version the broker does not serve', async () => {
    const { conn } = await setup(echo, {}, { apiVersions: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }, { apiKey: 3, minVersion: 13, maxVersion: 14 }] })
    await assert.rejects(conn.send(MetadataApi, metadataRequest(1)), (e: unknown) => {
      return e instanceof UnsupportedVersionError && /Metadata: kafkats speaks v0-12, the broker serves v13-14/.test(e.message)
    })
    await assert.rejects(conn.send(ProduceApi, { transactionalId: null, acks: 1, timeoutMs: 1, topicData: [] }), /does not serve it/)
    await assert.rejects(conn.send(MetadataApi, metadataRequest(1), { version: 5 }), UnsupportedVersionError)
    assert.equal(conn.state, 'ready')
  })

  it('caps the negotiated version at maxVersion', async () => {
    const { server, conn } = await setup(echo)
    assert.equal((await conn.send(MetadataApi, metadataRequest(1), { maxVersion: 4 })).controllerId, 1)
    assert.equal(server.requests[0]!.apiVersion, 4)
    await conn.send(MetadataApi, metadataRequest(2), { maxVersion: 99 })
    assert.equal(server.requests[1]!.apiVersion, MetadataApi.maxVersion)
    await assert.rejects(conn.send(MetadataApi, metadataRequest(3), { maxVersion: -1 }), UnsupportedVersionError)
  })

  it('reports a refused connection as ConnectionError', async () => {
    const server = await FakeServer.start()
    const port = server.port
    await server.close()
    const conn = new Connection({ host: '127.0.0.1', port })
    await assert.rejects(conn.connect(), (e: unknown) => e instanceof ConnectionError && e.retriable && e.broker === `127.0.0.1:${port}`)
    assert.equal(conn.state, 'closed')
  })
})
