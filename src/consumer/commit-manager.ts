// A consumer's offset commits (Java ConsumerCoordinator, commit side): the identity a commit is
// made under (the stable generation, or none for manual assignment), commitSync's retries until
// its deadline, commitAsync's single outcome for promise and callback, auto-commit from poll() and
// before revocation or close, and committed() lookups. Owned by consumer.ts. Invariants: no commit
// is sent as a member during a rebalance (CommitFailedError instead); onCommit interceptors see
// only offsets the coordinator stored.
import type { Cluster } from '../cluster/cluster.js'
import { CommitFailedError, ConfigError, KafkaClientError, ProtocolError } from '../errors.js'
import { type Logger, safeLog } from '../network/logger.js'
import { ErrorCode } from '../protocol/generated/error-table.js'
import type { Clock } from '../util/clock.js'
import { type CommitInput, toCommitMap } from './commit-input.js'
import type { ClassicGroupMember } from './group/classic-member.js'
import type { GroupPort } from './group/group-port.js'
import { type CommitIdentity, commitOnce, fetchCommitted, isRetriableCommitError } from './offsets.js'
import type { ResolvedConsumerOptions } from './options.js'
import type { SubscriptionState } from './subscription-state.js'
import { TopicPartitionMap } from './topic-partition-map.js'
import { checkTp, type OffsetAndMetadata, type TopicPartition } from './types.js'

export type CommitCallback = (err: Error | null, offsets: TopicPartitionMap<OffsetAndMetadata>) => void

export type CommitOptions = Pick<
  ResolvedConsumerOptions<unknown, unknown>,
  'groupId' | 'enableAutoCommit' | 'autoCommitIntervalMs' | 'defaultApiTimeoutMs' | 'requestTimeoutMs' | 'isolationLevel'
>

export interface CommitManagerDeps {
  readonly cluster: Cluster
  readonly port: GroupPort | null
  readonly member: ClassicGroupMember | null
  readonly subs: SubscriptionState
  readonly interceptors: { onCommit(offsets: TopicPartitionMap<OffsetAndMetadata>): void }
  readonly clock: Clock
  readonly logger: Logger
  /** throws ClosedError once the consumer is closing */
  readonly checkOpen: () => void
}

function noop(): void {}

export class CommitManager {
  readonly #o: CommitOptions
  readonly #d: CommitManagerDeps
  #nextAutoCommitMs: number

  constructor(options: CommitOptions, deps: CommitManagerDeps) {
    this.#o = options
    this.#d = deps
    this.#nextAutoCommitMs = deps.clock.now() + options.autoCommitIntervalMs
  }

  /** Commits `offsets`, retrying coordinator moves until timeoutMs when `retry` is set. */
  async commit(offsets: TopicPartitionMap<OffsetAndMetadata>, retry: boolean, timeoutMs: number): Promise<void> {
    const groupId = this.#o.groupId
    const port = this.#d.port
    if (groupId === null || port === null) throw new ConfigError('committing offsets needs a groupId')
    if (offsets.size === 0) return
    const attempt = () => commitOnce(port, groupId, this.#commitIdentity(), offsets, this.#d.member)
    if (retry) {
      await this.#d.cluster.retry(attempt, { timeoutMs, isRetriable: isRetriableCommitError, operation: `OffsetCommit for group "${groupId}"` })
    } else {
      await attempt()
    }
    this.#d.interceptors.onCommit(offsets)
  }

  /** consumer.commitAsync(): see there for the forms; the callback and the promise share one outcome. */
  commitAsync(
    offsetsOrCallback?: CommitInput | CommitCallback,
    maybeCallback?: CommitCallback,
  ): Promise<TopicPartitionMap<OffsetAndMetadata>> {
    const callback = typeof offsetsOrCallback === 'function' ? offsetsOrCallback : maybeCallback
    const input = typeof offsetsOrCallback === 'function' ? undefined : offsetsOrCallback
    let map = new TopicPartitionMap<OffsetAndMetadata>()
    let promise: Promise<TopicPartitionMap<OffsetAndMetadata>>
    try {
      this.#d.checkOpen()
      map = input === undefined ? this.#d.subs.allConsumed() : toCommitMap(input)
      const committed = map
      promise = this.commit(committed, false, this.#o.requestTimeoutMs).then(() => committed)
    } catch (err) {
      promise = Promise.reject(err)
    }
    if (callback !== undefined) {
      if (typeof callback !== 'function') {
        promise.catch(noop)
        return Promise.reject(new ConfigError('commitAsync callback must be a function'))
      }
      const offsets = map
      promise.then(
        (m) => this.#callCommitCallback(callback, null, m),
        (err: unknown) => this.#callCommitCallback(callback, err instanceof Error ? err : new KafkaClientError('COMMIT_FAILED', String(err)), offsets),
      )
      promise.catch(noop)
    }
    return promise
  }

  #callCommitCallback(callback: CommitCallback, err: Error | null, offsets: TopicPartitionMap<OffsetAndMetadata>): void {
    try {
      callback(err, offsets)
    } catch (cbErr) {
      safeLog(this.#d.logger, 'error', 'commitAsync callback threw', { error: String(cbErr) })
    }
  }

  #commitIdentity(): CommitIdentity {
    const member = this.#d.member
    if (member === null || !this.#d.subs.usesGroupAssignment) return { generationId: -1, memberId: '', groupInstanceId: null }
    const stable = member.stableGeneration()
    if (stable !== null) return stable
    if (member.rebalanceInProgress) {
      throw new CommitFailedError('a rebalance is in progress: poll() to complete it, then commit what is still assigned', {
        cause: new ProtocolError(ErrorCode.REBALANCE_IN_PROGRESS),
      })
    }
    throw new CommitFailedError('this consumer is not an active member of the group (poll() to join); the commit was not sent')
  }

  /** What the member commits right before revoking (eager) and on close, when auto-commit is on. */
  async autoCommitSync(when: string): Promise<void> {
    if (!this.#o.enableAutoCommit) return
    try {
      await this.commit(this.#d.subs.allConsumed(), true, this.#o.defaultApiTimeoutMs)
    } catch (err) {
      safeLog(this.#d.logger, 'warn', `auto-commit ${when} failed`, { error: String(err) })
    }
  }

  /** From poll(): an asynchronous commit of every position once autoCommitIntervalMs has passed. */
  maybeAutoCommit(): void {
    const member = this.#d.member
    if (!this.#o.enableAutoCommit || member === null) return
    const now = this.#d.clock.now()
    if (now < this.#nextAutoCommitMs) return
    this.#nextAutoCommitMs = now + this.#o.autoCommitIntervalMs
    if (this.#d.subs.usesGroupAssignment && member.stableGeneration() === null) return
    const offsets = this.#d.subs.allConsumed()
    if (offsets.size === 0) return
    this.commit(offsets, false, this.#o.requestTimeoutMs).catch((err: unknown) => {
      safeLog(this.#d.logger, 'warn', 'auto-commit failed', { error: String(err) })
    })
  }

  /** The last committed offset per partition (null: none), from the coordinator. */
  committed(partitions: readonly TopicPartition[], timeoutMs: number): Promise<TopicPartitionMap<OffsetAndMetadata | null>> {
    const groupId = this.#o.groupId
    const port = this.#d.port
    if (groupId === null || port === null) throw new ConfigError('committed() needs a groupId')
    for (const tp of partitions) checkTp(tp)
    return this.#d.cluster.retry(() => fetchCommitted(port, groupId, partitions, this.#o.isolationLevel === 'read_committed'), {
      timeoutMs,
      operation: 'OffsetFetch',
    })
  }
}
