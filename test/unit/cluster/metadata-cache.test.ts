// Metadata cache: applying answers, single-flight refresh, TTL and invalidation, stale leader
// epochs, topic ids, bootstrap fallback and ensureTopics — against scripted fake brokers.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { ConnectionPool } from '../../../src/cluster/connection-pool.js'
import { MetadataCache, type MetadataCacheOptions, ZERO_UUID } from '../../../src/cluster/metadata-cache.js'
import { ConnectionError, ProtocolError, RetriesExhaustedError } from '../../../src/errors.js'
import type { MetadataRequest, MetadataResponse } from '../../../src/protocol/generated/metadata.js'
import { type Clock, ManualClock, realClock } from '../../../src/util/clock.js'
import { FakeServer, type ReceivedRequest } from '../network/fake-server.js'

interface FakeTopic {
  errorCode?: number
  topicId?: string
  partitions: Array<{ leaderId: number; leaderEpoch: number }>
}

/** What the fake cluster answers; tests mutate it between refreshes. */
interface ClusterScript {
  brokers: Array<{ nodeId: number; port: number }>
  topics: Map<string, FakeTopic>
  /** hold Metadata requests instead of answering */
  hold?: ReceivedRequest[]
}

function answerMetadata(script: ClusterScript, request: ReceivedRequest): void {
  const body = request.body as MetadataRequest
  const names = body.topics === null ? [...script.topics.keys()] : body.topics.map((t) => t.name ?? '')
  const response: MetadataResponse = {
    throttleTimeMs: 0,
    brokers: script.brokers.map((b) => ({ nodeId: b.nodeId, host: '127.0.0.1', port: b.port, rack: null })),
    clusterId: 'cluster-1',
    controllerId: script.brokers[0]?.nodeId ?? -1,
    topics: names.map((name) => {
      const t = script.topics.get(name)
      if (t === undefined) return { errorCode: 3, name, topicId: ZERO_UUID, isInternal: false, partitions: [] }
      return {
        errorCode: t.errorCode ?? 0,
        name,
        topicId: t.topicId ?? ZERO_UUID,
        isInternal: false,
        partitions: t.partitions.map((p, i) => ({
          errorCode: 0,
          partitionIndex: i,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicaNodes: [p.leaderId],
          isrNodes: [p.leaderId],
          offlineReplicas: [],
        })),
      }
    }),
  }
  request.peer.respond(request, response)
}

let cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function cluster(brokerCount: number, options: Partial<MetadataCacheOptions> & { clock?: Clock } = {}) {
  const script: ClusterScript = { brokers: [], topics: new Map() }
  const servers: FakeServer[] = []
  for (let i = 0; i < brokerCount; i++) {
    const server = await FakeServer.start({
      handler: (r) => {
        if (script.hold) script.hold.push(r)
        else answerMetadata(script, r)
      },
    })
    servers.push(server)
    script.brokers.push({ nodeId: i + 1, port: server.port })
    cleanups.push(() => server.close())
  }
  const clock = options.clock ?? new ManualClock(1_000_000)
  const pool = new ConnectionPool({
    clientId: 'md-test',
    requestTimeoutMs: 30_000,
    socketConnectionSetupTimeoutMs: 10_000,
    connectionsMaxIdleMs: 540_000,
    clock,
  })
  const cache = new MetadataCache({
    pool,
    bootstrapServers: servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    metadataMaxAgeMs: 300_000,
    retryBackoffMs: 1,
    retryBackoffMaxMs: 5,
    clock,
    random: () => 0,
    ...options,
  })
  cleanups.push(() => pool.close(), () => cache.close())
  const metadataRequests = () => servers.flatMap((s) => s.requests.filter((r) => r.apiKey === 3))
  return { script, servers, cache, clock, pool, metadataRequests }
}

describe('MetadataCache', () => {
  it('learns brokers, controller, leaders and topic ids from one refresh', async () => {
    const { script, cache } = await cluster(2)
    script.topics.set('orders', { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [{ leaderId: 2, leaderEpoch: 3 }, { leaderId: 1, leaderEpoch: 0 }] })
    assert.equal(cache.needsRefresh, true)
    cache.addTopics(['orders'])
    await cache.refresh()
    assert.equal(cache.needsRefresh, false)
    assert.equal(cache.clusterId, 'cluster-1')
    assert.equal(cache.controllerId, 1)
    assert.deepEqual([...cache.brokers.keys()].sort(), [1, 2])
    assert.equal(cache.partitionCount('orders'), 2)
    assert.equal(cache.leaderFor('orders', 0)?.nodeId, 2)
    assert.equal(cache.partition('orders', 0)?.leaderEpoch, 3)
    assert.equal(cache.topicId('orders'), 'AAAAAAAAAAAAAAAAAAAAAQ')
    assert.equal(cache.topicName('AAAAAAAAAAAAAAAAAAAAAQ'), 'orders')
    assert.equal(cache.leaderFor('orders', 7), undefined)
  })

  it('shares one request between concurrent refreshes and follows up for new topics', async () => {
    const { script, cache, metadataRequests, servers } = await cluster(1)
    script.topics.set('a', { partitions: [{ leaderId: 1, leaderEpoch: 0 }] })
    script.topics.set('b', { partitions: [{ leaderId: 1, leaderEpoch: 0 }] })
    script.hold = []
    cache.addTopics(['a'])
    const first = [cache.refresh(), cache.refresh(), cache.refresh()]
    await servers[0]!.waitForRequests(1)
    cache.addTopics(['b'])
    const second = cache.refresh()
    const held = script.hold
    script.hold = undefined
    answerMetadata(script, held[0]!)
    await Promise.all([...first, second])
    const requests = metadataRequests()
    assert.equal(requests.length, 2)
    assert.deepEqual(
      requests.map((r) => (r.body as MetadataRequest).topics?.map((t) => t.name)),
      [['a'], ['a', 'b']],
    )
    assert.ok(cache.topic('b'))
  })

  it('goes stale after metadataMaxAgeMs and on invalidating errors; maybeRefresh is rate-limited', async () => {
    const clock = new ManualClock(5_000)
    const { cache, metadataRequests } = await cluster(1, { clock, metadataMaxAgeMs: 1000, retryBackoffMs: 100 })
    await cache.maybeRefresh()
    assert.equal(metadataRequests().length, 1)
    await cache.maybeRefresh()
    assert.equal(metadataRequests().length, 1)
    clock.advance(1000)
    assert.equal(cache.needsRefresh, true)
    await cache.maybeRefresh()
    assert.equal(metadataRequests().length, 2)
    assert.equal(cache.handleError(new ProtocolError(10)), false) // MESSAGE_TOO_LARGE
    assert.equal(cache.needsRefresh, false)
    assert.equal(cache.handleError(new ProtocolError(6)), true) // NOT_LEADER_OR_FOLLOWER
    assert.equal(cache.needsRefresh, true)
    await cache.maybeRefresh() // within retryBackoffMs of the last attempt: skipped
    assert.equal(metadataRequests().length, 2)
    clock.advance(100)
    await cache.maybeRefresh()
    assert.equal(metadataRequests().length, 3)
    assert.equal(cache.handleError(3), true) // UNKNOWN_TOPIC_OR_PARTITION as a bare code
    assert.equal(cache.handleError(new ConnectionError('gone')), true)
    assert.equal(cache.handleError(new Error('other')), false)
  })

  it('keeps newer knowledge when an answer carries an older leader epoch', async () => {
    const { script, cache } = await cluster(2)
    script.topics.set('t', { partitions: [{ leaderId: 1, leaderEpoch: 5 }] })
    cache.addTopics(['t'])
    await cache.refresh()
    script.topics.set('t', { partitions: [{ leaderId: 2, leaderEpoch: 4 }] })
    await cache.refresh()
    assert.equal(cache.leaderFor('t', 0)?.nodeId, 1)
    assert.equal(cache.partition('t', 0)?.leaderEpoch, 5)
    assert.equal(cache.needsRefresh, true)
    // a produce/fetch response saw epoch 6: the cache is behind
    assert.equal(cache.updateLeaderEpoch('t', 0, 6), true)
    assert.equal(cache.updateLeaderEpoch('t', 0, 6), false)
    assert.equal(cache.lastSeenLeaderEpoch('t', 0), 6)
    script.topics.set('t', { partitions: [{ leaderId: 2, leaderEpoch: 6 }] })
    await cache.refresh()
    assert.equal(cache.leaderFor('t', 0)?.nodeId, 2)
    assert.equal(cache.needsRefresh, false)
  })

  it('adopts a KIP-951 leader hint that carries a newer epoch', async () => {
    const { script, cache } = await cluster(2)
    script.topics.set('t', { partitions: [{ leaderId: 1, leaderEpoch: 3 }] })
    cache.addTopics(['t'])
    await cache.refresh()
    assert.equal(cache.updateLeader('t', 0, 2, 3), false)
    assert.equal(cache.updateLeader('t', 0, 2, 4), true)
    assert.equal(cache.leaderFor('t', 0)?.nodeId, 2)
    assert.equal(cache.lastSeenLeaderEpoch('t', 0), 4)
    assert.equal(cache.needsRefresh, false)
    // a leader we have no address for: ask metadata instead
    assert.equal(cache.updateLeader('t', 0, 7, 5), false)
    assert.equal(cache.needsRefresh, true)
    assert.equal(cache.updateLeader('t', 0, 7, 5, { host: '127.0.0.1', port: 1 }), true)
    assert.equal(cache.broker(7)?.port, 1)
    assert.equal(cache.updateLeader('unknown-topic', 0, 1, 1), false)
  })

  it('starts epochs over when a topic is re-created with a new id', async () => {
    const { script, cache } = await cluster(1)
    script.topics.set('t', { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [{ leaderId: 1, leaderEpoch: 9 }] })
    cache.addTopics(['t'])
    await cache.refresh()
    script.topics.set('t', { topicId: 'AAAAAAAAAAAAAAAAAAAAAg', partitions: [{ leaderId: 1, leaderEpoch: 0 }] })
    await cache.refresh()
    assert.equal(cache.partition('t', 0)?.leaderEpoch, 0)
    assert.equal(cache.topicName('AAAAAAAAAAAAAAAAAAAAAQ'), undefined)
    assert.equal(cache.topicName('AAAAAAAAAAAAAAAAAAAAAg'), 't')
  })

  it('falls back from dead known brokers to the bootstrap list', async () => {
    const { script, cache, servers } = await cluster(2)
    // broker 2 (second server) is what metadata advertises; bootstrap lists both
    script.brokers = [{ nodeId: 2, port: servers[1]!.port }]
    await cache.refresh()
    assert.deepEqual([...cache.brokers.keys()], [2])
    await servers[1]!.close()
    script.brokers = [{ nodeId: 1, port: servers[0]!.port }]
    await cache.refresh()
    assert.deepEqual([...cache.brokers.keys()], [1])
    await servers[0]!.close()
    await assert.rejects(cache.refresh(), (e: unknown) => e instanceof ConnectionError && /no broker answered \(tried/.test(e.message))
  })

  it('ensureTopics waits for a topic being created, and fails fast on authorization errors', async () => {
    const { script, cache } = await cluster(1, { clock: realClock })
    let asked = 0
    const origin = script.topics
    script.topics = new Proxy(origin, {
      get(target, prop) {
        if (prop === 'get') {
          return (name: string) => {
            if (name === 'new-topic' && ++asked < 3) return { errorCode: 5, partitions: [] }
            return target.get(name)
          }
        }
        const value = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    origin.set('new-topic', { partitions: [{ leaderId: 1, leaderEpoch: 0 }] })
    origin.set('secret', { errorCode: 29, partitions: [] })
    const topics = await cache.ensureTopics(['new-topic'], { timeoutMs: 5000 })
    assert.equal(topics.get('new-topic')?.partitions.length, 1)
    assert.equal(asked, 3)
    await assert.rejects(cache.ensureTopics(['secret']), (e: unknown) => e instanceof ProtocolError && e.errorCode === 29)
    assert.equal(cache.topicError('secret'), 29)
    await assert.rejects(cache.ensureTopics(['missing'], { timeoutMs: 30 }), (e: unknown) => {
      return e instanceof RetriesExhaustedError && e.errors.every((x) => x instanceof ProtocolError && x.errorCode === 3)
    })
  })

  it('fetchAllTopics asks for every topic and caches them', async () => {
    const { script, cache, metadataRequests } = await cluster(1)
    script.topics.set('x', { partitions: [{ leaderId: 1, leaderEpoch: 0 }] })
    script.topics.set('y', { partitions: [{ leaderId: 1, leaderEpoch: 0 }, { leaderId: 1, leaderEpoch: 0 }] })
    const all = await cache.fetchAllTopics()
    assert.deepEqual(all.map((t) => t.name).sort(), ['x', 'y'])
    assert.equal((metadataRequests()[0]!.body as MetadataRequest).topics, null)
    assert.equal(cache.partitionCount('y'), 2)
    let updates = 0
    cache.onUpdate(() => updates++)
    cache.removeTopics(['y'])
    assert.equal(cache.topic('y'), undefined)
    await cache.refresh()
    assert.equal(updates, 1)
  })
})
