// Control records (NOTES §d.4): the key is int16 version + int16 type; COMMIT/ABORT markers carry
// int16 version + int32 coordinatorEpoch in the value. The consumer reads them to track aborted
// transactions (and never delivers them); the reference broker writes marker batches with
// buildEndTxnMarkerBatch. Unknown control types decode as null and are to be ignored.
import { ProtocolDecodeError } from '../../errors.js'
import { RecordBatchBuilder } from './batch-builder.js'
import type { KafkaRecord, RecordBatch } from './types.js'

export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const

export interface EndTxnMarker {
  readonly type: 'abort' | 'commit'
  readonly coordinatorEpoch: number
  /** The offset of the marker record itself. */
  readonly offset: bigint
}

/** The control type in a control record's key (any int16; see ControlRecordType). */
export function readControlRecordType(key: Buffer | null): number {
  if (key === null || key.length < 4) throw new ProtocolDecodeError(`control record key must be 4+ bytes, got ${key === null ? 'null' : key.length}`, { offset: 0 })
  // Java reads the type whatever the version is (it only logs versions above 0).
  return key.readInt16BE(2)
}

/** The COMMIT/ABORT marker in `record`, or null for any other (or unknown) control type. */
export function decodeEndTxnMarker(record: KafkaRecord): EndTxnMarker | null {
  const type = readControlRecordType(record.key)
  if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return null
  const value = record.value
  if (value === null || value.length < 6) {
    throw new ProtocolDecodeError(`transaction marker value must be 6+ bytes, got ${value === null ? 'null' : value.length}`, { offset: 0 })
  }
  return {
    type: type === ControlRecordType.ABORT ? 'abort' : 'commit',
    coordinatorEpoch: value.readInt32BE(2),
    offset: record.offset,
  }
}

/** The transaction marker of a control batch (its first record), or null if it holds another control type. */
export function readEndTxnMarker(batch: RecordBatch): EndTxnMarker | null {
  if (!batch.isControl) return null
  const first = batch.records().next()
  return first.done ? null : decodeEndTxnMarker(first.value)
}

export interface EndTxnMarkerBatchOptions {
  readonly type: 'abort' | 'commit'
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly coordinatorEpoch: number
  readonly timestampMs: number
  readonly baseOffset?: bigint
  readonly partitionLeaderEpoch?: number
}

/** A control batch with one COMMIT or ABORT marker, as the transaction coordinator has it written. */
export function buildEndTxnMarkerBatch(options: EndTxnMarkerBatchOptions): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(options.type === 'abort' ? ControlRecordType.ABORT : ControlRecordType.COMMIT, 2)
  const value = Buffer.alloc(6)
  value.writeInt16BE(0, 0)
  value.writeInt32BE(options.coordinatorEpoch, 2)
  const builder = new RecordBatchBuilder({
    control: true,
    transactional: true,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: -1,
    baseOffset: options.baseOffset ?? 0n,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
    initialCapacityBytes: 128,
  })
  builder.append({ key, value, timestampMs: options.timestampMs })
  return builder.buildSync()
}
