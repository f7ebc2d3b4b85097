// The contracts of the send loop (sender.ts): the dependencies the producer hands it and the
// hooks the transaction manager (transactions.ts) exposes to it. Types only; implemented by
// producer.ts and transactions.ts. Invariant: the options slice lists every option the loop reads.
import type { Logger } from '../network/logger.js'
import type { Clock } from '../util/clock.js'
import type { RecordAccumulator } from './accumulator.js'
import type { BufferPool } from './buffer-pool.js'
import type { ProducerCluster } from './cluster-port.js'
import type { IdempotenceManager } from './idempotence.js'
import type { ResolvedProducerOptions } from './options.js'

/** What the transaction manager exposes to the send loop. */
export interface SenderTransactionHooks {
  readonly transactionalId: string
  /** may batches of this partition go out (is it added to the transaction)? */
  canDrain(topic: string, partition: number): boolean
  /** called once per send loop: starts AddPartitionsToTxn for new partitions */
  poll(): void
  /** a batch failed inside the transaction: the transaction must abort */
  onAbortableError(err: Error): void
  /** fenced or otherwise unusable */
  onFatalError(err: Error): void
}

export interface SenderDeps {
  readonly accumulator: RecordAccumulator
  readonly cluster: ProducerCluster
  readonly options: Pick<
    ResolvedProducerOptions<unknown, unknown>,
    | 'acks'
    | 'retries'
    | 'deliveryTimeoutMs'
    | 'requestTimeoutMs'
    | 'maxRequestSize'
    | 'maxInFlightRequestsPerConnection'
    | 'retryBackoffMs'
    | 'retryBackoffMaxMs'
    | 'enableIdempotence'
  >
  readonly clock: Clock
  readonly logger: Logger
  readonly memory: BufferPool
  readonly idempotence: IdempotenceManager | null
  readonly transactions?: SenderTransactionHooks | null
  /** uniform [0, 1) for backoff jitter */
  readonly random?: () => number
}
