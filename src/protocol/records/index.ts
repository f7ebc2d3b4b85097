// Public surface of the record formats: RecordBatch v2 building and decoding, legacy MessageSet
// decoding (through the same batch iteration), control records and compression. Producer,
// consumer and the reference broker import from here rather than from the individual files.
export * from './batch-builder.js'
export * from './batch-layout.js'
export * from './compression/index.js'
export * from './control-record.js'
export { LegacyRecordBatch } from './legacy-message-set.js'
export * from './record-batch.js'
export * from './types.js'
