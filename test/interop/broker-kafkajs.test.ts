// Interop proof: KafkaJS 2.2.4 (a client we did not write) against the reference broker.
// Produces with acks=-1 and idempotence over 3 partitions, consumes in a 2-member group with manual
// commits, checks exactly-once in-order delivery and the produce responses' offsets, then shows
// that a fresh group member resumes from the commits. KafkaJS's log is printed on failure.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Consumer, type EachBatchPayload, type Kafka, Partitioners, type Producer } from 'kafkajs'
import { type InteropCluster, startInteropCluster } from './helpers/cluster.js'
import { type CapturedKafka, createKafka, createTopic } from './helpers/kafkajs.js'
import { assertExactlyOnceInOrder, type ConsumedMessage, makeMessages, type ProducedMessage } from './helpers/verify.js'

const TOTAL = 2000
const PER_SEND = 100
const PARTITIONS = 3
const WAIT_MS = 45_000

interface ReadMessage extends ConsumedMessage {
  readonly member: string
}

/** Resolve when check() holds, re-checked on every notify(); reject after timeoutMs with what(). */
class Condition {
  #waiters = new Set<() => void>()
  notify(): void {
    for (const w of [...this.#waiters]) w()
  }
  wait(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const test = (): void => {
        if (!check()) return
        clearTimeout(timer)
        this.#waiters.delete(test)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(test)
        reject(new Error(`timed out: ${what()}`))
      }, timeoutMs)
      this.#waiters.add(test)
      test()
    })
  }
}

function recordBatch(member: string, out: ReadMessage[], payload: EachBatchPayload): void {
  for (const m of payload.batch.messages) {
    out.push({
      member,
      partition: payload.batch.partition,
      offset: BigInt(m.offset),
      key: m.key === null ? null : m.key.toString(),
      value: m.value === null ? null : m.value.toString(),
    })
    payload.resolveOffset(m.offset)
  }
}

describe('KafkaJS against the reference broker', { timeout: 120_000 }, () => {
  let cluster: InteropCluster
  let client: CapturedKafka
  let kafka: Kafka
  const consumers: Consumer[] = []
  const producers: Producer[] = []
  const topic = 'kafkajs-interop'
  const groupId = 'kafkajs-interop-group'

  before(async () => {
    cluster = await startInteropCluster(3)
    client = createKafka(cluster.brokers, 'kafkats-interop-kafkajs')
    kafka = client.kafka
    await createTopic(cluster.brokers, topic, PARTITIONS, 3)
  })

  after(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()))
    await Promise.allSettled(producers.map((p) => p.disconnect()))
    await cluster?.close()
  })

  function withLog<T>(promise: Promise<T>): Promise<T> {
    return promise.catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.stack : String(err)}\n--- KafkaJS log ---\n${client.logTail()}`, {
        cause: err,
      })
    })
  }

  function newConsumer(): Consumer {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 300, sessionTimeout: 10_000, heartbeatInterval: 500 })
    consumers.push(consumer)
    return consumer
  }

  it('produces idempotently with acks=-1 and reads back exactly once through a 2-member group', async () => {
    const read: ReadMessage[] = []
    const progress = new Condition()
    const assignments = new Map<string, number[]>()
    const members = ['a', 'b']
    const started: Consumer[] = []
    for (const member of members) {
      const consumer = newConsumer()
      started.push(consumer)
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        assignments.set(member, [...(event.payload.memberAssignment[topic] ?? [])].sort())
        progress.notify()
      })
      await withLog(consumer.connect())
      await withLog(consumer.subscribe({ topics: [topic], fromBeginning: true }))
    }
    for (const [i, consumer] of started.entries()) {
      const member = members[i]!
      await withLog(
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async (payload) => {
            recordBatch(member, read, payload)
            if (payload.batch.messages.length > 0) {
              const next = (BigInt(payload.batch.lastOffset()) + 1n).toString()
              await consumer.commitOffsets([{ topic, partition: payload.batch.partition, offset: next }])
            }
            progress.notify()
          },
        }),
      )
    }
    // Both members in one generation that splits the partitions between them.
    await withLog(
      progress.wait(
        () => {
          const a = assignments.get('a') ?? []
          const b = assignments.get('b') ?? []
          const all = [...a, ...b].sort()
          return a.length > 0 && b.length > 0 && all.join() === '0,1,2'
        },
        WAIT_MS,
        () => `2-member assignment, have ${JSON.stringify([...assignments])}`,
      ),
    )

    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    })
    producers.push(producer)
    await withLog(producer.connect())
    const produced = makeMessages('kafkajs', TOTAL, 37)
    const sends: { messages: ProducedMessage[]; baseOffsets: Map<number, bigint> }[] = []
    for (let i = 0; i < TOTAL; i += PER_SEND) {
      const messages = produced.slice(i, i + PER_SEND)
      const metadata = await withLog(producer.send({ topic, acks: -1, messages }))
      const baseOffsets = new Map<number, bigint>()
      for (const m of metadata) {
        assert.equal(m.errorCode, 0, `produce error on partition ${m.partition}`)
        baseOffsets.set(m.partition, BigInt(m.baseOffset ?? '-1'))
      }
      sends.push({ messages, baseOffsets })
    }

    await withLog(progress.wait(() => read.length >= TOTAL, WAIT_MS, () => `${TOTAL} messages, read ${read.length}`))
    await withLog(Promise.all(started.map((c) => c.disconnect())))

    const report = assertExactlyOnceInOrder(produced, read)
    // each member read only its own partitions, and both read something
    for (const member of members) {
      const own = new Set(assignments.get(member))
      const mine = read.filter((m) => m.member === member)
      assert.ok(mine.length > 0, `member ${member} read nothing`)
      assert.deepEqual(
        mine.filter((m) => !own.has(m.partition)),
        [],
        `member ${member} read outside its assignment`,
      )
    }
    // the produce responses' base offsets match where the messages were found
    const where = new Map(read.map((m) => [m.value, m]))
    for (const send of sends) {
      const next = new Map(send.baseOffsets)
      for (const m of send.messages) {
        const found = where.get(m.value)!
        const expected = next.get(found.partition)
        assert.equal(found.offset, expected, `offset of ${m.value} vs the produce response`)
        next.set(found.partition, found.offset + 1n)
      }
    }
    // offsets are dense from 0 (no transactions here) and the commits cover everything
    const admin = kafka.admin()
    await withLog(admin.connect())
    try {
      const ends = await withLog(admin.fetchTopicOffsets(topic))
      const committed = await withLog(admin.fetchOffsets({ groupId, topics: [topic] }))
      for (let p = 0; p < PARTITIONS; p++) {
        const count = BigInt(report.byPartition.get(p)?.length ?? 0)
        assert.ok(count > 0n, `partition ${p} got no messages`)
        assert.equal(BigInt(ends.find((e) => e.partition === p)?.high ?? '-1'), count, `high watermark of ${p}`)
        const c = committed[0]?.partitions.find((e) => e.partition === p)
        assert.equal(BigInt(c?.offset ?? '-1'), count, `committed offset of ${p}`)
      }
    } finally {
      await admin.disconnect()
    }
  })

  it('a fresh member of the group resumes from the committed offsets (reads nothing old)', async () => {
    const read: ReadMessage[] = []
    const progress = new Condition()
    let assigned: number[] = []
    const consumer = newConsumer()
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assigned = [...(event.payload.memberAssignment[topic] ?? [])].sort()
      progress.notify()
    })
    await withLog(consumer.connect())
    await withLog(consumer.subscribe({ topics: [topic], fromBeginning: true }))
    await withLog(
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          recordBatch('c', read, payload)
          progress.notify()
        },
      }),
    )
    await withLog(progress.wait(() => assigned.join() === '0,1,2', WAIT_MS, () => `assignment, have ${assigned}`))
    // One sentinel per partition: the member must read exactly these, at the old end offsets.
    const admin = kafka.admin()
    await withLog(admin.connect())
    const ends = await withLog(admin.fetchTopicOffsets(topic)).finally(() => admin.disconnect())
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    producers.push(producer)
    await withLog(producer.connect())
    const sentinels = [0, 1, 2].map((p) => ({ partition: p, key: `s${p}`, value: `sentinel-${p}` }))
    await withLog(producer.send({ topic, acks: -1, messages: sentinels }))
    await withLog(progress.wait(() => read.length >= PARTITIONS, WAIT_MS, () => `3 sentinels, read ${read.length}`))
    await withLog(consumer.disconnect())
    const got = read.map((m) => ({ partition: m.partition, offset: m.offset, value: m.value })).sort((x, y) => x.partition - y.partition)
    const expected = sentinels.map((s) => ({
      partition: s.partition,
      offset: BigInt(ends.find((e) => e.partition === s.partition)?.high ?? '-1'),
      value: s.value,
    }))
    assert.deepEqual(got, expected)
  })
})
