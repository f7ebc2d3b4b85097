// Public shapes of the consumer API (API.md "Consumer"): topic partitions, offsets with metadata,
// delivered records, rebalance listeners, group metadata, and checkTp (validates a user-supplied
// TopicPartition). Shared by every consumer module and re-exported by index.ts. Offsets are
// bigint; timestamps are numbers (ms). A ConsumerRecord is a class instance so commitSync(records)
// can tell a record (commit offset + 1n) from an explicit offset (commit as given).
import { ConfigError } from '../errors.js'
import type { RecordHeader } from '../protocol/records/types.js'

export type { RecordHeader } from '../protocol/records/types.js'

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/** A committed (or to-be-committed) position: the next offset to read. */
export interface OffsetAndMetadata {
  readonly offset: bigint
  readonly metadata: string | null
  /** leader epoch of the last consumed record (KIP-320), null when unknown */
  readonly leaderEpoch: number | null
}

/** An explicit commit entry: `offset` is the next offset to read (Java's meaning). */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: bigint
  readonly metadata?: string | null
  readonly leaderEpoch?: number | null
}

/** offsetsForTimes() result for one partition. */
export interface OffsetAndTimestamp {
  readonly offset: bigint
  readonly timestamp: number
  readonly leaderEpoch: number | null
}

export type TimestampTypeName = 'NoTimestampType' | 'CreateTime' | 'LogAppendTime'

/** The default key/value type without a deserializer: the raw bytes (null stays null). */
export type DefaultKey = Buffer | null
export type DefaultValue = Buffer | null

/** One delivered record. */
export class ConsumerRecord<K = DefaultKey, V = DefaultValue> {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: bigint,
    readonly timestamp: number,
    readonly timestampType: TimestampTypeName,
    readonly key: K,
    readonly value: V,
    /** in wire order; keys may repeat */
    readonly headers: readonly RecordHeader[],
    /** the batch's partition leader epoch; null when the broker did not set one */
    readonly leaderEpoch: number | null,
    /** -1 for a null key */
    readonly serializedKeySize: number,
    /** -1 for a null value */
    readonly serializedValueSize: number,
  ) {}
}

/**
 * Rebalance callbacks (Java ConsumerRebalanceListener). Each may be async; the consumer awaits it
 * inside poll() (or close()) before going on. An exception is logged and does not stop the
 * rebalance (Java surfaces it from poll after the rebalance; we report it the same way).
 */
export interface ConsumerRebalanceListener {
  /** Partitions this member gives up in an orderly way: commit their progress here. */
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>
  /** Partitions newly given to this member (cooperative: only the added ones). */
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>
  /** Partitions already owned by someone else (session or poll timeout): do not commit. */
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>
}

/** consumer.groupMetadata() (Java ConsumerGroupMetadata), for producer.sendOffsetsToTransaction. */
export interface ConsumerGroupMetadata {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

export function formatTp(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`
}

/** Sort order used throughout: topic, then partition. */
export function compareTp(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}

/** Validates a user-supplied { topic, partition } (ConfigError otherwise). */
export function checkTp(tp: unknown): asserts tp is TopicPartition {
  const t = tp as TopicPartition
  if (typeof tp !== 'object' || tp === null || typeof t.topic !== 'string' || t.topic.length === 0) {
    throw new ConfigError(`expected { topic, partition } (got ${JSON.stringify(tp)})`)
  }
  if (typeof t.partition !== 'number' || !Number.isInteger(t.partition) || t.partition < 0) {
    throw new ConfigError(`partition of ${t.topic} must be an integer >= 0 (got ${String(t.partition)})`)
  }
}
