// Producer-specific error classes, all KafkaClientError subclasses (so brand-checked instanceof
// works). They belong in src/errors.ts eventually; until its owner moves them there, they live
// here and index.ts re-exports them. Thrown by producer.ts, accumulator.ts, sender.ts and
// transactions.ts; never thrown out of send() (they reject its promise).
import { KafkaClientError } from '../errors.js'

/** A record the producer cannot accept: no topic, bad partition, bad header, bad timestamp. */
export class InvalidRecordError extends KafkaClientError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('INVALID_RECORD', message, { cause: options.cause })
  }
}

/** A key or value could not be serialized (no serializer for its type, or the serializer threw). */
export class SerializationError extends KafkaClientError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SERIALIZATION_ERROR', message, { cause: options.cause })
  }
}

/** send() waited maxBlockMs for buffer memory or topic metadata (Java BufferExhaustedException / TimeoutException). */
export class BufferExhaustedError extends KafkaClientError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('BUFFER_EXHAUSTED', message, { cause: options.cause })
  }
}

/** A batch was not acknowledged within deliveryTimeoutMs; `errors` holds each attempt's error. */
export class DeliveryTimeoutError extends KafkaClientError {
  readonly errors: readonly unknown[]
  constructor(message: string, errors: readonly unknown[] = []) {
    super('DELIVERY_TIMEOUT', message, { cause: errors[errors.length - 1] })
    this.errors = errors
  }
}

/**
 * A transactional call in the wrong state (commit without begin, send before initTransactions),
 * or a transaction that must be aborted (`abortable` = true: call abortTransaction and go on).
 */
export class TransactionStateError extends KafkaClientError {
  readonly abortable: boolean
  constructor(message: string, options: { abortable?: boolean; cause?: unknown } = {}) {
    super(options.abortable ? 'TRANSACTION_ABORTABLE' : 'ILLEGAL_TRANSACTION_STATE', message, { cause: options.cause })
    this.abortable = options.abortable ?? false
  }
}
