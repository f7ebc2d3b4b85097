// The transactional half of Java's TransactionManager (NOTES §h.2): initTransactions
// (FindCoordinator + InitProducerId, fencing older instances), beginTransaction (local),
// AddPartitionsToTxn (v0-3, the client form) before a partition's first batch, sendOffsets
// (AddOffsetsToTxn + TxnOffsetCommit to the group coordinator), commit/abort (EndTxn after every
// batch settled). A failed batch makes the transaction abortable; fencing makes the producer
// unusable. After an abortable error the epoch is bumped with InitProducerId(id, epoch) (KIP-360).
// Owned by producer.ts; the sender calls the SenderTransactionHooks half; coordinator requests,
// their retries and error mapping live in txn-coordinator.ts.
import { FencedError } from '../errors.js'
import { type Logger, safeLog } from '../network/logger.js'
import { AddOffsetsToTxnApi } from '../protocol/generated/add-offsets-to-txn.js'
import { AddPartitionsToTxnApi, type AddPartitionsToTxnResponse } from '../protocol/generated/add-partitions-to-txn.js'
import { EndTxnApi } from '../protocol/generated/end-txn.js'
import { InitProducerIdApi } from '../protocol/generated/init-producer-id.js'
import { TxnOffsetCommitApi } from '../protocol/generated/txn-offset-commit.js'
import { ExponentialBackoff } from '../util/backoff.js'
import type { Clock } from '../util/clock.js'
import type { ProducerCluster } from './cluster-port.js'
import { transactionChannel } from './diagnostics.js'
import { TransactionStateError } from './errors.js'
import type { IdempotenceManager } from './idempotence.js'
import type { SenderTransactionHooks } from './sender-deps.js'
import { addPartitionsTopics, TxnCoordinatorCalls, txnOffsetCommitTopics } from './txn-coordinator.js'
import type { ConsumerGroupMetadata, TopicPartitionOffset } from './types.js'

export type TransactionState =
  | 'UNINITIALIZED'
  | 'INITIALIZING'
  | 'READY'
  | 'IN_TRANSACTION'
  | 'COMMITTING'
  | 'ABORTING'
  | 'ABORTABLE_ERROR'
  | 'FATAL_ERROR'

/** Client versions of AddPartitionsToTxn stop at 3 (v4+ is the broker-to-broker form). */
const ADD_PARTITIONS_MAX_CLIENT_VERSION = 3
/** EndTxn v5 belongs to transactions V2 (KIP-890 part 2: an epoch bump per transaction), which we do not use. */
const END_TXN_MAX_VERSION = 4

export interface TransactionManagerDeps {
  readonly transactionalId: string
  readonly transactionTimeoutMs: number
  readonly maxBlockMs: number
  readonly requestTimeoutMs: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly cluster: ProducerCluster
  readonly idempotence: IdempotenceManager
  readonly clock: Clock
  readonly logger: Logger
  /** nudges the send loop (partitions were added) */
  readonly wakeup: () => void
  /** resolves when every record sent so far has settled */
  readonly flush: () => Promise<void>
  /** fails every batch not yet sent (abort, abortable error) */
  readonly abortUndrained: (err: Error) => void
  /** the producer is unusable: fail everything (fencing) */
  readonly fatal: (err: Error) => void
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

export class TransactionManager implements SenderTransactionHooks {
  readonly transactionalId: string
  readonly #d: TransactionManagerDeps
  readonly #backoff: ExponentialBackoff
  #state: TransactionState = 'UNINITIALIZED'
  #lastError: Error | null = null
  readonly #added = new Set<string>()
  readonly #pending = new Map<string, { topic: string; partition: number }>()
  #adding = false
  #addAttempts = 0
  #addRetryAtMs = 0
  #addTimer: ReturnType<Clock['setTimeout']> | undefined
  /** something was added (partitions or offsets): EndTxn must be sent */
  #started = false
  #epochBumpRequired = false
  #closed = false
  readonly #coord: TxnCoordinatorCalls

  constructor(deps: TransactionManagerDeps) {
    this.#d = deps
    this.transactionalId = deps.transactionalId
    this.#backoff = new ExponentialBackoff({ retryBackoffMs: deps.retryBackoffMs, retryBackoffMaxMs: deps.retryBackoffMaxMs })
    this.#coord = new TxnCoordinatorCalls({
      transactionalId: deps.transactionalId,
      maxBlockMs: deps.maxBlockMs,
      requestTimeoutMs: deps.requestTimeoutMs,
      cluster: deps.cluster,
      clock: deps.clock,
      backoff: this.#backoff,
      isClosed: () => this.#closed,
      onFenced: (err) => this.onFatalError(err),
    })
  }

  get state(): TransactionState {
    return this.#state
  }

  get inTransaction(): boolean {
    return this.#state === 'IN_TRANSACTION' || this.#state === 'ABORTABLE_ERROR' || this.#state === 'COMMITTING'
  }

  // ---------------------------------------------------------------------------------------------
  // user calls

  async initTransactions(): Promise<void> {
    if (this.#state === 'FATAL_ERROR') throw this.#fatalError()
    if (this.#state !== 'UNINITIALIZED') {
      throw new TransactionStateError(`initTransactions was already called (state ${this.#state})`)
    }
    this.#transition('INITIALIZING')
    try {
      await this.#initProducerId(-1n, -1)
      this.#transition('READY')
    } catch (err) {
      if (this.#is('INITIALIZING')) this.#transition('UNINITIALIZED')
      throw err
    }
  }

  beginTransaction(): void {
    this.#checkNotFatal()
    if (this.#state !== 'READY') {
      throw new TransactionStateError(
        this.#is('UNINITIALIZED') || this.#is('INITIALIZING')
          ? 'beginTransaction needs initTransactions first'
          : `beginTransaction in state ${this.#state}: commit or abort the current transaction first`,
      )
    }
    this.#started = false
    this.#transition('IN_TRANSACTION')
  }

  /** Throws unless a send may join the current transaction. */
  checkCanSend(): void {
    this.#checkNotFatal()
    if (this.#state === 'IN_TRANSACTION') return
    if (this.#state === 'ABORTABLE_ERROR') {
      throw new TransactionStateError('the transaction must be aborted after an earlier error', {
        abortable: true,
        cause: this.#lastError,
      })
    }
    throw new TransactionStateError(`send() inside a transactional producer needs beginTransaction() (state ${this.#state})`)
  }

  /** Registers the partition of a record just appended. */
  maybeAddPartition(topic: string, partition: number): void {
    const k = key(topic, partition)
    if (this.#added.has(k) || this.#pending.has(k)) return
    this.#pending.set(k, { topic, partition })
  }

  async sendOffsetsToTransaction(
    offsets: readonly TopicPartitionOffset[],
    group: ConsumerGroupMetadata | string,
  ): Promise<void> {
    this.checkCanSend()
    const meta: ConsumerGroupMetadata = typeof group === 'string' ? { groupId: group } : group
    if (typeof meta.groupId !== 'string' || meta.groupId.length === 0) {
      throw new TransactionStateError('sendOffsetsToTransaction needs a groupId')
    }
    if (offsets.length === 0) return
    const deadline = this.#d.clock.now() + this.#d.maxBlockMs
    const idem = this.#d.idempotence
    this.#started = true
    await this.#coord.call('transaction', this.transactionalId, deadline, AddOffsetsToTxnApi, () => ({
      transactionalId: this.transactionalId,
      producerId: idem.producerId,
      producerEpoch: idem.producerEpoch,
      groupId: meta.groupId,
    }), (res) => this.#coord.classify(res.errorCode))
    const topics = txnOffsetCommitTopics(offsets)
    await this.#coord.call('group', meta.groupId, deadline, TxnOffsetCommitApi, () => ({
      transactionalId: this.transactionalId,
      groupId: meta.groupId,
      producerId: idem.producerId,
      producerEpoch: idem.producerEpoch,
      generationId: meta.generationId ?? -1,
      memberId: meta.memberId ?? '',
      groupInstanceId: meta.groupInstanceId ?? null,
      topics,
    }), (res) => this.#coord.classifyOffsetCommit(res))
  }

  async commitTransaction(): Promise<void> {
    this.#checkNotFatal()
    if (this.#state === 'ABORTABLE_ERROR') {
      throw new TransactionStateError('cannot commit: the transaction must be aborted', { abortable: true, cause: this.#lastError })
    }
    if (this.#state !== 'IN_TRANSACTION') throw new TransactionStateError(`commitTransaction in state ${this.#state}`)
    this.#transition('COMMITTING')
    this.#d.wakeup()
    await this.#d.flush()
    if (!this.#is('COMMITTING')) {
      // a batch failed while flushing: the transaction is abortable (or the producer fenced)
      this.#checkNotFatal()
      throw new TransactionStateError('cannot commit: a record of the transaction failed', { abortable: true, cause: this.#lastError })
    }
    try {
      await this.#endTxn(true)
    } catch (err) {
      if (this.#is('COMMITTING')) this.#toAbortable(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
    this.#finish()
  }

  async abortTransaction(): Promise<void> {
    this.#checkNotFatal()
    if (this.#state !== 'IN_TRANSACTION' && this.#state !== 'ABORTABLE_ERROR' && this.#state !== 'COMMITTING') {
      throw new TransactionStateError(`abortTransaction in state ${this.#state}`)
    }
    this.#transition('ABORTING')
    this.#d.abortUndrained(new TransactionStateError('transaction aborted', { abortable: true }))
    this.#pending.clear()
    await this.#d.flush()
    this.#checkNotFatal()
    await this.#endTxn(false)
    if (this.#epochBumpRequired) {
      const idem = this.#d.idempotence
      await this.#initProducerId(idem.producerId, idem.producerEpoch)
      this.#epochBumpRequired = false
    }
    this.#finish()
  }

  /** Stops background retries (producer close). */
  close(): void {
    this.#closed = true
    if (this.#addTimer !== undefined) this.#d.clock.clearTimeout(this.#addTimer)
    this.#addTimer = undefined
  }

  // ---------------------------------------------------------------------------------------------
  // sender hooks

  canDrain(topic: string, partition: number): boolean {
    return this.#added.has(key(topic, partition))
  }

  poll(): void {
    if (this.#adding || this.#pending.size === 0 || this.#closed) return
    if (this.#state !== 'IN_TRANSACTION' && this.#state !== 'COMMITTING') return
    if (this.#d.clock.now() < this.#addRetryAtMs) return
    this.#adding = true
    const batch = [...this.#pending.values()]
    this.#sendAddPartitions(batch).then(
      () => {
        this.#adding = false
        this.#d.wakeup()
      },
      (err: unknown) => {
        this.#adding = false
        safeLog(this.#d.logger, 'warn', 'AddPartitionsToTxn failed', { error: err })
        this.#d.wakeup()
      },
    )
  }

  onAbortableError(err: Error): void {
    this.#epochBumpRequired = true
    if (this.#state === 'IN_TRANSACTION' || this.#state === 'COMMITTING') this.#toAbortable(err)
  }

  onFatalError(err: Error): void {
    if (this.#state === 'FATAL_ERROR') return
    this.#lastError = err
    this.#transition('FATAL_ERROR')
    this.#d.fatal(err)
  }

  // ---------------------------------------------------------------------------------------------

  async #sendAddPartitions(parts: readonly { topic: string; partition: number }[]): Promise<void> {
    const topics = addPartitionsTopics(parts)
    const idem = this.#d.idempotence
    let coordinator: number
    try {
      coordinator = await this.#d.cluster.findCoordinator('transaction', this.transactionalId)
    } catch (err) {
      this.#scheduleAddRetry()
      throw err
    }
    let res: AddPartitionsToTxnResponse
    try {
      res = await this.#d.cluster.send(
        coordinator,
        AddPartitionsToTxnApi,
        {
          v3AndBelowTransactionalId: this.transactionalId,
          v3AndBelowProducerId: idem.producerId,
          v3AndBelowProducerEpoch: idem.producerEpoch,
          v3AndBelowTopics: topics,
        },
        { timeoutMs: this.#d.requestTimeoutMs, maxVersion: ADD_PARTITIONS_MAX_CLIENT_VERSION },
      )
    } catch (err) {
      this.#d.cluster.invalidateCoordinator('transaction', this.transactionalId)
      this.#scheduleAddRetry()
      throw err
    }
    let retry = false
    for (const t of res.resultsByTopicV3AndBelow ?? []) {
      for (const p of t.resultsByPartition) {
        const k = key(t.name, p.partitionIndex)
        const code = p.partitionErrorCode
        if (code === 0) {
          if (this.#pending.delete(k)) this.#added.add(k)
          this.#started = true
          continue
        }
        const outcome = this.#coord.classify(code)
        if (outcome === 'refind') this.#d.cluster.invalidateCoordinator('transaction', this.transactionalId)
        if (outcome instanceof Error) {
          if (outcome instanceof FencedError) this.onFatalError(outcome)
          else this.onAbortableError(outcome)
          return
        }
        retry = true
      }
    }
    if (retry || this.#pending.size > 0) this.#scheduleAddRetry()
    else this.#addAttempts = 0
  }

  #scheduleAddRetry(): void {
    if (this.#closed) return
    const delay = this.#backoff.delayMs(this.#addAttempts++)
    this.#addRetryAtMs = this.#d.clock.now() + delay
    if (this.#addTimer !== undefined) this.#d.clock.clearTimeout(this.#addTimer)
    this.#addTimer = this.#d.clock.setTimeout(() => {
      this.#addTimer = undefined
      this.#d.wakeup()
    }, delay)
  }

  async #initProducerId(producerId: bigint, producerEpoch: number): Promise<void> {
    const deadline = this.#d.clock.now() + this.#d.maxBlockMs
    const res = await this.#coord.call('transaction', this.transactionalId, deadline, InitProducerIdApi, () => ({
      transactionalId: this.transactionalId,
      transactionTimeoutMs: this.#d.transactionTimeoutMs,
      producerId,
      producerEpoch,
    }), (r) => this.#coord.classify(r.errorCode))
    this.#d.idempotence.setProducerIdAndEpoch(res.producerId, res.producerEpoch, producerId < 0n ? 'initTransactions' : 'epoch bump after abort (KIP-360)')
  }

  async #endTxn(committed: boolean): Promise<void> {
    if (!this.#started) return // nothing was added: no transaction exists on the coordinator
    const idem = this.#d.idempotence
    const deadline = this.#d.clock.now() + this.#d.maxBlockMs
    const res = await this.#coord.call(
      'transaction',
      this.transactionalId,
      deadline,
      EndTxnApi,
      () => ({ transactionalId: this.transactionalId, producerId: idem.producerId, producerEpoch: idem.producerEpoch, committed }),
      (r) => this.#coord.classify(r.errorCode),
      END_TXN_MAX_VERSION,
    )
    // a coordinator that bumped the epoch anyway (EndTxn v5+) tells us the new one
    const pid = res.producerId ?? -1n
    const epoch = res.producerEpoch ?? -1
    if (pid >= 0n && epoch >= 0 && (pid !== idem.producerId || epoch !== idem.producerEpoch)) {
      idem.setProducerIdAndEpoch(pid, epoch, 'EndTxn epoch bump')
    }
  }

  #finish(): void {
    this.#added.clear()
    this.#pending.clear()
    this.#started = false
    this.#lastError = null
    this.#transition('READY')
  }

  /** State test that TypeScript does not narrow (the state changes across awaits). */
  #is(state: TransactionState): boolean {
    return this.#state === state
  }

  #toAbortable(err: Error): void {
    this.#lastError = err
    this.#transition('ABORTABLE_ERROR')
    // records not sent yet can never be part of this transaction: fail them now (Java maybeAbortBatches)
    this.#d.abortUndrained(new TransactionStateError('the transaction must be aborted after an earlier error', { abortable: true, cause: err }))
  }

  #checkNotFatal(): void {
    if (this.#state === 'FATAL_ERROR') throw this.#fatalError()
  }

  #fatalError(): Error {
    const err = this.#lastError
    if (err instanceof FencedError) return err
    return new TransactionStateError('the producer hit a fatal error; close it and create a new one', { cause: err })
  }

  #transition(to: TransactionState): void {
    const from = this.#state
    this.#state = to
    if (transactionChannel.hasSubscribers) transactionChannel.publish({ transactionalId: this.transactionalId, from, to })
  }
}
