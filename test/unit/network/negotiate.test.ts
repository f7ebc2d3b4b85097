// ApiVersions negotiation: choosing inside both windows, caching, and the v0-format
// UNSUPPORTED_VERSION fallback a broker sends for an ApiVersions version it does not know.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { ProtocolDecodeError, ProtocolError, UnsupportedVersionError } from '../../../src/errors.js'
import { decodeResponseFrame, encodeResponseFrame } from '../../../src/protocol/api.js'
import { Connection } from '../../../src/network/connection.js'
import { ApiVersionTable } from '../../../src/network/negotiate.js'
import { ApiVersionsApi } from '../../../src/protocol/generated/api-versions.js'
import { FetchApi } from '../../../src/protocol/generated/fetch.js'
import { MetadataApi } from '../../../src/protocol/generated/metadata.js'
import { ProduceApi } from '../../../src/protocol/generated/produce.js'
import { FakeServer, ourApiRanges, type ReceivedRequest } from './fake-server.js'

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function start(handler: (r: ReceivedRequest) => void): Promise<{ server: FakeServer; conn: Connection }> {
  const server = await FakeServer.start({ apiVersions: null, handler })
  const conn = new Connection({ host: '127.0.0.1', port: server.port })
  cleanups.push(() => server.close(), () => conn.close())
  return { server, conn }
}

describe('ApiVersionTable', () => {
  it('picks the highest version inside both windows and caches it', () => {
    const table = new ApiVersionTable(
      new Map([
        [ProduceApi.apiKey, { minVersion: 0, maxVersion: 7 }],
        [FetchApi.apiKey, { minVersion: 0, maxVersion: 99 }],
        [MetadataApi.apiKey, { minVersion: 13, maxVersion: 20 }],
      ]),
    )
    assert.equal(table.versionFor(ProduceApi), 7)
    assert.equal(table.versionFor(FetchApi), FetchApi.maxVersion)
    assert.equal(table.tryVersionFor(MetadataApi), null)
    assert.throws(() => table.versionFor(MetadataApi), UnsupportedVersionError)
    assert.equal(table.tryVersionFor(ApiVersionsApi), null)
    assert.deepEqual(table.brokerRange(ProduceApi.apiKey), { minVersion: 0, maxVersion: 7 })
    assert.equal(table.checkVersion(ProduceApi, ProduceApi.minVersion), ProduceApi.minVersion)
    // below our floor even though the broker advertises it (Produce v0-2 are rejected by 4.x)
    assert.throws(() => table.checkVersion(ProduceApi, 0), UnsupportedVersionError)
    assert.throws(() => table.checkVersion(ProduceApi, 8), UnsupportedVersionError)
  })
})

describe('negotiateApiVersions over a connection', () => {
  it('retries inside the range a v0-format UNSUPPORTED_VERSION answer lists', async () => {
    const { server, conn } = await start((request) => {
      if (request.apiKey !== 18) return
      if (request.apiVersion > 2) {
        request.peer.respond(request, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] }, 0)
      } else {
        const ranges = ourApiRanges().map((r) => (r.apiKey === 18 ? { ...r, maxVersion: 2 } : r))
        request.peer.respond(request, { errorCode: 0, apiKeys: ranges, throttleTimeMs: 0 })
      }
    })
    await conn.connect()
    assert.deepEqual(
      server.received.map((r) => r.apiVersion),
      [ApiVersionsApi.maxVersion, 2],
    )
    assert.equal(conn.apiVersions?.brokerRange(18)?.maxVersion, 2)
    assert.equal(conn.state, 'ready')
  })

  it('falls back to v0 when the UNSUPPORTED_VERSION body is unreadable (librdkafka 2.0.2 mock)', async () => {
    const { server, conn } = await start((request) => {
      if (request.apiKey !== 18) return
      if (request.apiVersion > 0) {
        // the bytes librdkafka 2.0.2's mock cluster sends for ApiVersions v3: error 35, then a
        // 1-byte array count that no v0 reader can follow
        const body = Buffer.from('00230100120000000200000000', 'hex')
        const frame = Buffer.alloc(8)
        frame.writeInt32BE(4 + body.length, 0)
        frame.writeInt32BE(request.correlationId, 4)
        request.peer.write(Buffer.concat([frame, body]))
      } else {
        request.peer.respond(request, { errorCode: 0, apiKeys: ourApiRanges(), throttleTimeMs: 0 })
      }
    })
    await conn.connect()
    assert.deepEqual(
      server.received.map((r) => r.apiVersion),
      [ApiVersionsApi.maxVersion, 0],
    )
    assert.equal(conn.state, 'ready')
    assert.equal(conn.versionFor(ProduceApi), ProduceApi.maxVersion)
  })

  it('accepts a response with bytes after its body (as Java does; librdkafka 2.15 mock Metadata)', async () => {
    const { conn } = await start((request) => {
      if (request.apiKey === 18) return request.peer.respond(request, { errorCode: 0, apiKeys: ourApiRanges(), throttleTimeMs: 0 })
      if (request.apiKey !== MetadataApi.apiKey) return
      const frame = encodeResponseFrame(MetadataApi, request.apiVersion, request.correlationId, {
        throttleTimeMs: 0, brokers: [], clusterId: 'c', controllerId: 1, topics: [],
      })
      const padded = Buffer.concat([frame, Buffer.from([0])])
      padded.writeInt32BE(padded.length - 4, 0)
      request.peer.write(padded)
    })
    const response = await conn.send(MetadataApi, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, { timeoutMs: 5000 })
    assert.equal(response.clusterId, 'c')
    // the strict decoder (broker side, codec tests) still refuses the same bytes
    const strictFrame = encodeResponseFrame(MetadataApi, 12, 1, { throttleTimeMs: 0, brokers: [], clusterId: 'c', controllerId: 1, topics: [] })
    const withTail = Buffer.concat([strictFrame.subarray(4), Buffer.from([0])])
    assert.throws(() => decodeResponseFrame(MetadataApi, 12, withTail), ProtocolDecodeError)
  })

  it('fails with UnsupportedVersionError when the fallback range does not help', async () => {
    const { conn } = await start((request) => {
      request.peer.respond(request, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 5, maxVersion: 9 }] }, 0)
    })
    await assert.rejects(conn.connect(), (e: unknown) => e instanceof UnsupportedVersionError && /offers v5-9/.test(e.message))
    assert.equal(conn.state, 'closed')

    const other = await start((request) => {
      request.peer.respond(request, { errorCode: 35, apiKeys: [] }, 0)
    })
    await assert.rejects(other.conn.connect(), (e: unknown) => e instanceof UnsupportedVersionError && /no range/.test(e.message))
  })

  it('surfaces another ApiVersions error code as ProtocolError', async () => {
    const { conn } = await start((request) => {
      request.peer.respond(request, { errorCode: 31, apiKeys: [], throttleTimeMs: 0 })
    })
    await assert.rejects(conn.connect(), (e: unknown) => e instanceof ProtocolError && e.errorCode === 31)
  })
})
