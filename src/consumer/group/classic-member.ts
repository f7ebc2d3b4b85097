// The classic consumer-group member (NOTES §g.1, Java AbstractCoordinator + ConsumerCoordinator):
// JoinGroup (KIP-394 MEMBER_ID_REQUIRED retry, static membership via groupInstanceId), the leader's
// assignor, SyncGroup, rebalance callbacks (rebalance-callbacks.ts), heartbeats and the poll timeout
// (heartbeat-loop.ts), LeaveGroup on close. Called by consumer.ts: ensureActiveGroup() from inside
// poll(). Invariants: one JoinGroup/SyncGroup round at a time; listener callbacks only run inside
// ensureActiveGroup()/leaveGroup(); an older generation's response never resets a newer one.
import { sleep } from '../../cluster/retry.js'
import { ClosedError, ConnectionError, FencedError, KafkaClientError, ProtocolError, RequestTimeoutError } from '../../errors.js'
import { type Logger, safeLog } from '../../network/logger.js'
import { ErrorCode } from '../../protocol/generated/error-table.js'
import { JoinGroupApi, type JoinGroupResponse } from '../../protocol/generated/join-group.js'
import { LeaveGroupApi } from '../../protocol/generated/leave-group.js'
import { SyncGroupApi } from '../../protocol/generated/sync-group.js'
import { ExponentialBackoff } from '../../util/backoff.js'
import type { Clock } from '../../util/clock.js'
import { fencedInstanceError } from '../errors.js'
import type { SubscriptionState } from '../subscription-state.js'
import type { ConsumerGroupMetadata } from '../types.js'
import { computeAssignments, decodeMembers, decodeOwnAssignment, joinProtocols, PROTOCOL_TYPE } from './embedded-protocol.js'
import type { GroupPort } from './group-port.js'
import { HeartbeatLoop } from './heartbeat-loop.js'
import type { ClassicMemberOptions, MemberHost, MemberState } from './member-options.js'
import { RebalanceCallbacks } from './rebalance-callbacks.js'

interface JoinOutcome {
  readonly generationId: number
  readonly memberId: string
  readonly protocolName: string
  readonly assignment: Buffer
  /** leader: every topic the group subscribes to (tracked for metadata changes) */
  readonly groupTopics: ReadonlySet<string> | null
}

const TIMEOUT = Symbol('timeout')

function noop(): void {}

export class ClassicGroupMember {
  readonly #o: ClassicMemberOptions
  readonly #port: GroupPort
  readonly #subs: SubscriptionState
  readonly #host: MemberHost
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #backoff: ExponentialBackoff
  readonly #abort = new AbortController()
  #state: MemberState = 'unjoined'
  #generationId = -1
  #memberId = ''
  #protocolName: string | null = null
  #rejoinNeeded = true
  #needsJoinPrepare = true
  #joinTask: Promise<JoinOutcome> | null = null
  #fatal: Error | null = null
  readonly #callbacks: RebalanceCallbacks
  readonly #heartbeats: HeartbeatLoop
  #snapshot = new Map<string, number>()
  #closed = false

  constructor(options: ClassicMemberOptions, port: GroupPort, subs: SubscriptionState, host: MemberHost, clock: Clock, logger: Logger) {
    this.#o = options
    this.#port = port
    this.#subs = subs
    this.#host = host
    this.#clock = clock
    this.#logger = logger
    this.#backoff = new ExponentialBackoff({ retryBackoffMs: options.retryBackoffMs, retryBackoffMaxMs: options.retryBackoffMaxMs })
    this.#callbacks = new RebalanceCallbacks(subs, options.protocol, logger)
    this.#heartbeats = new HeartbeatLoop(
      options,
      port,
      {
        member: this,
        requestRejoin: (reason) => this.requestRejoin(reason),
        resetGeneration: (resetMemberId, reason) => this.#resetGeneration(resetMemberId, reason),
        fail: (err) => this.#setFatal(err),
        leave: (reason) => void this.#leave(reason),
      },
      clock,
      logger,
    )
  }

  get state(): MemberState {
    return this.#state
  }

  get generationId(): number {
    return this.#generationId
  }

  get memberId(): string {
    return this.#memberId
  }

  get protocolName(): string | null {
    return this.#protocolName
  }

  get rejoinNeeded(): boolean {
    return this.#rejoinNeeded
  }

  groupMetadata(): ConsumerGroupMetadata {
    return { groupId: this.#o.groupId, generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: this.#o.groupInstanceId }
  }

  /** The generation a commit may use, or null while not stable (Java generationIfStable). */
  stableGeneration(): { generationId: number; memberId: string; groupInstanceId: string | null } | null {
    if (this.#state !== 'stable') return null
    return { generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: this.#o.groupInstanceId }
  }

  get rebalanceInProgress(): boolean {
    return this.#state === 'preparing' || this.#state === 'completing' || this.#joinTask !== null
  }

  /** Called at every poll(): the maxPollIntervalMs clock starts again. */
  pollTick(): void {
    this.#heartbeats.pollTick()
  }

  requestRejoin(reason: string): void {
    if (!this.#rejoinNeeded) safeLog(this.#logger, 'info', 'rejoining the group', { groupId: this.#o.groupId, reason })
    this.#rejoinNeeded = true
    this.#host.wake()
  }

  /** A commit got UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / REBALANCE_IN_PROGRESS / FENCED_INSTANCE_ID. */
  onCommitGroupError(errorCode: number): void {
    if (errorCode === ErrorCode.REBALANCE_IN_PROGRESS) this.requestRejoin('commit answered REBALANCE_IN_PROGRESS')
    else if (errorCode === ErrorCode.FENCED_INSTANCE_ID) this.#setFatal(new FencedError('fenced by another member with the same groupInstanceId'))
    else this.#resetGeneration(errorCode === ErrorCode.UNKNOWN_MEMBER_ID, `commit answered error ${errorCode}`)
  }

  /** Partition counts changed for a subscribed topic since the last assignment: rebalance. */
  checkMetadata(): void {
    if (this.#state !== 'stable') return
    for (const [topic, count] of this.#snapshot) {
      const now = this.#host.clusterView.partitionCount(topic)
      if (now !== undefined && now !== count) {
        this.requestRejoin(`partition count of "${topic}" changed from ${count} to ${now}`)
        return
      }
    }
    for (const topic of this.#subs.topics) {
      if (!this.#snapshot.has(topic) && this.#host.clusterView.partitionCount(topic) !== undefined) {
        this.requestRejoin(`subscribed topic "${topic}" appeared`)
        return
      }
    }
  }

  /**
   * Joins (or rejoins) the group if needed, waiting until `deadlineMs` (the poll timeout). Runs
   * the rebalance callbacks. Resolves true once stable with nothing pending; false when the
   * deadline came first (the round goes on in the background and the next call picks it up).
   */
  async ensureActiveGroup(deadlineMs: number, interrupt?: Promise<never>): Promise<boolean> {
    this.#throwIfFailed()
    if (this.#state === 'stable' && !this.#rejoinNeeded && this.#joinTask === null) return true
    if (this.#joinTask === null) {
      if (this.#needsJoinPrepare) {
        this.#needsJoinPrepare = false
        await this.#onJoinPrepare()
        this.#throwIfFailed()
      }
      this.#joinTask = this.#joinAndSync()
      this.#joinTask.catch(noop)
    }
    // wakeup()/close() interrupt only this wait: the round goes on and a later call applies it,
    // so rebalance callbacks never run outside poll()
    const waiting = this.#raceDeadline(this.#joinTask, deadlineMs)
    const outcome = await (interrupt === undefined ? waiting : Promise.race([waiting, interrupt]))
    if (outcome === TIMEOUT) return false
    this.#joinTask = null
    this.#needsJoinPrepare = true
    await this.#onJoinComplete(outcome)
    this.#throwIfFailed()
    this.#callbacks.throwPendingError()
    return this.#state === 'stable' && !this.#rejoinNeeded
  }

  #throwIfFailed(): void {
    if (this.#fatal !== null) throw this.#fatal
    if (this.#closed) throw new ClosedError('consumer closed')
  }

  #raceDeadline<T>(task: Promise<T>, deadlineMs: number): Promise<T | typeof TIMEOUT> {
    const remaining = deadlineMs - this.#clock.now()
    if (remaining <= 0) {
      // still give an already-settled task its chance
      return Promise.race([task, Promise.resolve(TIMEOUT)])
    }
    return new Promise<T | typeof TIMEOUT>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => resolve(TIMEOUT), remaining)
      task.then(
        (v) => {
          this.#clock.clearTimeout(timer)
          resolve(v)
        },
        (err: unknown) => {
          this.#clock.clearTimeout(timer)
          reject(err)
        },
      )
    })
  }

  // ---- rebalance: before and after ----------------------------------------------------------

  async #onJoinPrepare(): Promise<void> {
    const owned = this.#subs.assignedPartitions()
    const lost = this.#generationId < 0
    if (!lost) await this.#host.commitBeforeRevoke()
    await this.#callbacks.beforeJoin(owned, lost)
  }

  async #onJoinComplete(outcome: JoinOutcome): Promise<void> {
    let received: ReturnType<typeof decodeOwnAssignment>
    try {
      received = decodeOwnAssignment(outcome.assignment)
    } catch (err) {
      safeLog(this.#logger, 'error', 'cannot decode our assignment; rejoining', { error: String(err) })
      this.requestRejoin('undecodable assignment')
      return
    }
    const unsubscribed = received.partitions.filter((tp) => !this.#subs.topics.has(tp.topic))
    if (unsubscribed.length > 0) {
      // the subscription changed while the round ran: ask again
      this.requestRejoin(`assigned partitions of topics we do not subscribe to (${unsubscribed[0]!.topic})`)
      return
    }
    const assignor = this.#o.assignors.find((a) => a.name === outcome.protocolName)
    try {
      assignor?.onAssignment?.(received, { generationId: outcome.generationId, memberId: outcome.memberId })
    } catch (err) {
      safeLog(this.#logger, 'warn', 'assignor onAssignment threw', { error: String(err) })
    }
    this.#state = 'stable'
    this.#takeSnapshot(outcome.groupTopics)
    await this.#callbacks.afterSync(received.partitions, (reason) => this.requestRejoin(reason))
    safeLog(this.#logger, 'info', 'joined the group', {
      groupId: this.#o.groupId,
      generationId: outcome.generationId,
      memberId: outcome.memberId,
      protocol: outcome.protocolName,
      partitions: received.partitions.length,
    })
  }

  #takeSnapshot(groupTopics: ReadonlySet<string> | null): void {
    this.#snapshot = new Map()
    const topics = new Set(this.#subs.topics)
    if (groupTopics !== null) for (const t of groupTopics) topics.add(t)
    for (const t of topics) {
      const n = this.#host.clusterView.partitionCount(t)
      if (n !== undefined) this.#snapshot.set(t, n)
    }
  }

  // ---- JoinGroup / SyncGroup ----------------------------------------------------------------

  async #joinAndSync(): Promise<JoinOutcome> {
    // know our topics before joining, so the metadata snapshot taken after the round is complete
    // (a topic appearing in it later would look like a change and cause a needless rebalance)
    const view = this.#host.clusterView
    if ([...this.#subs.topics].some((t) => view.partitionCount(t) === undefined)) await this.#host.refreshTopics(this.#subs.topics)
    for (let attempt = 0; ; ) {
      this.#throwIfFailed()
      this.#state = 'preparing'
      this.#rejoinNeeded = false
      this.#heartbeats.stop()
      let join: JoinGroupResponse
      try {
        join = await this.#sendJoin()
      } catch (err) {
        await this.#afterRequestError('JoinGroup', err, attempt++)
        continue
      }
      const code = join.errorCode
      if (code === ErrorCode.MEMBER_ID_REQUIRED) {
        // KIP-394: the coordinator gave us our id; join again with it at once
        this.#memberId = join.memberId
        continue
      }
      if (code !== ErrorCode.NONE) {
        await this.#onRoundError('JoinGroup', code, attempt++)
        continue
      }
      this.#generationId = join.generationId
      this.#memberId = join.memberId
      this.#protocolName = join.protocolName
      this.#state = 'completing'
      this.#heartbeats.schedule(this.#o.heartbeatIntervalMs)
      const protocolName = join.protocolName ?? ''
      let assignments: { memberId: string; assignment: Buffer }[] = []
      let groupTopics: Set<string> | null = null
      if (join.leader === join.memberId && join.skipAssignment !== true) {
        const assignor = this.#o.assignors.find((a) => a.name === protocolName)
        if (assignor === undefined) {
          this.#setFatal(new ProtocolError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `the group chose assignor "${protocolName}", which this member does not have`))
          this.#throwIfFailed()
          throw new ClosedError()
        }
        const decoded = decodeMembers(join.members, this.#logger)
        groupTopics = decoded.allTopics
        await this.#host.refreshTopics(decoded.allTopics)
        assignments = computeAssignments(assignor, this.#host.clusterView, decoded, this.#logger)
      }
      let syncCode: number
      let assignment: Buffer
      try {
        const sync = await this.#port.send(
          SyncGroupApi,
          () => ({
            groupId: this.#o.groupId,
            generationId: join.generationId,
            memberId: join.memberId,
            groupInstanceId: this.#o.groupInstanceId,
            protocolType: PROTOCOL_TYPE,
            protocolName,
            assignments,
          }),
          { timeoutMs: this.#o.rebalanceTimeoutMs + 5000 },
        )
        syncCode = sync.errorCode
        assignment = sync.assignment
      } catch (err) {
        await this.#afterRequestError('SyncGroup', err, attempt++)
        continue
      }
      if (syncCode === ErrorCode.NONE) {
        return { generationId: join.generationId, memberId: join.memberId, protocolName, assignment, groupTopics }
      }
      await this.#onRoundError('SyncGroup', syncCode, attempt++)
    }
  }

  #sendJoin(): Promise<JoinGroupResponse> {
    const owned = this.#subs.assignedPartitions()
    const protocols = joinProtocols(this.#o.assignors, this.#subs.topics, owned, this.#generationId, this.#o.clientRack)
    return this.#port.send(
      JoinGroupApi,
      (version) => {
        if (this.#o.groupInstanceId !== null && version < 5) {
          throw new KafkaClientError('UNSUPPORTED_VERSION', 'static membership (groupInstanceId) needs JoinGroup v5+ (Kafka 2.3+)')
        }
        return {
          groupId: this.#o.groupId,
          sessionTimeoutMs: this.#o.sessionTimeoutMs,
          rebalanceTimeoutMs: this.#o.rebalanceTimeoutMs,
          memberId: this.#memberId,
          groupInstanceId: this.#o.groupInstanceId,
          protocolType: PROTOCOL_TYPE,
          protocols,
          reason: null,
        }
      },
      // JoinGroup waits for the whole group: allow the rebalance timeout plus a margin (Java: + 5 s)
      { timeoutMs: this.#o.rebalanceTimeoutMs + 5000 },
    )
  }

  /**
   * JoinGroup or SyncGroup answered an error: forget what the coordinator no longer knows and back
   * off before the next JoinGroup, or fail (FENCED_INSTANCE_ID, and every other code, e.g.
   * INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL, GROUP_AUTHORIZATION_FAILED, GROUP_MAX_SIZE_REACHED).
   */
  async #onRoundError(api: 'JoinGroup' | 'SyncGroup', code: number, attempt: number): Promise<void> {
    if (api === 'SyncGroup' && code === ErrorCode.REBALANCE_IN_PROGRESS) return // another round already started: join it now
    if (code === ErrorCode.UNKNOWN_MEMBER_ID) {
      this.#memberId = ''
      this.#generationId = -1
    } else if (code === ErrorCode.ILLEGAL_GENERATION) {
      this.#generationId = -1
    } else if (code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.NOT_COORDINATOR) {
      this.#port.invalidateCoordinator()
    } else if (code === ErrorCode.FENCED_INSTANCE_ID) {
      this.#setFatal(fencedInstanceError(this.#o.groupInstanceId, code))
      return
    } else if (code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && code !== ErrorCode.REBALANCE_IN_PROGRESS) {
      this.#setFatal(new ProtocolError(code, `${api} for group "${this.#o.groupId}"`))
      return
    }
    safeLog(this.#logger, 'debug', api === 'JoinGroup' ? 'JoinGroup failed; retrying' : 'SyncGroup failed; rejoining', { groupId: this.#o.groupId, error: code })
    await this.#sleep(this.#backoff.delayMs(attempt))
  }

  /** A request failed without an answer: retriable errors back off and retry, others are fatal. */
  async #afterRequestError(what: string, err: unknown, attempt: number): Promise<void> {
    if (this.#closed) throw new ClosedError('consumer closed')
    if (err instanceof ConnectionError || err instanceof RequestTimeoutError || (err instanceof KafkaClientError && err.retriable)) {
      this.#port.invalidateCoordinator()
      safeLog(this.#logger, 'debug', `${what} failed; retrying`, { groupId: this.#o.groupId, error: String(err) })
      await this.#sleep(this.#backoff.delayMs(attempt))
      return
    }
    this.#setFatal(err instanceof Error ? err : new KafkaClientError('GROUP_ERROR', String(err)))
  }

  /** Backs off; close() cuts the wait short. */
  #sleep(delayMs: number): Promise<void> {
    return sleep(delayMs, { signal: this.#abort.signal, clock: this.#clock }).catch(noop)
  }

  #setFatal(err: Error): void {
    this.#fatal ??= err
    this.#heartbeats.stop()
    this.#host.wake()
  }

  /** Forget the generation (and the member id when told): owned partitions count as lost. */
  #resetGeneration(resetMemberId: boolean, reason: string): void {
    safeLog(this.#logger, 'info', 'resetting the group generation', { groupId: this.#o.groupId, reason })
    this.#generationId = -1
    if (resetMemberId) this.#memberId = ''
    this.#state = 'unjoined'
    this.#heartbeats.stop()
    this.requestRejoin(reason)
  }

  // ---- leaving ------------------------------------------------------------------------------

  /** Sends LeaveGroup (dynamic members only) and forgets the generation; owned partitions become lost. */
  async #leave(reason: string): Promise<void> {
    const memberId = this.#memberId
    const wasMember = this.#state !== 'unjoined' && memberId !== ''
    this.#generationId = -1
    this.#memberId = ''
    this.#state = 'unjoined'
    this.#heartbeats.stop()
    this.#rejoinNeeded = true
    this.#host.wake()
    if (!wasMember || this.#o.groupInstanceId !== null) return
    try {
      const response = await this.#port.send(
        LeaveGroupApi,
        () => ({ groupId: this.#o.groupId, memberId, members: [{ memberId, groupInstanceId: null, reason }] }),
        { timeoutMs: this.#o.requestTimeoutMs },
      )
      const code = response.members?.find((m) => m.memberId === memberId)?.errorCode ?? response.errorCode
      if (response.errorCode !== ErrorCode.NONE || code !== ErrorCode.NONE) {
        safeLog(this.#logger, 'debug', 'LeaveGroup answered an error', { groupId: this.#o.groupId, error: code })
      }
    } catch (err) {
      safeLog(this.#logger, 'debug', 'LeaveGroup failed', { groupId: this.#o.groupId, error: String(err) })
    }
  }

  /**
   * Leaves in an orderly way (close, unsubscribe): revoke callbacks (or lost, if the generation is
   * gone), then LeaveGroup. The caller commits before.
   */
  async leaveGroup(reason: string): Promise<void> {
    await this.#callbacks.beforeLeave(this.#generationId < 0)
    if (this.#joinTask !== null) {
      // a round in flight: let it finish or fail quietly; we leave with whatever id we have
      this.#joinTask = null
    }
    this.#needsJoinPrepare = true
    await this.#leave(reason)
  }

  /** Stops timers and pending backoffs. Idempotent. */
  close(): void {
    this.#closed = true
    this.#heartbeats.close()
    this.#abort.abort()
  }
}
