// Gets a producer id for an idempotent, non-transactional producer: InitProducerId with a null
// transactionalId, one request at a time, retriable failures retried with backoff. Owned by
// sender.ts, whose loop calls request() while it has queued batches and no producer id.
// Invariants: at most one request on the wire; success goes to the idempotence manager, a
// non-retriable failure to onFatal; every settled request wakes the send loop.
import { ClosedError, KafkaClientError, ProtocolError } from '../errors.js'
import { type Logger, safeLog } from '../network/logger.js'
import { InitProducerIdApi, type InitProducerIdRequest, type InitProducerIdResponse } from '../protocol/generated/init-producer-id.js'
import type { ExponentialBackoff } from '../util/backoff.js'
import type { Clock } from '../util/clock.js'
import type { ProducerCluster } from './cluster-port.js'
import type { IdempotenceManager } from './idempotence.js'

export interface ProducerIdRequestDeps {
  readonly cluster: ProducerCluster
  readonly idempotence: IdempotenceManager | null
  readonly clock: Clock
  readonly logger: Logger
  readonly backoff: ExponentialBackoff
  readonly requestTimeoutMs: number
  /** schedules a send-loop run */
  readonly wakeup: () => void
  /** enters the producer's fatal state */
  readonly onFatal: (err: Error) => void
}

export class ProducerIdRequest {
  readonly #d: ProducerIdRequestDeps
  #pidRequest = false
  #pidAttempts = 0
  #pidRetryAtMs = 0

  constructor(deps: ProducerIdRequestDeps) {
    this.#d = deps
  }

  /** Is an InitProducerId request on the wire? */
  get inFlight(): boolean {
    return this.#pidRequest
  }

  /** Not before this clock time may the next request go out. */
  get retryAtMs(): number {
    return this.#pidRetryAtMs
  }

  /** Sends InitProducerId unless one is on the wire or its backoff has not passed. */
  request(now: number): void {
    if (this.#pidRequest || now < this.#pidRetryAtMs) return
    this.#pidRequest = true
    const body: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 0x7fffffff, producerId: -1n, producerEpoch: -1 }
    this.#d.cluster.sendToAny(InitProducerIdApi, body, { timeoutMs: this.#d.requestTimeoutMs }).then(
      (res: InitProducerIdResponse) => {
        this.#pidRequest = false
        if (res.errorCode === 0) {
          this.#pidAttempts = 0
          this.#d.idempotence?.setProducerIdAndEpoch(res.producerId, res.producerEpoch, 'InitProducerId')
        } else {
          this.#pidFailed(new ProtocolError(res.errorCode, 'InitProducerId'))
        }
        this.#d.wakeup()
      },
      (err: unknown) => {
        this.#pidRequest = false
        this.#pidFailed(err)
        this.#d.wakeup()
      },
    )
  }

  #pidFailed(err: unknown): void {
    const retriable = err instanceof KafkaClientError && err.retriable
    if (!retriable && !(err instanceof ClosedError)) {
      this.#d.onFatal(err instanceof Error ? err : new KafkaClientError('INIT_PRODUCER_ID_FAILED', String(err)))
      return
    }
    safeLog(this.#d.logger, 'warn', 'InitProducerId failed; retrying', { error: err })
    this.#pidRetryAtMs = this.#d.clock.now() + this.#d.backoff.delayMs(this.#pidAttempts++)
  }
}
