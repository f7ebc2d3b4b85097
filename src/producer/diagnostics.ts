// The producer's node:diagnostics_channel channels and their message shapes. Publishers check
// `hasSubscribers` first, so an unobserved producer pays one property read per event.
// Called by interceptors.ts, sender.ts, idempotence.ts and producer.ts.
import diagnostics from 'node:diagnostics_channel'

/** A batch was acknowledged or failed (one message per batch, not per record). */
export const batchChannel = diagnostics.channel('kafkats:producer:batch')
/** A Produce request was sent to a broker. */
export const requestChannel = diagnostics.channel('kafkats:producer:request')
/** A batch is retried after a retriable error. */
export const retryChannel = diagnostics.channel('kafkats:producer:retry')
/** An interceptor threw; the send went on without it. */
export const interceptorErrorChannel = diagnostics.channel('kafkats:producer:interceptor-error')
/** The producer id or epoch changed (InitProducerId, KIP-360 epoch bump). */
export const producerIdChannel = diagnostics.channel('kafkats:producer:producer-id')
/** A transaction state transition. */
export const transactionChannel = diagnostics.channel('kafkats:producer:transaction')

export interface BatchMessage {
  readonly topic: string
  readonly partition: number
  readonly recordCount: number
  readonly sizeBytes: number
  readonly attempts: number
  /** base offset on success (-1n for acks=0) */
  readonly baseOffset: bigint | null
  readonly error: unknown
}

export interface RequestMessage {
  readonly nodeId: number
  readonly batchCount: number
  readonly acks: number
}

export interface RetryMessage {
  readonly topic: string
  readonly partition: number
  readonly attempts: number
  readonly error: unknown
}

export interface InterceptorErrorMessage {
  readonly hook: 'onSend' | 'onAcknowledgement' | 'close'
  readonly index: number
  readonly error: unknown
}

export interface ProducerIdMessage {
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly reason: string
}

export interface TransactionMessage {
  readonly transactionalId: string
  readonly from: string
  readonly to: string
}
