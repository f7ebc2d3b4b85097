// TLS connections: a handshake with a trusted CA (and SNI by host name), an untrusted
// certificate, and a TLS setup that never completes (bounded by the setup timeout).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { afterEach, describe, it } from 'node:test'
import { ConnectionError } from '../../../src/errors.js'
import { Connection } from '../../../src/network/connection.js'
import { openSocket } from '../../../src/network/tls.js'
import { MetadataApi } from '../../../src/protocol/generated/metadata.js'
import { ManualClock } from '../../../src/util/clock.js'
import { FakeServer } from './fake-server.js'

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
const cert = fixture('localhost.crt')
const key = fixture('localhost.key')

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function tlsServer(): Promise<FakeServer> {
  const server = await FakeServer.start({
    tls: { cert, key },
    handler: (r) => r.peer.respond(r, { brokers: [], topics: [], controllerId: 9, clusterId: null, throttleTimeMs: 0 }),
  })
  cleanups.push(() => server.close())
  return server
}

describe('TLS', () => {
  it('connects with a trusted CA, by IP and by host name', async () => {
    const server = await tlsServer()
    for (const host of ['127.0.0.1', 'localhost']) {
      const conn = new Connection({ host, port: server.port, tls: { ca: cert } })
      cleanups.push(() => conn.close())
      assert.equal((await conn.send(MetadataApi, { topics: null })).controllerId, 9)
    }
  })

  it('rejects an untrusted certificate with ConnectionError', async () => {
    const server = await tlsServer()
    const conn = new Connection({ host: '127.0.0.1', port: server.port, tls: {} })
    cleanups.push(() => conn.close())
    await assert.rejects(conn.connect(), (e: unknown) => e instanceof ConnectionError && /certificate/i.test(e.message))
  })

  it('bounds a TLS handshake that never completes by the setup timeout, and can be cancelled', async () => {
    const sockets: Socket[] = []
    const silent = createServer((s) => sockets.push(s))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    cleanups.push(async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    })
    const port = (silent.address() as { port: number }).port
    const clock = new ManualClock()
    const pending = openSocket({ host: '127.0.0.1', port, tls: { ca: cert }, timeoutMs: 500, clock })
    const check = assert.rejects(pending, (e: unknown) => e instanceof ConnectionError && /timed out after 500 ms/.test(e.message))
    while (sockets.length === 0) await new Promise((resolve) => setImmediate(resolve))
    clock.advance(500)
    await check
    assert.equal(clock.pendingTimers, 0)

    const controller = new AbortController()
    const cancelled = openSocket({ host: '127.0.0.1', port, tls: { ca: cert }, timeoutMs: 500, clock, signal: controller.signal })
    controller.abort()
    await assert.rejects(cancelled, /cancelled/)
    assert.equal(clock.pendingTimers, 0)
  })
})
