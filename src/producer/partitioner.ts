// Partition choice for a record (NOTES §f): explicit partition, else a custom partitioner, else
// Java's murmur2 over the serialized key modulo ALL partitions, else KIP-794 uniform sticky
// (switch after batchSize bytes, never past 2 × batchSize; next partition random among those with
// a leader, weighted inversely to queue length when adaptive). Called by producer.ts per record
// (choose) and by the accumulator after each append (onAppend). Pure apart from `random`.
import { javaPartition } from '../util/murmur2.js'
import { InvalidRecordError } from './errors.js'

/** What a custom partitioner sees. */
export interface PartitionerArgs {
  readonly topic: string
  /** serialized key bytes, or null */
  readonly key: Buffer | null
  /** serialized value bytes, or null */
  readonly value: Buffer | null
  /** number of partitions of the topic (all of them, available or not) */
  readonly partitionCount: number
  /** partitions that currently have a leader */
  readonly availablePartitions: readonly number[]
}

/** A custom partitioner: returns a partition in [0, partitionCount). */
export type Partitioner = (args: PartitionerArgs) => number

/** The subset of topic metadata the partitioner needs. */
export interface PartitionerTopicInfo {
  readonly partitionCount: number
  readonly availablePartitions: readonly number[]
}

interface StickyState {
  partition: number
  producedBytes: number
}

export interface BuiltInPartitionerOptions {
  /** Java batch.size: bytes produced to a sticky partition before switching */
  readonly batchSize: number
  /** weight the next-partition choice by queue length (Java partitioner.adaptive.partitioning.enable) */
  readonly adaptive?: boolean
  /** uniform random in [0, 1); default Math.random */
  readonly random?: () => number
  /** batches queued for a partition (the accumulator's load signal for adaptive partitioning) */
  readonly queueSize?: (topic: string, partition: number) => number
}

/** KIP-794 sticky partitioner for records without a key (Java BuiltInPartitioner), per topic. */
export class BuiltInPartitioner {
  readonly #stickyBatchSize: number
  readonly #adaptive: boolean
  readonly #random: () => number
  readonly #queueSize: ((topic: string, partition: number) => number) | undefined
  readonly #sticky = new Map<string, StickyState>()

  constructor(options: BuiltInPartitionerOptions) {
    // batch.size 0 would switch on every record; Java does the same (it is "no batching").
    this.#stickyBatchSize = options.batchSize
    this.#adaptive = options.adaptive ?? true
    this.#random = options.random ?? Math.random
    this.#queueSize = options.queueSize
  }

  /**
   * The sticky partition for `topic`, choosing one if there is none yet or if it went out of range.
   * Queue lengths weight the choice when adaptive.
   */
  partition(topic: string, info: PartitionerTopicInfo): number {
    const state = this.#sticky.get(topic)
    if (state !== undefined && state.partition < info.partitionCount) return state.partition
    const partition = this.nextPartition(topic, info)
    this.#sticky.set(topic, { partition, producedBytes: 0 })
    return partition
  }

  /**
   * After appending `appendedBytes` to `partition` of `topic` (Java updatePartitionInfo). Switches
   * to a new partition once batchSize bytes went to it and `enableSwitch` (its last batch is full
   * or sent), or unconditionally at 2 × batchSize.
   */
  onAppend(
    topic: string,
    partition: number,
    appendedBytes: number,
    enableSwitch: boolean,
    info: PartitionerTopicInfo,
  ): void {
    const state = this.#sticky.get(topic)
    if (state === undefined || state.partition !== partition) return
    state.producedBytes += appendedBytes
    const size = this.#stickyBatchSize
    if ((state.producedBytes >= size && enableSwitch) || state.producedBytes >= size * 2) {
      state.partition = this.nextPartition(topic, info)
      state.producedBytes = 0
    }
  }

  /** Forgets the sticky partition of `topic` (e.g. after its partition count changed). */
  reset(topic: string): void {
    this.#sticky.delete(topic)
  }

  /**
   * A random partition among those with a leader (all of them when none has), weighted by
   * maxQueue + 1 − queueSize when adaptive (Java updatePartitionLoadStats / nextPartition).
   */
  nextPartition(topic: string, info: PartitionerTopicInfo): number {
    const available = info.availablePartitions
    if (available.length === 0) return Math.floor(this.#random() * info.partitionCount)
    if (available.length === 1) return available[0]!
    const queueSize = this.#queueSize
    if (!this.#adaptive || queueSize === undefined) {
      return available[Math.floor(this.#random() * available.length)]!
    }
    let maxQueue = 0
    let allEqual = true
    const first = queueSize(topic, available[0]!)
    for (const p of available) {
      const q = queueSize(topic, p)
      if (q > maxQueue) maxQueue = q
      if (q !== first) allEqual = false
    }
    if (allEqual) return available[Math.floor(this.#random() * available.length)]!
    // cumulative frequency table of the inverted queue sizes
    const cumulative = new Array<number>(available.length)
    let total = 0
    for (let i = 0; i < available.length; i++) {
      total += maxQueue + 1 - queueSize(topic, available[i]!)
      cumulative[i] = total
    }
    const target = Math.floor(this.#random() * total)
    // first index whose cumulative count exceeds target
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cumulative[mid]! > target) hi = mid
      else lo = mid + 1
    }
    return available[lo]!
  }
}

/** How a partition was chosen, so the caller knows whether to feed onAppend. */
export type PartitionSource = 'explicit' | 'custom' | 'keyed' | 'sticky'

export interface PartitionChoice {
  readonly partition: number
  readonly source: PartitionSource
}

/** Whether choosePartition would use the sticky partitioner (the caller then feeds onAppend). */
export function usesStickyPartition(explicitPartition: number | undefined, key: Buffer | null, custom: Partitioner | null, ignoreKeys: boolean): boolean {
  return explicitPartition === undefined && custom === null && (key === null || ignoreKeys)
}

/**
 * The decision procedure of Java's KafkaProducer.partition (NOTES §f.1). Throws
 * InvalidRecordError for an explicit or custom partition outside [0, partitionCount).
 */
export function choosePartition(
  topic: string,
  explicitPartition: number | undefined,
  key: Buffer | null,
  value: Buffer | null,
  info: PartitionerTopicInfo,
  custom: Partitioner | null,
  builtIn: BuiltInPartitioner,
  ignoreKeys: boolean,
): PartitionChoice {
  const partition = choosePartitionNumber(topic, explicitPartition, key, value, info, custom, builtIn, ignoreKeys)
  const source: PartitionSource =
    explicitPartition !== undefined ? 'explicit' : custom !== null ? 'custom' : key !== null && !ignoreKeys ? 'keyed' : 'sticky'
  return { partition, source }
}

/** choosePartition without the result object (the per-record path). */
export function choosePartitionNumber(
  topic: string,
  explicitPartition: number | undefined,
  key: Buffer | null,
  value: Buffer | null,
  info: PartitionerTopicInfo,
  custom: Partitioner | null,
  builtIn: BuiltInPartitioner,
  ignoreKeys: boolean,
): number {
  const count = info.partitionCount
  if (explicitPartition !== undefined) {
    if (!Number.isInteger(explicitPartition) || explicitPartition < 0 || explicitPartition >= count) {
      throw new InvalidRecordError(
        `partition ${explicitPartition} of topic ${topic} is not in the range [0...${count - 1}]`,
      )
    }
    return explicitPartition
  }
  if (custom !== null) {
    let p: unknown
    try {
      p = custom({ topic, key, value, partitionCount: count, availablePartitions: info.availablePartitions })
    } catch (err) {
      throw new InvalidRecordError(`custom partitioner threw for topic ${topic}`, { cause: err })
    }
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= count) {
      throw new InvalidRecordError(
        `custom partitioner returned ${String(p)} for topic ${topic}, not a partition in [0...${count - 1}]`,
      )
    }
    return p
  }
  if (key !== null && !ignoreKeys) return javaPartition(key, count)
  return builtIn.partition(topic, info)
}
