// Turns what users hand to commitSync/commitAsync into per-partition offsets. A ConsumerRecord (or
// ConsumerRecords) commits record.offset + 1n, the next offset to read, computed here and never by
// the user; an explicit { topic, partition, offset } or a TopicPartitionMap of OffsetAndMetadata
// commits `offset` as given (Java's meaning: already the next offset to read). Called by
// consumer.ts. Invariant: for records, the highest offset per partition wins.
import { KafkaClientError } from '../errors.js'
import { ConsumerRecords } from './consumer-records.js'
import { TopicPartitionMap } from './topic-partition-map.js'
import { ConsumerRecord, type OffsetAndMetadata, type TopicPartitionOffset } from './types.js'

export type CommitInput =
  | ConsumerRecords<unknown, unknown>
  | Iterable<ConsumerRecord<unknown, unknown>>
  | readonly TopicPartitionOffset[]
  | TopicPartitionMap<OffsetAndMetadata>

function invalid(message: string): KafkaClientError {
  return new KafkaClientError('INVALID_OFFSET', message)
}

export function toCommitMap(input: CommitInput): TopicPartitionMap<OffsetAndMetadata> {
  if (input instanceof TopicPartitionMap) {
    const out = new TopicPartitionMap<OffsetAndMetadata>()
    for (const [tp, o] of input) out.set(tp, check(tp.topic, tp.partition, o.offset, o.metadata ?? '', o.leaderEpoch ?? null))
    return out
  }
  if (input === null || typeof input !== 'object' || !(Symbol.iterator in input)) {
    throw invalid('commit offsets must be ConsumerRecords, records, an array of { topic, partition, offset } or a TopicPartitionMap')
  }
  const out = new TopicPartitionMap<OffsetAndMetadata>()
  const items = input instanceof ConsumerRecords ? input : (input as Iterable<unknown>)
  for (const item of items) {
    if (item instanceof ConsumerRecord) {
      const next = item.offset + 1n
      const prev = out.get(item.topic, item.partition)
      if (prev === undefined || prev.offset < next) out.set(item, { offset: next, metadata: '', leaderEpoch: item.leaderEpoch })
      continue
    }
    if (typeof item !== 'object' || item === null) throw invalid('each commit entry must be a record or { topic, partition, offset }')
    const e = item as TopicPartitionOffset
    out.set(e, check(e.topic, e.partition, e.offset, e.metadata ?? '', e.leaderEpoch ?? null))
  }
  return out
}

function check(topic: unknown, partition: unknown, offset: unknown, metadata: unknown, leaderEpoch: unknown): OffsetAndMetadata {
  if (typeof topic !== 'string' || topic.length === 0) throw invalid(`commit entry needs a topic name (got ${String(topic)})`)
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) throw invalid(`commit entry for ${topic} needs a partition number`)
  if (typeof offset !== 'bigint' || offset < 0n) throw invalid(`commit offset for ${topic}-${partition} must be a non-negative bigint (got ${String(offset)})`)
  if (metadata !== null && typeof metadata !== 'string') throw invalid(`commit metadata for ${topic}-${partition} must be a string`)
  if (leaderEpoch !== null && (typeof leaderEpoch !== 'number' || !Number.isInteger(leaderEpoch))) {
    throw invalid(`commit leaderEpoch for ${topic}-${partition} must be an integer`)
  }
  return { offset, metadata, leaderEpoch }
}

/**
 * The offsets to commit after processing `records` (record.offset + 1n per partition, with the
 * record's leader epoch), as the array producer.sendOffsetsToTransaction() takes.
 */
export function nextOffsets(records: ConsumerRecords<unknown, unknown> | Iterable<ConsumerRecord<unknown, unknown>>): TopicPartitionOffset[] {
  const out: TopicPartitionOffset[] = []
  for (const [tp, o] of toCommitMap(records)) out.push({ topic: tp.topic, partition: tp.partition, offset: o.offset, metadata: o.metadata, leaderEpoch: o.leaderEpoch })
  return out
}
