// Consumer-specific error classes (KafkaClientError subclasses, so the brand-checked instanceof
// works across installs), plus the group member's FencedError. They belong in src/errors.ts
// eventually; until its owner moves them there, they live here and index.ts re-exports them.
// Thrown (or rejected) by consumer.ts, fetcher.ts, offsets.ts and the group member; never thrown
// synchronously out of a callback path.
import { FencedError, KafkaClientError, ProtocolError } from '../errors.js'
import type { TopicPartition } from './types.js'

/** consumer.wakeup() interrupted a blocking call (Java WakeupException). */
export class WakeupError extends KafkaClientError {
  constructor(message = 'consumer woken up') {
    super('WAKEUP', message)
  }
}

/** A call made in a state that does not allow it (Java IllegalStateException). */
export class IllegalStateError extends KafkaClientError {
  constructor(message: string) {
    super('ILLEGAL_STATE', message)
  }
}

/** autoOffsetReset is 'none' and a partition has no committed offset (Java NoOffsetForPartitionException). */
export class NoOffsetForPartitionError extends KafkaClientError {
  readonly partitions: readonly TopicPartition[]
  constructor(partitions: readonly TopicPartition[]) {
    super('NO_OFFSET_FOR_PARTITION', `no committed offset and autoOffsetReset is 'none' for ${describe(partitions)}`)
    this.partitions = partitions
  }
}

/** The fetch position is outside the log and autoOffsetReset is 'none' (Java OffsetOutOfRangeException). */
export class OffsetOutOfRangeError extends KafkaClientError {
  readonly offsets: ReadonlyMap<string, bigint>
  constructor(partitions: readonly (TopicPartition & { readonly offset: bigint })[]) {
    super('OFFSET_OUT_OF_RANGE', `fetch position out of range and autoOffsetReset is 'none': ${partitions.map((p) => `${p.topic}-${p.partition}@${p.offset}`).join(', ')}`)
    this.offsets = new Map(partitions.map((p) => [`${p.topic}-${p.partition}`, p.offset]))
  }
}

/**
 * A record could not be deserialized, or a fetched batch was corrupt. The position stays at the
 * failing offset: seek past it to go on (Java RecordDeserializationException / KafkaException).
 */
export class RecordDeserializationError extends KafkaClientError {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  constructor(topic: string, partition: number, offset: bigint, message: string, options: { cause?: unknown } = {}) {
    super('RECORD_DESERIALIZATION', `${topic}-${partition} at offset ${offset}: ${message}`, { cause: options.cause })
    this.topic = topic
    this.partition = partition
    this.offset = offset
  }
}

/** Fetched data for a partition cannot be used (corrupt batch, no complete batch): seek past it to continue. */
export class CorruptRecordError extends KafkaClientError {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  constructor(topic: string, partition: number, offset: bigint, message: string, options: { cause?: unknown } = {}) {
    super('CORRUPT_RECORD', `${topic}-${partition} at offset ${offset}: ${message}`, { cause: options.cause })
    this.topic = topic
    this.partition = partition
    this.offset = offset
  }
}

/** The fatal error of a static member whose groupInstanceId another member took over (FENCED_INSTANCE_ID). */
export function fencedInstanceError(groupInstanceId: string | null, code: number): FencedError {
  return new FencedError(`groupInstanceId "${groupInstanceId}" is in use by another member`, { cause: new ProtocolError(code) })
}

function describe(partitions: readonly TopicPartition[]): string {
  return partitions.map((p) => `${p.topic}-${p.partition}`).join(', ')
}
