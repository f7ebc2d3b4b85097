// ConsumerRecords: what poll() returns (Java ConsumerRecords). Iterable over every record,
// partition by partition in fetch order, `count`, `partitions()`, `records(tp | topic)`.
// Built by the fetcher per poll; interceptors may hand back a replacement. Immutable once built.
import { type ConsumerRecord, type DefaultKey, type DefaultValue, type TopicPartition, tpKey } from './types.js'

export class ConsumerRecords<K = DefaultKey, V = DefaultValue> implements Iterable<ConsumerRecord<K, V>> {
  static #empty: ConsumerRecords<unknown, unknown> | undefined

  readonly #byPartition: Map<string, { tp: TopicPartition; records: ConsumerRecord<K, V>[] }>
  readonly count: number

  /** Groups `records` by partition, keeping their order. */
  constructor(records: readonly ConsumerRecord<K, V>[] = []) {
    this.#byPartition = new Map()
    for (const r of records) {
      const key = tpKey(r.topic, r.partition)
      let entry = this.#byPartition.get(key)
      if (entry === undefined) {
        entry = { tp: { topic: r.topic, partition: r.partition }, records: [] }
        this.#byPartition.set(key, entry)
      }
      entry.records.push(r)
    }
    this.count = records.length
  }

  static empty<K = DefaultKey, V = DefaultValue>(): ConsumerRecords<K, V> {
    ConsumerRecords.#empty ??= new ConsumerRecords<unknown, unknown>()
    return ConsumerRecords.#empty as ConsumerRecords<K, V>
  }

  get isEmpty(): boolean {
    return this.count === 0
  }

  /** Partitions with at least one record, in fetch order. */
  partitions(): TopicPartition[] {
    return [...this.#byPartition.values()].map((e) => e.tp)
  }

  /** The records of one partition (`records(tp)`) or of every partition of a topic (`records('orders')`). */
  records(tpOrTopic: TopicPartition | string): ConsumerRecord<K, V>[] {
    if (typeof tpOrTopic === 'string') {
      const out: ConsumerRecord<K, V>[] = []
      for (const e of this.#byPartition.values()) if (e.tp.topic === tpOrTopic) out.push(...e.records)
      return out
    }
    return this.#byPartition.get(tpKey(tpOrTopic.topic, tpOrTopic.partition))?.records.slice() ?? []
  }

  /** Every record, partition by partition. */
  *[Symbol.iterator](): IterableIterator<ConsumerRecord<K, V>> {
    for (const e of this.#byPartition.values()) yield* e.records
  }

  toArray(): ConsumerRecord<K, V>[] {
    return [...this]
  }
}
