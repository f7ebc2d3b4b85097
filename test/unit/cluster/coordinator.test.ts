// Coordinator lookup (both FindCoordinator shapes, caching, single flight, invalidation,
// retry of COORDINATOR_NOT_AVAILABLE) and the Cluster facade that ties pool, metadata and
// coordinators together.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { Cluster } from '../../../src/cluster/cluster.js'
import { coordinatorFromResponse } from '../../../src/cluster/coordinator.js'
import { childLogger, type Logger } from '../../../src/cluster/logger.js'
import { ClosedError, ConnectionError, ProtocolError } from '../../../src/errors.js'
import type { FindCoordinatorRequest } from '../../../src/protocol/generated/find-coordinator.js'
import { FindCoordinatorApi } from '../../../src/protocol/generated/find-coordinator.js'
import { MetadataApi, type MetadataResponse } from '../../../src/protocol/generated/metadata.js'
import { FakeServer, ourApiRanges, type ReceivedRequest } from '../network/fake-server.js'

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

interface Script {
  /** error codes to answer FindCoordinator with, one per request, before succeeding */
  findErrors: number[]
  findCount: number
  hold?: ReceivedRequest[]
}

async function start(options: { findCoordinatorMax?: number } = {}) {
  const script: Script = { findErrors: [], findCount: 0 }
  let port = 0
  const ranges = ourApiRanges().map((r) =>
    r.apiKey === FindCoordinatorApi.apiKey && options.findCoordinatorMax !== undefined ? { ...r, maxVersion: options.findCoordinatorMax } : r,
  )
  const server = await FakeServer.start({
    apiVersions: ranges,
    handler: (request) => {
      if (request.apiKey === 3) {
        const response: MetadataResponse = {
          brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: 'r1' }],
          topics: [],
          clusterId: 'c',
          controllerId: 1,
          throttleTimeMs: 0,
        }
        request.peer.respond(request, response)
        return
      }
      if (request.apiKey !== 10) return
      script.findCount++
      if (script.hold) {
        script.hold.push(request)
        return
      }
      answerFind(request, script.findErrors.shift() ?? 0, port)
    },
  })
  port = server.port
  const cluster = new Cluster({
    clientId: 'coord-test',
    bootstrapServers: [{ host: '127.0.0.1', port }],
    requestTimeoutMs: 30_000,
    connectionsMaxIdleMs: 540_000,
    metadataMaxAgeMs: 300_000,
    retryBackoffMs: 1,
    retryBackoffMaxMs: 2,
    socketConnectionSetupTimeoutMs: 10_000,
  })
  cleanups.push(() => server.close(), () => cluster.close())
  return { server, cluster, script, port }
}

function answerFind(request: ReceivedRequest, errorCode: number, port: number): void {
  const body = request.body as FindCoordinatorRequest
  const key = body.coordinatorKeys?.[0] ?? body.key ?? ''
  // key 'elsewhere' lives on node 9, which metadata does not list (same listener, though)
  const nodeId = key === 'elsewhere' ? 9 : 1
  if (request.apiVersion >= 4) {
    request.peer.respond(request, {
      throttleTimeMs: 0,
      coordinators: [{ key, nodeId: errorCode ? -1 : nodeId, host: errorCode ? '' : '127.0.0.1', port: errorCode ? -1 : port, errorCode, errorMessage: null }],
    })
  } else {
    request.peer.respond(request, {
      throttleTimeMs: 0,
      errorCode,
      errorMessage: errorCode ? 'not yet' : null,
      nodeId: errorCode ? -1 : 1,
      host: errorCode ? '' : '127.0.0.1',
      port: errorCode ? -1 : port,
    })
  }
}

describe('CoordinatorLookup', () => {
  it('finds (v4+ batched shape), caches, and shares concurrent lookups', async () => {
    const { cluster, script, server, port } = await start()
    script.hold = []
    const lookups = [cluster.coordinators.find('group', 'g1'), cluster.coordinators.find('group', 'g1')]
    await server.waitForRequests(1)
    const held = script.hold
    script.hold = undefined
    answerFind(held[0]!, 0, port)
    const [a, b] = await Promise.all(lookups)
    assert.deepEqual(a, { nodeId: 1, host: '127.0.0.1', port, rack: null })
    assert.equal(a, b)
    assert.equal(script.findCount, 1)
    assert.equal(await cluster.coordinators.find('group', 'g1'), a)
    assert.equal(script.findCount, 1)
    const request = server.requests.find((r) => r.apiKey === 10)!
    assert.equal(request.apiVersion, FindCoordinatorApi.maxVersion)
    assert.deepEqual((request.body as FindCoordinatorRequest).coordinatorKeys, ['g1'])
    assert.equal((request.body as FindCoordinatorRequest).keyType, 0)
  })

  it('speaks the single-key shape to brokers without v4', async () => {
    const { cluster, server } = await start({ findCoordinatorMax: 3 })
    const node = await cluster.coordinators.find('transaction', 'tx-1')
    assert.equal(node.nodeId, 1)
    const request = server.requests.find((r) => r.apiKey === 10)!
    assert.equal(request.apiVersion, 3)
    assert.equal((request.body as FindCoordinatorRequest).key, 'tx-1')
    assert.equal((request.body as FindCoordinatorRequest).keyType, 1)
  })

  it('retries COORDINATOR_NOT_AVAILABLE and stops at authorization errors', async () => {
    const { cluster, script } = await start()
    script.findErrors = [15, 15]
    assert.equal((await cluster.coordinators.find('group', 'g')).nodeId, 1)
    assert.equal(script.findCount, 3)
    script.findErrors = [30]
    await assert.rejects(cluster.coordinators.find('group', 'other'), (e: unknown) => e instanceof ProtocolError && e.errorCode === 30)
  })

  it('drops the cached coordinator on NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE and disconnects', async () => {
    const { cluster, script } = await start()
    await cluster.coordinators.find('group', 'g')
    assert.equal(cluster.coordinators.handleError('group', 'g', new ProtocolError(14)), false)
    assert.ok(cluster.coordinators.cached('group', 'g'))
    assert.equal(cluster.coordinators.handleError('group', 'g', new ProtocolError(16)), true)
    assert.equal(cluster.coordinators.cached('group', 'g'), undefined)
    await cluster.coordinators.find('group', 'g')
    assert.equal(script.findCount, 2)
    assert.equal(cluster.coordinators.handleError('group', 'g', 15), true)
    await cluster.coordinators.find('group', 'g')
    assert.equal(cluster.coordinators.handleError('group', 'g', new ConnectionError('lost')), true)
    assert.equal(cluster.coordinators.cached('group', 'g'), undefined)
  })

  it('reads either response shape and rejects unusable answers', () => {
    assert.deepEqual(coordinatorFromResponse({ throttleTimeMs: 0, errorCode: 0, nodeId: 3, host: 'h', port: 9 }, 'k'), {
      nodeId: 3,
      host: 'h',
      port: 9,
    })
    assert.throws(
      () => coordinatorFromResponse({ throttleTimeMs: 0, errorCode: 0, nodeId: -1, host: '', port: -1 }, 'k'),
      (e: unknown) => e instanceof ProtocolError && e.errorCode === 15,
    )
    assert.throws(
      () =>
        coordinatorFromResponse(
          { throttleTimeMs: 0, coordinators: [{ key: 'k', nodeId: 1, host: 'h', port: 1, errorCode: 30, errorMessage: 'denied' }] },
          'k',
        ),
      /denied/,
    )
  })
})

describe('Cluster', () => {
  it('routes by node id through metadata, to coordinators, and closes everything', async () => {
    const { cluster, server } = await start()
    const conn = await cluster.connectionTo(1, 'produce')
    assert.equal(conn.state, 'ready')
    assert.equal(cluster.metadata.broker(1)?.rack, 'r1')
    await assert.rejects(cluster.connectionTo(42, 'produce'), /broker 42 is not in the cluster metadata/)
    const coordinator = await cluster.coordinatorConnection('group', 'g')
    assert.notEqual(coordinator, conn)
    const md = await cluster.sendTo(1, 'admin', MetadataApi, { topics: [] })
    assert.equal(md.clusterId, 'c')
    assert.equal(await cluster.retry(async (n) => n), 0)
    assert.equal(cluster.node(1)?.port, cluster.coordinators.cached('group', 'g')?.port)
    // a coordinator missing from metadata is still reachable by node id
    assert.equal((await cluster.coordinators.find('group', 'elsewhere')).nodeId, 9)
    assert.equal(cluster.metadata.broker(9), undefined)
    assert.equal((await cluster.sendTo(9, 'group', MetadataApi, { topics: [] })).clusterId, 'c')
    await cluster.close()
    assert.equal(conn.closed, true)
    await assert.rejects(cluster.connectionTo(1, 'produce'), ClosedError)
    assert.ok(server.peers.length >= 3)
  })

  it('childLogger stamps fields and survives a throwing logger', () => {
    const seen: Array<[string, Record<string, unknown> | undefined]> = []
    const base: Logger = {
      debug: (m, f) => void seen.push([m, f]),
      info: () => {
        throw new Error('broken logger')
      },
      warn: () => {},
      error: () => {},
    }
    const child = childLogger(base, { clientId: 'x' })
    child.debug('hello', { a: 1 })
    child.info('ignored')
    assert.deepEqual(seen, [['hello', { clientId: 'x', a: 1 }]])
  })
})
