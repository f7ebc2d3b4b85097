// The classic group member's state machine on a ManualClock against a scripted coordinator
// (a fake GroupPort): KIP-394 MEMBER_ID_REQUIRED, the leader's assignment in SyncGroup, eager
// revoke-before-join order, cooperative revoke-then-rejoin, heartbeats on the clock and their
// errors (REBALANCE_IN_PROGRESS, stale ILLEGAL_GENERATION, coordinator moves), leaving after
// maxPollIntervalMs with partitions then lost, fatal FENCED_INSTANCE_ID, and close stopping timers.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resolveAssignors } from '../../../../src/consumer/assignors/index.js'
import type { RebalanceProtocol } from '../../../../src/consumer/assignors/types.js'
import { ClassicGroupMember } from '../../../../src/consumer/group/classic-member.js'
import type { GroupPort } from '../../../../src/consumer/group/group-port.js'
import { SubscriptionState } from '../../../../src/consumer/subscription-state.js'
import type { TopicPartition } from '../../../../src/consumer/types.js'
import { FencedError } from '../../../../src/errors.js'
import { NOOP_LOGGER } from '../../../../src/network/logger.js'
import type { ApiDescriptor } from '../../../../src/protocol/api.js'
import {
  decodeConsumerProtocolAssignment,
  encodeConsumerProtocolAssignment,
} from '../../../../src/protocol/generated/consumer-protocol-assignment.js'
import { encodeConsumerProtocolSubscription } from '../../../../src/protocol/generated/consumer-protocol-subscription.js'
import { ErrorCode } from '../../../../src/protocol/generated/error-table.js'
import type { JoinGroupRequest, JoinGroupResponse } from '../../../../src/protocol/generated/join-group.js'
import type { SyncGroupRequest } from '../../../../src/protocol/generated/sync-group.js'
import { ManualClock } from '../../../../src/util/clock.js'

interface Sent {
  readonly api: string
  readonly body: Record<string, unknown>
}

type Responder = (api: string, body: Record<string, unknown>) => unknown | Promise<unknown>

class FakePort implements GroupPort {
  readonly sent: Sent[] = []
  invalidations = 0
  constructor(public responder: Responder) {}
  send<Req, Res>(api: ApiDescriptor<Req, Res>, build: (version: number) => Req): Promise<Res> {
    const body = build(api.maxVersion) as Record<string, unknown>
    this.sent.push({ api: api.name, body })
    return Promise.resolve().then(() => this.responder(api.name, body) as Res)
  }
  invalidateCoordinator(): void {
    this.invalidations++
  }
  names(): string[] {
    return this.sent.map((s) => s.api)
  }
}

const OPTIONS = {
  groupId: 'g',
  groupInstanceId: null,
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 60_000,
  heartbeatIntervalMs: 1000,
  maxPollIntervalMs: 60_000,
  requestTimeoutMs: 30_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 100,
  clientRack: null,
}

function assignment(partitions: TopicPartition[]): Buffer {
  const byTopic = new Map<string, number[]>()
  for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
  return encodeConsumerProtocolAssignment({ assignedPartitions: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })), userData: null }, 0)
}

function joinOk(generationId: number, memberId: string, extra: Partial<JoinGroupResponse> = {}): JoinGroupResponse {
  return { throttleTimeMs: 0, errorCode: 0, generationId, protocolType: 'consumer', protocolName: 'range', leader: 'someone-else', skipAssignment: false, memberId, members: [], ...extra }
}

function setup(o: { protocol?: RebalanceProtocol; strategy?: string[]; responder: Responder; maxPollIntervalMs?: number; groupInstanceId?: string }) {
  const clock = new ManualClock(1_000_000)
  const port = new FakePort(o.responder)
  const subs = new SubscriptionState('earliest')
  const events: string[] = []
  subs.subscribe(['t'], {
    onPartitionsAssigned: (tps) => void events.push(`assigned:${tps.map((tp) => tp.partition).join(',')}`),
    onPartitionsRevoked: (tps) => void events.push(`revoked:${tps.map((tp) => tp.partition).join(',')}`),
    onPartitionsLost: (tps) => void events.push(`lost:${tps.map((tp) => tp.partition).join(',')}`),
  })
  const member = new ClassicGroupMember(
    {
      ...OPTIONS,
      maxPollIntervalMs: o.maxPollIntervalMs ?? OPTIONS.maxPollIntervalMs,
      groupInstanceId: o.groupInstanceId ?? null,
      assignors: resolveAssignors(o.strategy ?? ['range']),
      protocol: o.protocol ?? 'eager',
    },
    port,
    subs,
    {
      clusterView: { partitionCount: (t) => (t === 't' ? 4 : undefined) },
      refreshTopics: () => Promise.resolve(),
      commitBeforeRevoke: () => {
        events.push('commit')
        return Promise.resolve()
      },
      wake: () => undefined,
    },
    clock,
    NOOP_LOGGER,
  )
  return { clock, port, subs, events, member }
}

/** Lets queued promise callbacks run (the fake port answers asynchronously). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

const tps = (...ps: number[]) => ps.map((partition) => ({ topic: 't', partition }))

describe('ClassicGroupMember', () => {
  it('joins with the id from MEMBER_ID_REQUIRED, assigns as leader and reports the assignment', async () => {
    let joins = 0
    const { port, member, subs, events } = setup({
      responder: (api, body) => {
        if (api === 'JoinGroup') {
          joins++
          if (body['memberId'] === '') return { ...joinOk(-1, 'm-1'), errorCode: ErrorCode.MEMBER_ID_REQUIRED }
          const metadata = encodeConsumerProtocolSubscription({ topics: ['t'], userData: null }, 0)
          return joinOk(1, 'm-1', {
            leader: 'm-1',
            members: [
              { memberId: 'm-1', groupInstanceId: null, metadata: (body['protocols'] as { metadata: Buffer }[])[0]!.metadata },
              { memberId: 'm-2', groupInstanceId: null, metadata },
            ],
          })
        }
        if (api === 'SyncGroup') {
          const mine = (body as unknown as SyncGroupRequest).assignments.find((a) => a.memberId === 'm-1')!
          return { throttleTimeMs: 0, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: mine.assignment }
        }
        return { throttleTimeMs: 0, errorCode: 0 }
      },
    })
    assert.equal(await member.ensureActiveGroup(Number.POSITIVE_INFINITY), true)
    assert.equal(joins, 2)
    assert.deepEqual(
      port.sent.filter((s) => s.api === 'JoinGroup').map((s) => s.body['memberId']),
      ['', 'm-1'],
    )
    const sync = port.sent.find((s) => s.api === 'SyncGroup')!.body as unknown as SyncGroupRequest
    const decoded = new Map(sync.assignments.map((a) => [a.memberId, decodeConsumerProtocolAssignment(a.assignment).value.assignedPartitions]))
    assert.deepEqual(decoded.get('m-1'), [{ topic: 't', partitions: [0, 1] }])
    assert.deepEqual(decoded.get('m-2'), [{ topic: 't', partitions: [2, 3] }])
    assert.deepEqual(subs.assignedPartitions(), tps(0, 1))
    assert.deepEqual(events, ['assigned:0,1'])
    assert.equal(member.state, 'stable')
    assert.deepEqual(member.groupMetadata(), { groupId: 'g', generationId: 1, memberId: 'm-1', groupInstanceId: null })
    const join = port.sent.find((s) => s.api === 'JoinGroup')!.body as unknown as JoinGroupRequest
    assert.equal(join.protocolType, 'consumer')
    assert.deepEqual(
      join.protocols.map((p) => p.name),
      ['range'],
    )
    member.close()
  })

  it('heartbeats on the clock; REBALANCE_IN_PROGRESS asks for a rejoin, which revokes (eager) before joining', async () => {
    let generation = 1
    let heartbeatError: number = ErrorCode.NONE
    const { clock, port, member, events } = setup({
      responder: (api) => {
        if (api === 'JoinGroup') return joinOk(generation, 'm')
        if (api === 'SyncGroup') return { throttleTimeMs: 0, errorCode: 0, assignment: assignment(tps(generation === 1 ? 0 : 1)) }
        if (api === 'Heartbeat') return { throttleTimeMs: 0, errorCode: heartbeatError }
        return {}
      },
    })
    await member.ensureActiveGroup(Number.POSITIVE_INFINITY)
    assert.equal(port.names().filter((n) => n === 'Heartbeat').length, 0)
    clock.advance(1000)
    await settle()
    clock.advance(1000)
    await settle()
    assert.equal(port.names().filter((n) => n === 'Heartbeat').length, 2)
    assert.equal(member.rejoinNeeded, false)
    heartbeatError = ErrorCode.REBALANCE_IN_PROGRESS
    clock.advance(1000)
    await settle()
    assert.equal(member.rejoinNeeded, true)
    generation = 2
    port.sent.length = 0
    assert.equal(await member.ensureActiveGroup(Number.POSITIVE_INFINITY), true)
    assert.deepEqual(events, ['assigned:0', 'commit', 'revoked:0', 'assigned:1'])
    assert.deepEqual(port.names(), ['JoinGroup', 'SyncGroup'])
    member.close()
    assert.equal(clock.pendingTimers, 0)
  })

  it('cooperative: revokes only what moved, then rejoins for the hand-over', async () => {
    let round = 0
    const { member, events, subs } = setup({
      protocol: 'cooperative',
      strategy: ['cooperative-sticky'],
      responder: (api) => {
        if (api === 'JoinGroup') return joinOk(++round, 'm', { protocolName: 'cooperative-sticky' })
        if (api === 'SyncGroup') return { throttleTimeMs: 0, errorCode: 0, assignment: assignment(round === 1 ? tps(0, 1, 2, 3) : round === 2 ? tps(0, 1) : tps(0, 1)) }
        return { throttleTimeMs: 0, errorCode: 0 }
      },
    })
    assert.equal(await member.ensureActiveGroup(Number.POSITIVE_INFINITY), true)
    member.requestRejoin('test')
    // round 2 takes 2 and 3 away: revoked, then a rejoin is needed
    assert.equal(await member.ensureActiveGroup(Number.POSITIVE_INFINITY), false)
    assert.equal(member.rejoinNeeded, true)
    assert.deepEqual(subs.assignedPartitions(), tps(0, 1))
    assert.equal(await member.ensureActiveGroup(Number.POSITIVE_INFINITY), true)
    assert.deepEqual(events, ['assigned:0,1,2,3', 'commit', 'revoked:2,3', 'assigned:', 'commit', 'assigned:'])
    member.close()
  })

  it('leaves after maxPollIntervalMs without poll(); the next round reports the partitions lost', async () => {
    const { clock, port, member, events } = setup({
      maxPollIntervalMs: 5000,
      responder: (api) => {
        if (api === 'JoinGroup') return joinOk(3, 'm')
        if (api === 'SyncGroup') return { throttleTimeMs: 0, errorCode: 0, assignment: assignment(tps(0)) }
        if (api === 'LeaveGroup') return { throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'm', groupInstanceId: null, errorCode: 0 }] }
        return { throttleTimeMs: 0, errorCode: 0 }
      },
    })
    await member.ensureActiveGroup(Number.POSITIVE_INFINITY)
    for (let i = 0; i < 6; i++) {
      clock.advance(1000)
      await settle()
    }
    const leave = port.sent.find((s) => s.api === 'LeaveGroup')
    assert.ok(leave, 'LeaveGroup sent')
    assert.deepEqual((leave.body['members'] as { memberId: string }[]).map((m) => m.memberId), ['m'])
    assert.equal(member.generationId, -1)
    assert.equal(member.rejoinNeeded, true)
    member.pollTick()
    await member.ensureActiveGroup(Number.POSITIVE_INFINITY)
    assert.deepEqual(events, ['assigned:0', 'lost:0', 'assigned:0'])
    member.close()
  })

  it('ignores a heartbeat error for an older generation, and retries after a coordinator move', async () => {
    let answer: (code: number) => void = () => undefined
    let generation = 1
    const { clock, port, member } = setup({
      responder: (api) => {
        if (api === 'JoinGroup') return joinOk(generation, 'm')
        if (api === 'SyncGroup') return { throttleTimeMs: 0, errorCode: 0, assignment: assignment(tps(0)) }
        if (api === 'Heartbeat') return new Promise((resolve) => (answer = (code) => resolve({ throttleTimeMs: 0, errorCode: code })))
        return {}
      },
    })
    await member.ensureActiveGroup(Number.POSITIVE_INFINITY)
    clock.advance(1000)
    await settle()
    // a new generation starts while that heartbeat is out
    generation = 2
    member.requestRejoin('test')
    const rejoined = member.ensureActiveGroup(Number.POSITIVE_INFINITY)
    await rejoined
    answer(ErrorCode.ILLEGAL_GENERATION)
    await settle()
    assert.equal(member.generationId, 2)
    assert.equal(member.rejoinNeeded, false)
    // NOT_COORDINATOR on a heartbeat: rediscover, retry after retryBackoffMs
    clock.advance(1000)
    await settle()
    const before = port.names().filter((n) => n === 'Heartbeat').length
    answer(ErrorCode.NOT_COORDINATOR)
    await settle()
    assert.equal(port.invalidations, 1)
    clock.advance(100)
    await settle()
    assert.equal(port.names().filter((n) => n === 'Heartbeat').length, before + 1)
    assert.equal(member.generationId, 2)
    member.close()
  })

  it('retries JoinGroup after NOT_COORDINATOR with backoff, and fails fatally on FENCED_INSTANCE_ID', async () => {
    const codes = [ErrorCode.NOT_COORDINATOR, ErrorCode.FENCED_INSTANCE_ID]
    const { clock, port, member } = setup({
      groupInstanceId: 'i-1',
      responder: (api) => (api === 'JoinGroup' ? { ...joinOk(-1, 'm'), errorCode: codes.shift() ?? 0 } : {}),
    })
    const joining = member.ensureActiveGroup(Number.POSITIVE_INFINITY)
    await settle()
    assert.equal(port.invalidations, 1)
    assert.equal(port.names().length, 1)
    clock.advance(100)
    await settle()
    await assert.rejects(joining, FencedError)
    assert.equal((port.sent[1]!.body as unknown as JoinGroupRequest).groupInstanceId, 'i-1')
    await assert.rejects(member.ensureActiveGroup(Number.POSITIVE_INFINITY), FencedError)
    member.close()
  })

  it('gives up waiting at the deadline and picks the same round up on the next call', async () => {
    let release: () => void = () => undefined
    const { clock, member } = setup({
      responder: (api) => {
        if (api === 'JoinGroup') return new Promise((resolve) => (release = () => resolve(joinOk(1, 'm'))))
        if (api === 'SyncGroup') return { throttleTimeMs: 0, errorCode: 0, assignment: assignment(tps(0)) }
        return {}
      },
    })
    const first = member.ensureActiveGroup(clock.now() + 500)
    await settle()
    clock.advance(500)
    assert.equal(await first, false)
    release()
    assert.equal(await member.ensureActiveGroup(Number.POSITIVE_INFINITY), true)
    member.close()
  })

  it('a throwing rebalance callback surfaces once, after the assignment is in place', async () => {
    const { member, subs } = setup({
      responder: (api) => {
        if (api === 'JoinGroup') return joinOk(1, 'm')
        if (api === 'SyncGroup') return { throttleTimeMs: 0, errorCode: 0, assignment: assignment(tps(2)) }
        return { throttleTimeMs: 0, errorCode: 0 }
      },
    })
    subs.subscribe(['t'], {
      onPartitionsAssigned: () => {
        throw new Error('user bug')
      },
    })
    await assert.rejects(member.ensureActiveGroup(Number.POSITIVE_INFINITY), /user bug/)
    assert.deepEqual(subs.assignedPartitions(), tps(2))
    assert.equal(member.state, 'stable')
    assert.equal(await member.ensureActiveGroup(Number.POSITIVE_INFINITY), true)
    member.close()
  })
})
