// ApiVersions negotiation: choosing inside both windows, caching, and the v0-format
// UNSUPPORTED_VERSION fallback a broker sends for an ApiVersions version it does not know.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { ProtocolError, UnsupportedVersionError } from '../../../src/errors.js'
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
