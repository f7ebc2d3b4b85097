// Connection pool: one shared connection per (broker, purpose), purposes isolated from each
// other, closed connections replaced, idle ones closed, close() settling everything.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { ConnectionPool, type ConnectionPoolOptions } from '../../../src/cluster/connection-pool.js'
import { ClosedError, ConnectionError } from '../../../src/errors.js'
import { type MetadataResponse, MetadataApi } from '../../../src/protocol/generated/metadata.js'
import { ManualClock } from '../../../src/util/clock.js'
import { FakeServer, type FakePeer, type ReceivedRequest } from '../network/fake-server.js'

const METADATA: MetadataResponse = { brokers: [], topics: [], clusterId: null, controllerId: 1, throttleTimeMs: 0 }

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function setup(handler: FakeServer['handler'], options: Partial<ConnectionPoolOptions> = {}) {
  const server = await FakeServer.start({ handler })
  const clock = new ManualClock()
  const pool = new ConnectionPool({
    clientId: 'pool-test',
    requestTimeoutMs: 30_000,
    socketConnectionSetupTimeoutMs: 10_000,
    connectionsMaxIdleMs: 540_000,
    clock,
    ...options,
  })
  cleanups.push(() => server.close(), () => pool.close())
  const broker = { host: '127.0.0.1', port: server.port, nodeId: 1 }
  return { server, pool, clock, broker }
}

const answer = (r: ReceivedRequest) => r.peer.respond(r, METADATA)

describe('ConnectionPool', () => {
  it('shares one connection per (broker, purpose) and separates purposes', async () => {
    const { server, pool, broker } = await setup(answer)
    const [a, b] = await Promise.all([pool.get(broker, 'produce'), pool.get(broker, 'produce')])
    assert.equal(a, b)
    const fetch = await pool.get(broker, 'fetch')
    assert.notEqual(fetch, a)
    assert.equal(a.nodeId, 1)
    assert.equal(server.peers.length, 2)
    assert.equal(pool.connections().length, 2)
    assert.equal((await pool.send(broker, 'produce', MetadataApi, { topics: null })).controllerId, 1)
  })

  it('writes requests to one (broker, purpose) in call order, also while (re)connecting', async () => {
    const { server, pool, broker } = await setup(answer)
    const names = (from: number) => server.requests.slice(from).map((r) => (r.body as { topics: Array<{ name: string }> }).topics[0]!.name)
    // 5 sends at once, then one per microtask, so some land while the connection is being set up
    const COUNT = 60
    const burst = async (first: number) => {
      const sends: Promise<unknown>[] = []
      for (let i = first; i < first + COUNT; i++) {
        if (i >= first + 5) await Promise.resolve()
        sends.push(pool.send(broker, 'produce', MetadataApi, { topics: [{ name: `m${i}` }] }))
      }
      await Promise.all(sends)
    }
    await burst(0)
    assert.deepEqual(names(0), Array.from({ length: COUNT }, (_, i) => `m${i}`))
    const conn = await pool.get(broker, 'produce')
    const gone = new Promise((resolve) => conn.onClose(resolve))
    server.peers[0]!.close()
    await gone
    await burst(COUNT)
    assert.deepEqual(names(COUNT), Array.from({ length: COUNT }, (_, i) => `m${i + COUNT}`))
    assert.equal(server.peers.length, 2)
    await pool.sendWithoutResponse(broker, 'produce', MetadataApi, { topics: [{ name: 'no-answer-needed' }] })
  })

  it('a request held on the fetch connection does not delay the produce connection', async () => {
    // the fake broker, like Kafka, works through one request at a time per connection
    const busy = new Map<FakePeer, ReceivedRequest[]>()
    const { pool, broker } = await setup((request, peer) => {
      const queue = busy.get(peer)
      if (queue) queue.push(request)
      else if ((request.body as { topics: Array<{ name: string }> | null }).topics?.[0]?.name === 'long-poll') busy.set(peer, [])
      else answer(request)
    })
    const held = pool.send(broker, 'fetch', MetadataApi, { topics: [{ name: 'long-poll' }] })
    await assert.rejects(
      Promise.race([held, pool.send(broker, 'produce', MetadataApi, { topics: null }).then(() => Promise.reject(new Error('done')))]),
      /done/,
    )
    const behind = pool.send(broker, 'fetch', MetadataApi, { topics: null })
    const closed = assert.rejects(Promise.all([held, behind]), ClosedError)
    await pool.close()
    await closed
  })

  it('replaces a connection the broker closed, and retries a failed connect on the next get', async () => {
    let first = true
    const { server, pool, broker } = await setup(answer)
    const conn = await pool.get(broker, 'metadata')
    const gone = new Promise((resolve) => conn.onClose(resolve))
    server.peers[0]!.close()
    assert.ok((await gone) instanceof ConnectionError)
    const again = await pool.get(broker, 'metadata')
    assert.notEqual(again, conn)
    assert.equal(again.state, 'ready')

    const flaky = await setup(answer, {})
    flaky.server.handler = answer
    const original = flaky.server.dispatch.bind(flaky.server)
    flaky.server.dispatch = (frame, peer) => {
      if (first) {
        first = false
        peer.close()
        return
      }
      original(frame, peer)
    }
    await assert.rejects(flaky.pool.get(flaky.broker, 'admin'), ConnectionError)
    assert.equal((await flaky.pool.get(flaky.broker, 'admin')).state, 'ready')
  })

  it('closes connections idle for connectionsMaxIdleMs, but not busy ones', async () => {
    const held: ReceivedRequest[] = []
    const { server, pool, clock, broker } = await setup(
      (r) => ((r.body as { topics: unknown }).topics === null ? answer(r) : held.push(r)),
      { connectionsMaxIdleMs: 1000 },
    )
    const idle = await pool.get(broker, 'metadata')
    const busy = await pool.get(broker, 'fetch')
    const pending = busy.send(MetadataApi, { topics: [] }, { timeoutMs: 10_000 })
    await server.waitForRequests(1)
    clock.advance(1000)
    assert.equal(idle.closed, true)
    assert.equal(busy.closed, false)
    held[0]!.peer.respond(held[0]!, METADATA)
    await pending
    const fresh = await pool.get(broker, 'metadata')
    assert.notEqual(fresh, idle)
    assert.equal(fresh.state, 'ready')
  })

  it('close() rejects pending requests and later gets with ClosedError; closeBroker drops one broker', async () => {
    const { server, pool, broker } = await setup(() => {})
    const pending = pool.send(broker, 'group', MetadataApi, { topics: null })
    await server.waitForRequests(1)
    const conn = await pool.get(broker, 'group')
    const rejected = assert.rejects(pending, ClosedError)
    await pool.closeBroker(broker)
    assert.equal(conn.closed, true)
    await rejected
    await pool.get(broker, 'group')
    await pool.close()
    assert.equal(pool.closed, true)
    await assert.rejects(pool.get(broker, 'group'), ClosedError)
    await pool.close()
  })
})
