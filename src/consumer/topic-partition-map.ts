// TopicPartitionMap: a Map keyed by topic partition *value* (JS Maps compare object keys by
// identity, so `map.get({ topic, partition })` would never hit). Returned by committed(),
// beginningOffsets(), endOffsets(), offsetsForTimes() and commit callbacks; accepted wherever the
// consumer takes per-partition values. Iterates in insertion order, like Map.
import { type TopicPartition, tpKey } from './types.js'

export class TopicPartitionMap<V> implements Iterable<[TopicPartition, V]> {
  readonly #entries = new Map<string, [TopicPartition, V]>()

  constructor(entries?: Iterable<readonly [TopicPartition, V]>) {
    if (entries !== undefined) for (const [tp, v] of entries) this.set(tp, v)
  }

  get size(): number {
    return this.#entries.size
  }

  /** get(tp) or get(topic, partition) */
  get(tp: TopicPartition | string, partition?: number): V | undefined {
    return this.#entries.get(keyOf(tp, partition))?.[1]
  }

  has(tp: TopicPartition | string, partition?: number): boolean {
    return this.#entries.has(keyOf(tp, partition))
  }

  set(tp: TopicPartition, value: V): this {
    const key = tpKey(tp.topic, tp.partition)
    const existing = this.#entries.get(key)
    if (existing !== undefined) existing[1] = value
    else this.#entries.set(key, [{ topic: tp.topic, partition: tp.partition }, value])
    return this
  }

  delete(tp: TopicPartition | string, partition?: number): boolean {
    return this.#entries.delete(keyOf(tp, partition))
  }

  clear(): void {
    this.#entries.clear()
  }

  *keys(): IterableIterator<TopicPartition> {
    for (const [tp] of this.#entries.values()) yield tp
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.#entries.values()) yield v
  }

  *entries(): IterableIterator<[TopicPartition, V]> {
    for (const [tp, v] of this.#entries.values()) yield [tp, v]
  }

  [Symbol.iterator](): IterableIterator<[TopicPartition, V]> {
    return this.entries()
  }

  forEach(fn: (value: V, tp: TopicPartition) => void): void {
    for (const [tp, v] of this.#entries.values()) fn(v, tp)
  }

  /** { "topic-partition": value } for logging and assertions. */
  toJSON(): Record<string, V> {
    const out: Record<string, V> = {}
    for (const [tp, v] of this.#entries.values()) out[`${tp.topic}-${tp.partition}`] = v
    return out
  }
}

function keyOf(tp: TopicPartition | string, partition: number | undefined): string {
  return typeof tp === 'string' ? tpKey(tp, partition ?? -1) : tpKey(tp.topic, tp.partition)
}
