// Interop proof: Debian kcat 1.7.1 (librdkafka) against the reference broker. Produces 10,000
// keyed messages from stdin (acks=all), consumes them back to EOF, lists metadata with -L -J, and
// consumes them as a balanced group member (-G) whose commits then cover every partition.
// kcat's stderr is shown on failure (KAFKATS_INTEROP_DEBUG=1 adds librdkafka's debug contexts).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type InteropCluster, startInteropCluster } from './helpers/cluster.js'
import { parseKcatMessages, runKcat } from './helpers/kcat.js'
import { describeRun, stopAll } from './helpers/process.js'
import { assertExactlyOnceInOrder, makeMessages } from './helpers/verify.js'

const TOTAL = 10_000
const PARTITIONS = 3
const KCAT_TIMEOUT_MS = 60_000

describe('kcat against the reference broker', { timeout: 240_000 }, () => {
  let cluster: InteropCluster
  const topic = 'kcat-interop'
  const produced = makeMessages('kcat', TOTAL, 101)

  before(async () => {
    // kcat cannot create topics: the cluster starts with it
    cluster = await startInteropCluster(3, [{ name: topic, numPartitions: PARTITIONS, replicationFactor: 3 }])
  })

  after(async () => {
    await stopAll()
    await cluster?.close()
  })

  it('produces 10,000 messages from stdin and consumes them back in order', async () => {
    const input = produced.map((m) => `${m.key}:${m.value}\n`).join('')
    await runKcat(['-P', '-b', cluster.bootstrap, '-t', topic, '-K:', '-X', 'acks=all'], {
      input,
      timeoutMs: KCAT_TIMEOUT_MS,
    })
    const consumed = await runKcat(['-C', '-b', cluster.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-J'], {
      timeoutMs: KCAT_TIMEOUT_MS,
    })
    const messages = parseKcatMessages(consumed.stdout)
    const report = assertExactlyOnceInOrder(produced, messages)
    assert.equal(report.byPartition.size, PARTITIONS, 'keys spread over every partition')
    for (const [partition, list] of report.byPartition) {
      assert.deepEqual(
        list.map((m) => m.offset),
        list.map((_, i) => BigInt(i)),
        `dense offsets from 0 in partition ${partition}`,
      )
    }
  })

  it('lists brokers, topics and partitions with -L -J', async () => {
    const result = await runKcat(['-L', '-b', cluster.bootstrap, '-J'], { timeoutMs: KCAT_TIMEOUT_MS })
    const meta = JSON.parse(result.stdout) as {
      brokers?: { id: number; name: string }[]
      topics?: {
        topic: string
        err?: string
        partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[]; err?: string }[]
      }[]
    }
    const brokers = (meta.brokers ?? []).map((b) => ({ id: b.id, name: b.name })).sort((x, y) => x.id - y.id)
    const expected = cluster.nodes.map((n) => ({ id: n.nodeId, name: `${n.host}:${n.port}` })).sort((x, y) => x.id - y.id)
    assert.deepEqual(brokers, expected, `brokers in ${result.stdout}`)
    const ids = new Set(expected.map((b) => b.id))
    const t = (meta.topics ?? []).find((x) => x.topic === topic)
    assert.ok(t, `topic ${topic} listed in ${result.stdout}`)
    assert.equal(t.err, undefined, `topic error ${t.err}`)
    assert.deepEqual(
      t.partitions.map((p) => p.partition).sort(),
      [0, 1, 2],
    )
    for (const p of t.partitions) {
      assert.equal(p.err, undefined, `partition ${p.partition} error ${p.err}`)
      assert.ok(ids.has(p.leader), `leader ${p.leader} of partition ${p.partition} is a broker`)
      const replicas = p.replicas.map((r) => r.id)
      assert.equal(new Set(replicas).size, 3, `3 distinct replicas for partition ${p.partition}`)
      assert.ok(replicas.every((r) => ids.has(r)), 'replicas are brokers')
      assert.ok(replicas.includes(p.leader), 'the leader is a replica')
      const isr = p.isrs.map((r) => r.id)
      assert.ok(isr.includes(p.leader) && isr.every((r) => replicas.includes(r)), `ISR ${isr} within replicas`)
    }
  })

  it('consumes everything as a group member (-G) and commits it', async () => {
    const group = 'kcat-interop-group'
    const result = await runKcat(
      ['-b', cluster.bootstrap, '-J', '-c', String(TOTAL), '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000', '-G', group, topic],
      { timeoutMs: KCAT_TIMEOUT_MS },
    )
    const messages = parseKcatMessages(result.stdout)
    assert.equal(messages.length, TOTAL, describeRun(result))
    assertExactlyOnceInOrder(produced, messages)
    // kcat closes its consumer on exit, which commits what it consumed: a second member of the
    // group starts at the end of every partition and reaches EOF (-e) having read nothing
    const again = await runKcat(
      ['-b', cluster.bootstrap, '-J', '-e', '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000', '-G', group, topic],
      { timeoutMs: KCAT_TIMEOUT_MS },
    )
    assert.deepEqual(parseKcatMessages(again.stdout), [], describeRun(again))
    assert.match(again.stderr, /Reached end of topic/, describeRun(again))
  })
})
