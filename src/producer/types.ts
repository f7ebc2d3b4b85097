// Public producer types: what send() takes and returns, headers, callbacks. Imported by every
// producer module, by client.ts and re-exported by index.ts. Pure declarations; the runtime
// normalisation of user input lives in serializers.ts.

/** A header value as users give it; strings are encoded as UTF-8. */
export type HeaderValue = string | Buffer | Uint8Array

/** Headers as an object (`{ trace: 'abc' }`, arrays repeat a key) or as an ordered list. */
export type RecordHeaders =
  | Readonly<Record<string, HeaderValue | readonly HeaderValue[] | null | undefined>>
  | ReadonlyArray<{ readonly key: string; readonly value: HeaderValue | null }>

/** A header after normalisation: what goes on the wire. */
export interface RecordHeader {
  readonly key: string
  readonly value: Buffer | null
}

/** Keys and values without serializers: Buffer, string (UTF-8) or null. */
export type DefaultKey = Buffer | Uint8Array | string | null
export type DefaultValue = Buffer | Uint8Array | string | null

export interface ProducerRecord<K = DefaultKey, V = DefaultValue> {
  readonly topic: string
  readonly key?: K | null
  readonly value: V | null
  readonly headers?: RecordHeaders
  /** explicit partition; otherwise the partitioner chooses */
  readonly partition?: number
  /** create time in ms since the epoch; default Date.now() at send() */
  readonly timestamp?: number
}

/** What a successful send resolves with (Java RecordMetadata). */
export interface RecordMetadata {
  readonly topic: string
  readonly partition: number
  /** -1n when acks=0 (no response) or when the broker reported a duplicate without an offset */
  readonly offset: bigint
  /** the broker's log-append time when the topic uses LogAppendTime, else the record's create time */
  readonly timestamp: number
  /** -1 for a null key */
  readonly serializedKeySize: number
  /** -1 for a null value */
  readonly serializedValueSize: number
}

/** Node-style completion callback: runs exactly once per send. */
export type SendCallback = (err: Error | null, metadata: RecordMetadata | null) => void

/** A topic partition. */
export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/** Offsets to commit inside a transaction: the next offset to read, per partition. */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: bigint
  readonly metadata?: string | null
  readonly leaderEpoch?: number | null
}

/** consumer.groupMetadata() (Java ConsumerGroupMetadata), used by sendOffsetsToTransaction. */
export interface ConsumerGroupMetadata {
  readonly groupId: string
  readonly generationId?: number
  readonly memberId?: string
  readonly groupInstanceId?: string | null
}
