// The shapes of records and record batches shared by the encoder (batch-builder.ts), the decoders
// (record-batch.ts, legacy-message-set.ts) and their callers (producer accumulator, consumer
// fetcher, reference broker). Decoded key/value/header buffers are zero-copy views of the fetched
// bytes (or of the decompressed payload): holding one keeps that whole buffer alive.
import type { CompressionCodec } from './compression/index.js'

/** A header as the producer hands it over. Keys are UTF-8 strings and never null. */
export interface RecordHeaderInput {
  readonly key: string
  readonly value: Uint8Array | null
}

/** One record for RecordBatchBuilder.append(). */
export interface RecordInput {
  readonly key: Uint8Array | null
  readonly value: Uint8Array | null
  readonly headers?: readonly RecordHeaderInput[]
  /** Milliseconds since the epoch; a safe integer. */
  readonly timestampMs: number
}

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** A decoded record (from a v2 batch or a legacy message); every field is always set. */
export interface KafkaRecord {
  /** Absolute offset: batch baseOffset + the record's offsetDelta. */
  offset: bigint
  /** CreateTime of the record, or the batch's maxTimestamp under LogAppendTime; -1 for magic 0. */
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

/** -1: none (magic 0), 0: CreateTime, 1: LogAppendTime (attribute bit 3). */
export type TimestampType = -1 | 0 | 1
export const TimestampTypes = { NO_TIMESTAMP: -1, CREATE_TIME: 0, LOG_APPEND_TIME: 1 } as const

/** The header of a RecordBatch v2 (NOTES §d.1), attributes decoded; legacy batches fill the same shape. */
export interface RecordBatchHeader {
  readonly baseOffset: bigint
  /** Bytes after the batchLength field (total size - 12). */
  readonly batchLength: number
  readonly partitionLeaderEpoch: number
  readonly magic: number
  /** The stored checksum: CRC-32C for magic 2, CRC-32 (IEEE) of the wrapper for magic 0/1. */
  readonly crc: number
  readonly attributes: number
  readonly compression: CompressionCodec
  readonly timestampType: TimestampType
  readonly isTransactional: boolean
  readonly isControl: boolean
  readonly hasDeleteHorizon: boolean
  readonly lastOffsetDelta: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly recordsCount: number
  /** baseOffset + lastOffsetDelta: the next fetch offset after this batch is lastOffset + 1n. */
  readonly lastOffset: bigint
  /** Whole batch size on the wire (batchLength + 12). */
  readonly sizeInBytes: number
}

/** A decoded batch: header fields plus lazily decoded records. */
export interface RecordBatch extends RecordBatchHeader {
  /** The batch's bytes, a view of the input. */
  readonly bytes: Buffer
  /**
   * Decompresses the records off the main thread where the codec allows (gzip, zstd), so that a
   * later records() does not block. A no-op for uncompressed and legacy batches.
   */
  inflate(): Promise<void>
  /**
   * Iterates the records, decoding each on demand. A compressed batch not yet inflate()d is
   * decompressed synchronously here. Corrupt records throw ProtocolDecodeError mid-iteration.
   */
  records(): IterableIterator<KafkaRecord>
}
