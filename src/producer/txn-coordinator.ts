// Requests to the transaction and group coordinators on behalf of transactions.ts: maps broker
// error codes of transactional calls to ok / retry / re-find the coordinator / an error, and runs
// one call with retries (re-finding the coordinator when told to) until a deadline; builds the
// per-topic request lists of AddPartitionsToTxn and TxnOffsetCommit. Owned by the
// TransactionManager. Invariants: a fencing error reaches onFenced before it is thrown; no retry
// starts once isClosed() is true; a call never outlives its deadline by more than one request.
import { ClosedError, FencedError, KafkaClientError, ProtocolError } from '../errors.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { ErrorCode as E } from '../protocol/generated/error-table.js'
import type { AddPartitionsToTxnRequestAddPartitionsToTxnTopic } from '../protocol/generated/add-partitions-to-txn.js'
import type { TxnOffsetCommitRequestTxnOffsetCommitRequestTopic, TxnOffsetCommitResponse } from '../protocol/generated/txn-offset-commit.js'
import type { ExponentialBackoff } from '../util/backoff.js'
import type { Clock } from '../util/clock.js'
import type { CoordinatorType, ProducerCluster } from './cluster-port.js'
import { TransactionStateError } from './errors.js'
import type { TopicPartitionOffset } from './types.js'

const FENCING_CODES = new Set<number>([E.INVALID_PRODUCER_EPOCH, E.PRODUCER_FENCED, E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED])
const ABORTABLE_CODES = new Set<number>([E.TOPIC_AUTHORIZATION_FAILED, E.GROUP_AUTHORIZATION_FAILED, E.INVALID_TXN_STATE, E.TRANSACTION_ABORTABLE])
const REFIND_CODES = new Set<number>([E.COORDINATOR_NOT_AVAILABLE, E.NOT_COORDINATOR])
const RETRY_CODES = new Set<number>([E.UNKNOWN_TOPIC_OR_PARTITION, E.COORDINATOR_LOAD_IN_PROGRESS, E.CONCURRENT_TRANSACTIONS, E.OPERATION_NOT_ATTEMPTED])

export type TxnOutcome = 'ok' | 'retry' | 'refind' | Error

export interface TxnCoordinatorDeps {
  readonly transactionalId: string
  readonly maxBlockMs: number
  readonly requestTimeoutMs: number
  readonly cluster: ProducerCluster
  readonly clock: Clock
  /** shared with the AddPartitionsToTxn retries of the transaction manager */
  readonly backoff: ExponentialBackoff
  /** the transaction manager was closed: stop retrying */
  readonly isClosed: () => boolean
  /** a fencing error: the producer is unusable */
  readonly onFenced: (err: FencedError) => void
}

export class TxnCoordinatorCalls {
  readonly transactionalId: string
  readonly #d: TxnCoordinatorDeps

  constructor(deps: TxnCoordinatorDeps) {
    this.#d = deps
    this.transactionalId = deps.transactionalId
  }

  /** Maps a broker error code of a transactional call to what to do about it. */
  classify(code: number): TxnOutcome {
    if (code === 0) return 'ok'
    if (REFIND_CODES.has(code)) return 'refind'
    if (RETRY_CODES.has(code)) return 'retry'
    const err = new ProtocolError(code, `transactional id ${this.transactionalId}`)
    if (FENCING_CODES.has(code)) return new FencedError(`producer fenced: ${err.message}`, { cause: err })
    if (ABORTABLE_CODES.has(code)) return new TransactionStateError(err.message, { abortable: true, cause: err })
    return err.retriable ? 'retry' : err
  }

  /** The worst outcome over the partitions of a TxnOffsetCommit response. */
  classifyOffsetCommit(res: TxnOffsetCommitResponse): TxnOutcome {
    let worst: TxnOutcome = 'ok'
    for (const t of res.topics) {
      for (const p of t.partitions) {
        const o = this.classify(p.errorCode)
        if (o instanceof Error) return o
        if (o === 'refind' || (o === 'retry' && worst === 'ok')) worst = o
      }
    }
    return worst
  }

  /**
   * One request to a coordinator, retried (re-finding the coordinator when told to) until
   * `deadline`. Fencing errors make the producer fatal.
   */
  async call<Req, Res>(
    type: CoordinatorType,
    coordinatorKey: string,
    deadline: number,
    api: ApiDescriptor<Req, Res>,
    body: () => Req,
    check: (res: Res) => TxnOutcome,
    maxVersion?: number,
  ): Promise<Res> {
    const cluster = this.#d.cluster
    const errors: unknown[] = []
    for (let attempt = 0; ; attempt++) {
      if (this.#d.isClosed()) throw new ClosedError('producer closed')
      let outcome: TxnOutcome
      let res: Res | undefined
      try {
        const node = await cluster.findCoordinator(type, coordinatorKey)
        res = await cluster.send(node, api, body(), maxVersion === undefined ? { timeoutMs: this.#d.requestTimeoutMs } : { timeoutMs: this.#d.requestTimeoutMs, maxVersion })
        outcome = check(res)
      } catch (err) {
        const retriable = err instanceof KafkaClientError && err.retriable
        if (!retriable) throw err
        errors.push(err)
        outcome = 'refind'
      }
      if (outcome === 'ok') return res as Res
      if (outcome instanceof Error) {
        if (outcome instanceof FencedError) this.#d.onFenced(outcome)
        throw outcome
      }
      if (outcome === 'refind') cluster.invalidateCoordinator(type, coordinatorKey)
      const delay = this.#d.backoff.delayMs(attempt)
      if (this.#d.clock.now() + delay >= deadline) {
        throw new KafkaClientError('TIMEOUT', `${api.name} for ${coordinatorKey} did not succeed within maxBlockMs ${this.#d.maxBlockMs}`, {
          retriable: true,
          cause: errors[errors.length - 1],
        })
      }
      await this.#sleep(delay)
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#d.clock.setTimeout(resolve, ms))
  }
}

/** The TxnOffsetCommit topics of the offsets, grouped by topic in first-seen order. */
export function txnOffsetCommitTopics(offsets: readonly TopicPartitionOffset[]): TxnOffsetCommitRequestTxnOffsetCommitRequestTopic[] {
  const topics: TxnOffsetCommitRequestTxnOffsetCommitRequestTopic[] = []
  for (const o of offsets) {
    let t = topics.find((x) => x.name === o.topic)
    if (t === undefined) {
      t = { name: o.topic, partitions: [] }
      topics.push(t)
    }
    t.partitions.push({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch ?? -1,
      committedMetadata: o.metadata ?? null,
    })
  }
  return topics
}

/** The AddPartitionsToTxn (v0-3) topics of the partitions, grouped by topic in first-seen order. */
export function addPartitionsTopics(parts: readonly { topic: string; partition: number }[]): AddPartitionsToTxnRequestAddPartitionsToTxnTopic[] {
  const topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[] = []
  for (const p of parts) {
    let t = topics.find((x) => x.name === p.topic)
    if (t === undefined) {
      t = { name: p.topic, partitions: [] }
      topics.push(t)
    }
    t.partitions.push(p.partition)
  }
  return topics
}
