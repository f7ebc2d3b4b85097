// The kafkats error hierarchy. Every error a user can see is a KafkaClientError with a stable
// string `code` and a `retriable` flag. Importable from every layer (it imports only the
// generated error table). `instanceof` works across duplicate installs of the package because
// checks use a global brand symbol, not the class identity (as undici does).
import { ERROR_TABLE } from './protocol/generated/error-table.js'

const BRAND = Symbol.for('kafkats.error')

export interface KafkaClientErrorOptions {
  readonly cause?: unknown
  readonly retriable?: boolean
}

export class KafkaClientError extends Error {
  readonly code: string
  readonly retriable: boolean
  declare readonly [BRAND]: string

  constructor(code: string, message: string, options: KafkaClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retriable = options.retriable ?? false
    Object.defineProperty(this, BRAND, { value: new.target.name })
    this.name = new.target.name
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false
    const brand = (value as Record<symbol, unknown>)[BRAND]
    if (typeof brand !== 'string') return false
    // Walk the prototype chain by name: a subclass matches itself and its ancestors.
    let proto: unknown = Object.getPrototypeOf(value)
    while (proto !== null && proto !== undefined) {
      const ctor = (proto as { constructor?: { name?: string } }).constructor
      if (ctor?.name === this.name) return true
      proto = Object.getPrototypeOf(proto)
    }
    return false
  }
}

/** A broker answered with a non-zero error code. */
export class ProtocolError extends KafkaClientError {
  readonly errorCode: number
  readonly errorName: string
  /** true when the client should refresh metadata before retrying (Java InvalidMetadataException) */
  readonly invalidatesMetadata: boolean

  constructor(errorCode: number, message?: string, options: { cause?: unknown } = {}) {
    const entry = ERROR_TABLE.get(errorCode)
    const errorName = entry?.name ?? `UNKNOWN_ERROR_CODE_${errorCode}`
    // Unknown codes (newer brokers) are never retried.
    const retriable = entry?.retriable ?? false
    super(errorName, message ? `${errorName}: ${message}` : errorName, { retriable, cause: options.cause })
    this.errorCode = errorCode
    this.errorName = errorName
    this.invalidatesMetadata = entry?.invalidatesMetadata ?? false
  }
}

/** A socket could not be opened, or closed under an in-flight request. Retriable. */
export class ConnectionError extends KafkaClientError {
  readonly broker: string | undefined
  constructor(message: string, options: { broker?: string; cause?: unknown } = {}) {
    super('CONNECTION_ERROR', message, { retriable: true, cause: options.cause })
    this.broker = options.broker
  }
}

/** A request got no response within requestTimeoutMs. Retriable (the outcome is unknown). */
export class RequestTimeoutError extends KafkaClientError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('REQUEST_TIMEOUT', message, { retriable: true, cause: options.cause })
  }
}

/** Bytes from the wire could not be decoded. Never retried: the peer speaks something else. */
export class ProtocolDecodeError extends KafkaClientError {
  readonly apiKey: number | undefined
  readonly apiVersion: number | undefined
  readonly offset: number
  constructor(message: string, details: { offset: number; apiKey?: number; apiVersion?: number; cause?: unknown }) {
    const where =
      details.apiKey === undefined ? `at offset ${details.offset}` : `in api ${details.apiKey} v${details.apiVersion} at offset ${details.offset}`
    super('PROTOCOL_DECODE_ERROR', `${message} (${where})`, { cause: details.cause })
    this.offset = details.offset
    this.apiKey = details.apiKey
    this.apiVersion = details.apiVersion
  }
}

/** Client and broker share no usable version of an API, or a feature needs a newer one. */
export class UnsupportedVersionError extends KafkaClientError {
  constructor(message: string) {
    super('UNSUPPORTED_VERSION', message)
  }
}

/** Invalid options, thrown synchronously at construction or configuration time. */
export class ConfigError extends KafkaClientError {
  constructor(message: string) {
    super('CONFIG_ERROR', message)
  }
}

/** An offset commit failed because the group rebalanced; the records may be redelivered. */
export class CommitFailedError extends KafkaClientError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('COMMIT_FAILED', message, { cause: options.cause })
  }
}

/** This producer or member was fenced by a newer instance; it cannot continue. */
export class FencedError extends KafkaClientError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('FENCED', message, { cause: options.cause })
  }
}

/** The client, producer, consumer or connection was closed. */
export class ClosedError extends KafkaClientError {
  constructor(message = 'closed') {
    super('CLOSED', message)
  }
}

/** The operation was cancelled through an AbortSignal. */
export class AbortError extends KafkaClientError {
  constructor(message = 'aborted', options: { cause?: unknown } = {}) {
    super('ABORTED', message, { cause: options.cause })
  }
}

/** Every attempt failed; `errors` holds each attempt's error, oldest first. */
export class RetriesExhaustedError extends KafkaClientError {
  readonly errors: readonly unknown[]
  constructor(message: string, errors: readonly unknown[]) {
    super('RETRIES_EXHAUSTED', message, { cause: errors[errors.length - 1] })
    this.errors = errors
  }
}
