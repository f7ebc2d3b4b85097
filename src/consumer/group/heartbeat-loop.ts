// The classic member's heartbeats (Java's heartbeat thread, here on Clock timers independent of
// poll()): one Heartbeat every heartbeatIntervalMs while the member is completing or stable, and
// leaving the group when poll() was not called within maxPollIntervalMs. Owned by
// ClassicGroupMember, which it tells about the coordinator's answers through HeartbeatHost.
// Invariants: at most one Heartbeat in flight; an answer for an older generation is ignored;
// no timer is left after stop() or close().
import { type Logger, safeLog } from '../../network/logger.js'
import { ErrorCode } from '../../protocol/generated/error-table.js'
import { HeartbeatApi } from '../../protocol/generated/heartbeat.js'
import type { Clock, TimerHandle } from '../../util/clock.js'
import { fencedInstanceError } from '../errors.js'
import type { GroupPort } from './group-port.js'
import type { ClassicMemberOptions, MemberState } from './member-options.js'

export interface HeartbeatHost {
  /** live view of the member: heartbeats carry its current generation and id */
  readonly member: { readonly state: MemberState; readonly generationId: number; readonly memberId: string }
  requestRejoin(reason: string): void
  /** the coordinator forgot our generation (ILLEGAL_GENERATION) or our member id too (UNKNOWN_MEMBER_ID) */
  resetGeneration(resetMemberId: boolean, reason: string): void
  /** FENCED_INSTANCE_ID: fatal */
  fail(err: Error): void
  /** poll() was not called within maxPollIntervalMs */
  leave(reason: string): void
}

export class HeartbeatLoop {
  readonly #o: ClassicMemberOptions
  readonly #port: GroupPort
  readonly #host: HeartbeatHost
  readonly #clock: Clock
  readonly #logger: Logger
  #timer: TimerHandle | undefined = undefined
  #inFlight = false
  #lastPollMs: number
  #closed = false

  constructor(options: ClassicMemberOptions, port: GroupPort, host: HeartbeatHost, clock: Clock, logger: Logger) {
    this.#o = options
    this.#port = port
    this.#host = host
    this.#clock = clock
    this.#logger = logger
    this.#lastPollMs = clock.now()
  }

  /** Called at every poll(): the maxPollIntervalMs clock starts again. */
  pollTick(): void {
    this.#lastPollMs = this.#clock.now()
  }

  /** (Re)arms the timer: the next Heartbeat goes out in delayMs. */
  schedule(delayMs: number): void {
    this.#clock.clearTimeout(this.#timer)
    if (this.#closed) return
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined
      this.#heartbeat()
    }, delayMs)
  }

  stop(): void {
    this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Stops for good: answers still in flight are ignored. */
  close(): void {
    this.#closed = true
    this.stop()
  }

  #heartbeat(): void {
    const member = this.#host.member
    if (this.#closed || (member.state !== 'stable' && member.state !== 'completing')) return
    if (this.#inFlight) {
      // the previous one (maybe of an older generation) is still out: try again shortly
      this.schedule(this.#o.retryBackoffMs)
      return
    }
    if (this.#clock.now() - this.#lastPollMs > this.#o.maxPollIntervalMs) {
      safeLog(this.#logger, 'warn', 'poll() was not called within maxPollIntervalMs: leaving the group', {
        groupId: this.#o.groupId,
        maxPollIntervalMs: this.#o.maxPollIntervalMs,
      })
      this.#host.leave('consumer poll timeout has expired')
      return
    }
    const generationId = member.generationId
    const memberId = member.memberId
    this.#inFlight = true
    this.#port
      .send(HeartbeatApi, () => ({ groupId: this.#o.groupId, generationId, memberId, groupInstanceId: this.#o.groupInstanceId }), {
        timeoutMs: this.#o.requestTimeoutMs,
      })
      .then(
        (response) => this.#onHeartbeat(response.errorCode, generationId),
        (err: unknown) => {
          safeLog(this.#logger, 'debug', 'heartbeat failed', { groupId: this.#o.groupId, error: String(err) })
          this.#port.invalidateCoordinator()
          if (this.#host.member.generationId === generationId) this.schedule(this.#o.retryBackoffMs)
        },
      )
      .finally(() => {
        this.#inFlight = false
      })
  }

  #onHeartbeat(code: number, generationId: number): void {
    if (this.#closed || this.#host.member.generationId !== generationId) return // a newer generation has its own heartbeats
    switch (code) {
      case ErrorCode.NONE:
        break
      case ErrorCode.REBALANCE_IN_PROGRESS:
        if (this.#host.member.state === 'stable') this.#host.requestRejoin('the group is rebalancing')
        break
      case ErrorCode.ILLEGAL_GENERATION:
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.#host.resetGeneration(
          code === ErrorCode.UNKNOWN_MEMBER_ID,
          `heartbeat answered ${code === ErrorCode.UNKNOWN_MEMBER_ID ? 'UNKNOWN_MEMBER_ID' : 'ILLEGAL_GENERATION'}`,
        )
        return
      case ErrorCode.FENCED_INSTANCE_ID:
        this.#host.fail(fencedInstanceError(this.#o.groupInstanceId, code))
        return
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
        this.#port.invalidateCoordinator()
        this.schedule(this.#o.retryBackoffMs)
        return
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
        this.schedule(this.#o.retryBackoffMs)
        return
      default:
        safeLog(this.#logger, 'warn', 'unexpected heartbeat error', { groupId: this.#o.groupId, error: code })
    }
    this.schedule(this.#o.heartbeatIntervalMs)
  }
}
