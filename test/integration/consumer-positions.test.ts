// Positions against the reference broker: seek (also into the middle of a batch), seekToBeginning
// / seekToEnd, pause/resume (paused partitions deliver nothing, nothing is lost), position(),
// beginningOffsets / endOffsets / offsetsForTimes, autoOffsetReset earliest / latest / none,
// OFFSET_OUT_OF_RANGE after DeleteRecords-like retention, a leader move while consuming (no skip,
// no duplicate), wakeup(), and typed deserializers with interceptors.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import {
  type ConsumerInterceptor,
  ConsumerRecords,
  NoOffsetForPartitionError,
  OffsetOutOfRangeError,
  stringDeserializer,
  WakeupError,
} from '../../src/consumer/index.js'
import { type Env, pollUntil, setup, values } from './consumer-helpers.js'

let env: Env | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

const tp0 = { topic: 't', partition: 0 }
const tp1 = { topic: 't', partition: 1 }

describe('consumer positions (reference broker)', () => {
  it('seeks, including into the middle of a batch, and seeks to the beginning and end', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['0', '1', '2', '3', '4']) // one batch
    const c = env.consumer()
    c.assign([tp0])
    c.seek(tp0, 3n)
    assert.deepEqual(values(await pollUntil(c, (rs) => rs.length >= 2)), ['3', '4'])
    assert.equal(await c.position(tp0), 5n)
    c.seekToBeginning([tp0])
    assert.equal(await c.position(tp0), 0n)
    assert.deepEqual(values(await pollUntil(c, (rs) => rs.length >= 5)), ['0', '1', '2', '3', '4'])
    c.seekToEnd()
    assert.equal(await c.position(tp0), 5n)
    await env.produce('t', 0, ['5'])
    assert.deepEqual(values(await pollUntil(c, (rs) => rs.length >= 1)), ['5'])
  })

  it('pause stops delivery for a partition without losing anything; resume continues', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 2 }] })
    await env.produce('t', 0, ['a0', 'a1'])
    await env.produce('t', 1, ['b0', 'b1'])
    const c = env.consumer({ autoOffsetReset: 'earliest' })
    c.assign([tp0, tp1])
    c.pause([tp1])
    assert.deepEqual(c.paused(), [tp1])
    const first = await pollUntil(c, (rs) => rs.length >= 2)
    for (let i = 0; i < 3; i++) first.push(...(await c.poll(30)))
    assert.deepEqual(values(first), ['a0', 'a1'])
    await env.produce('t', 1, ['b2'])
    c.resume([tp1])
    assert.deepEqual(c.paused(), [])
    assert.deepEqual(values(await pollUntil(c, (rs) => rs.length >= 3)), ['b0', 'b1', 'b2'])
  })

  it('looks up beginning, end and time-based offsets', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['x', 'y'])
    const before = Date.now()
    await env.produce('t', 0, ['z'])
    const c = env.consumer()
    assert.equal((await c.beginningOffsets([tp0])).get(tp0), 0n)
    assert.equal((await c.endOffsets([tp0])).get(tp0), 3n)
    const byTime = await c.offsetsForTimes([[tp0, before]])
    const hit = byTime.get(tp0)
    assert.ok(hit !== null && hit !== undefined && hit.offset >= 0n && hit.offset <= 2n)
    const future = await c.offsetsForTimes([{ ...tp0, timestamp: Date.now() + 3_600_000 }])
    assert.equal(future.get(tp0), null)
  })

  it('autoOffsetReset: earliest reads history, latest only new records, none throws', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['old'])
    const earliest = env.consumer({ groupId: 'e', autoOffsetReset: 'earliest' })
    earliest.assign([tp0])
    assert.deepEqual(values(await pollUntil(earliest, (rs) => rs.length >= 1)), ['old'])
    const latest = env.consumer({ groupId: 'l' })
    latest.assign([tp0])
    assert.equal(await latest.position(tp0), 1n)
    await env.produce('t', 0, ['new'])
    assert.deepEqual(values(await pollUntil(latest, (rs) => rs.length >= 1)), ['new'])
    const none = env.consumer({ groupId: 'n', autoOffsetReset: 'none' })
    none.assign([tp0])
    await assert.rejects(none.poll(100), NoOffsetForPartitionError)
  })

  it('resets on OFFSET_OUT_OF_RANGE (earliest) and surfaces it with none', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['a', 'b'])
    const c = env.consumer({ autoOffsetReset: 'earliest' })
    c.assign([tp0])
    c.seek(tp0, 50n)
    assert.deepEqual(values(await pollUntil(c, (rs) => rs.length >= 2)), ['a', 'b'])
    const strict = env.consumer({ autoOffsetReset: 'none' })
    strict.assign([tp0])
    strict.seek(tp0, 50n)
    let caught: unknown
    for (let i = 0; i < 20 && caught === undefined; i++) {
      try {
        await strict.poll(50)
      } catch (err) {
        caught = err
      }
    }
    assert.ok(caught instanceof OffsetOutOfRangeError)
  })

  it('follows a leader move without skipping or repeating records', async () => {
    env = await setup({ nodes: 3, topics: [{ name: 't', numPartitions: 1, replicationFactor: 3 }] })
    await env.produce('t', 0, ['1', '2'])
    const c = env.consumer({ autoOffsetReset: 'earliest' })
    c.assign([tp0])
    const seen = values(await pollUntil(c, (rs) => rs.length >= 2))
    const state = env.broker.control.state.partition('t', 0)!
    const target = env.broker.nodes.map((n) => n.nodeId).find((id) => id !== state.leader)!
    assert.ok(env.broker.control.moveLeader('t', 0, target))
    await env.produce('t', 0, ['3', '4'])
    seen.push(...values(await pollUntil(c, (rs) => rs.length >= 2)))
    assert.deepEqual(seen, ['1', '2', '3', '4'])
  })

  it('detects log truncation after an unclean election (KIP-320) and goes back to the divergence point', async () => {
    env = await setup({ nodes: 2, topics: [{ name: 't', numPartitions: 1, replicationFactor: 2 }], brokerConfigs: { 'replica.lag.time.max.ms': '100' } })
    await env.produce('t', 0, ['a'])
    const control = env.broker.control
    const oldLeader = control.state.partition('t', 0)!.leader
    const follower = env.broker.nodes.map((n) => n.nodeId).find((id) => id !== oldLeader)!
    control.stopReplication(follower, 't', 0)
    await env.produce('t', 0, ['b', 'c']) // acked once the lagging follower drops out of the ISR
    const c = env.consumer({ autoOffsetReset: 'earliest' })
    c.assign([tp0])
    assert.deepEqual(values(await pollUntil(c, (rs) => rs.length >= 3)), ['a', 'b', 'c'])
    assert.equal(await c.position(tp0), 3n)
    // the follower, which never got b and c, becomes leader: offsets 1 and 2 are gone
    assert.ok(control.moveLeader('t', 0, follower, { force: true, catchUp: false }))
    await env.produce('t', 0, ['d'])
    const after = await pollUntil(c, (rs) => rs.length >= 1)
    assert.deepEqual(values(after), ['d'])
    assert.equal(after[0]!.offset, 1n)
  })

  it('wakeup() makes the blocking poll reject with WakeupError, once', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    const c = env.consumer({ autoOffsetReset: 'earliest' })
    c.assign([tp0])
    const polling = c.poll(10_000)
    setTimeout(() => c.wakeup(), 20)
    await assert.rejects(polling, WakeupError)
    c.wakeup() // nobody blocked: the next call throws
    await assert.rejects(c.poll(10), WakeupError)
    assert.equal((await c.poll(10)).count, 0)
  })

  it('applies typed deserializers and interceptors (a throwing interceptor is skipped)', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['hello', 'world'], ['k1', null])
    const seenCommits: number[] = []
    const interceptors: ConsumerInterceptor<string | null, string | null>[] = [
      {
        onConsume: () => {
          throw new Error('broken interceptor')
        },
      },
      {
        onConsume: (records) => new ConsumerRecords(records.toArray().filter((r) => r.value !== 'world')),
        onCommit: (offsets) => void seenCommits.push(offsets.size),
      },
    ]
    const c = env.consumer<string | null, string | null>({
      groupId: 'typed',
      autoOffsetReset: 'earliest',
      keyDeserializer: stringDeserializer,
      valueDeserializer: stringDeserializer,
      interceptors,
    })
    c.assign([tp0])
    const rs = await pollUntil(c, (all) => all.length >= 1)
    assert.equal(rs.length, 1)
    assert.equal(rs[0]!.key, 'k1')
    assert.equal(rs[0]!.value, 'hello')
    assert.equal(await c.position(tp0), 2n)
    await c.commitSync()
    assert.deepEqual(seenCommits, [1])
  })
})
