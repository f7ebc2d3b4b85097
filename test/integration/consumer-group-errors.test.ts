// Broker-side group errors against the reference broker (RELIABILITY C.3): coordinator loading /
// moved during JoinGroup and commits (retried, no rebalance), REBALANCE_IN_PROGRESS and
// ILLEGAL_GENERATION on commit (CommitFailedError, then a rejoin), ILLEGAL_GENERATION on heartbeat
// (partitions lost, rejoin), static membership (restart without rebalance; a second instance
// fences the first), fatal GROUP_AUTHORIZATION_FAILED surfaced from poll, and a truncated trailing
// batch in every fetch response (progress continues).
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import type { Consumer, ConsumerOptions } from '../../src/consumer/index.js'
import { CommitFailedError, FencedError, ProtocolError } from '../../src/errors.js'
import { ErrorCode } from '../../src/protocol/generated/error-table.js'
import { HeartbeatApi } from '../../src/protocol/generated/heartbeat.js'
import { JoinGroupApi } from '../../src/protocol/generated/join-group.js'
import { OffsetCommitApi } from '../../src/protocol/generated/offset-commit.js'
import { type Env, pollUntil, setup, values } from './consumer-helpers.js'

let env: Env | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

const tp = { topic: 't', partition: 0 }

async function joined(c: Consumer, maxPolls = 100): Promise<void> {
  for (let i = 0; i < maxPolls && c.assignment().length === 0; i++) await c.poll(30)
  assert.ok(c.assignment().length > 0, 'joined the group')
}

function count(e: Env, apiName: string): number {
  return e.broker.control.requests.filter((r) => r.apiName === apiName).length
}

const fast: ConsumerOptions = { enableAutoCommit: false, autoOffsetReset: 'earliest', sessionTimeoutMs: 3000, heartbeatIntervalMs: 50 }

describe('group errors (reference broker)', () => {
  it('retries JoinGroup through COORDINATOR_LOAD_IN_PROGRESS and NOT_COORDINATOR', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    env.broker.control.queueErrors(JoinGroupApi, [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.NOT_COORDINATOR, ErrorCode.REBALANCE_IN_PROGRESS])
    const c = env.consumer({ groupId: 'g', ...fast })
    c.subscribe(['t'])
    await joined(c)
    assert.ok(count(env, 'JoinGroup') >= 4)
  })

  it('retries a commit after the coordinator moves, without a rebalance', async () => {
    env = await setup({ nodes: 3, topics: [{ name: 't', numPartitions: 1, replicationFactor: 3 }] })
    await env.produce('t', 0, ['a', 'b'])
    const c = env.consumer({ groupId: 'moving', ...fast })
    c.subscribe(['t'])
    await pollUntil(c, (rs) => rs.length >= 2)
    const generation = c.groupMetadata().generationId
    const current = env.broker.control.state.coordinatorFor(0, 'moving')
    const other = env.broker.nodes.map((n) => n.nodeId).find((id) => id !== current)!
    env.broker.control.moveCoordinator(0, 'moving', other, { loadingMs: 50 })
    env.broker.control.queueErrors(OffsetCommitApi, [ErrorCode.NOT_COORDINATOR])
    await c.commitSync()
    assert.equal((await c.committed([tp])).get(tp)?.offset, 2n)
    for (let i = 0; i < 5; i++) await c.poll(20)
    assert.equal(c.groupMetadata().generationId, generation)
  })

  it('REBALANCE_IN_PROGRESS and ILLEGAL_GENERATION on commit give CommitFailedError and a rejoin', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    await env.produce('t', 0, ['a'])
    const lost: string[] = []
    const c = env.consumer({ groupId: 'cf', ...fast })
    c.subscribe(['t'], { onPartitionsLost: () => void lost.push('lost') })
    await pollUntil(c, (rs) => rs.length >= 1)
    env.broker.control.queueErrors(OffsetCommitApi, [ErrorCode.REBALANCE_IN_PROGRESS])
    await assert.rejects(c.commitSync(), (err: unknown) => err instanceof CommitFailedError && (err.cause as ProtocolError).errorCode === ErrorCode.REBALANCE_IN_PROGRESS)
    const joins = count(env, 'JoinGroup')
    await c.poll(50)
    assert.ok(count(env, 'JoinGroup') > joins, 'rejoined after REBALANCE_IN_PROGRESS')
    await joined(c)
    // the failed commit stored nothing: after the rebalance the record is read again (at-least-once)
    assert.equal(await c.position(tp), 0n)
    env.broker.control.queueErrors(OffsetCommitApi, [ErrorCode.ILLEGAL_GENERATION])
    await assert.rejects(c.commitSync(), CommitFailedError)
    assert.equal(c.groupMetadata().generationId, -1)
    await joined(c)
    for (let i = 0; i < 50 && c.groupMetadata().generationId < 0; i++) await c.poll(30)
    assert.deepEqual(lost, ['lost'])
    // and committing works again in the new generation
    await c.commitSync()
  })

  it('ILLEGAL_GENERATION on a heartbeat: partitions lost, then rejoin', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    const events: string[] = []
    const c = env.consumer({ groupId: 'hb', ...fast })
    c.subscribe(['t'], {
      onPartitionsAssigned: (tps) => void events.push(`assigned:${tps.length}`),
      onPartitionsLost: (tps) => void events.push(`lost:${tps.length}`),
    })
    await joined(c)
    env.broker.control.queueErrors(HeartbeatApi, [ErrorCode.ILLEGAL_GENERATION])
    await env.broker.control.waitForRequest((r) => r.apiName === 'Heartbeat', 5000)
    for (let i = 0; i < 100 && events.length < 3; i++) await c.poll(30)
    assert.deepEqual(events, ['assigned:1', 'lost:1', 'assigned:1'])
  })

  it('static membership: a restart within the session timeout keeps the generation; a second instance fences the first', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 2 }] })
    const a = env.consumer({ groupId: 'static', groupInstanceId: 'node-1', ...fast })
    a.subscribe(['t'])
    await joined(a)
    const generation = a.groupMetadata().generationId
    await a.close() // static members do not send LeaveGroup
    assert.equal(count(env, 'LeaveGroup'), 0)
    const b = env.consumer({ groupId: 'static', groupInstanceId: 'node-1', ...fast })
    b.subscribe(['t'])
    await joined(b)
    assert.equal(b.groupMetadata().generationId, generation)
    assert.equal(b.assignment().length, 2)
    // a third process with the same instance id takes over; b is fenced
    const c = env.consumer({ groupId: 'static', groupInstanceId: 'node-1', ...fast })
    c.subscribe(['t'])
    await joined(c)
    let fenced: unknown
    for (let i = 0; i < 100 && fenced === undefined; i++) {
      try {
        await b.poll(30)
      } catch (err) {
        fenced = err
      }
    }
    assert.ok(fenced instanceof FencedError, String(fenced))
  })

  it('surfaces GROUP_AUTHORIZATION_FAILED from poll', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    env.broker.control.queueErrors(JoinGroupApi, [ErrorCode.GROUP_AUTHORIZATION_FAILED])
    const c = env.consumer({ groupId: 'denied', ...fast })
    c.subscribe(['t'])
    let caught: unknown
    for (let i = 0; i < 20 && caught === undefined; i++) {
      try {
        await c.poll(50)
      } catch (err) {
        caught = err
      }
    }
    assert.ok(caught instanceof ProtocolError && caught.errorCode === ErrorCode.GROUP_AUTHORIZATION_FAILED)
  })

  it('keeps making progress when every fetch response ends in a truncated batch', async () => {
    env = await setup({ topics: [{ name: 't', numPartitions: 1 }] })
    env.broker.control.setFetchPartialBatches(true)
    for (let i = 0; i < 10; i++) await env.produce('t', 0, [`${i}a`, `${i}b`])
    const c = env.consumer({ autoOffsetReset: 'earliest', maxPartitionFetchBytes: 200, fetchMaxBytes: 200 })
    c.assign([tp])
    const rs = await pollUntil(c, (all) => all.length >= 20, { maxPolls: 200 })
    assert.deepEqual(values(rs), Array.from({ length: 10 }, (_, i) => [`${i}a`, `${i}b`]).flat())
  })
})
