// Typed deserializers: turn the fetched key/value bytes into K / V. Without one the consumer
// delivers the raw Buffer (null stays null). Called by the fetch parser once per record; a
// throwing deserializer becomes a RecordDeserializationError for that record (position stays).
import type { RecordHeader } from './types.js'

/** bytes (null for a null key/value) → T. May throw. */
export type Deserializer<T> = (data: Buffer | null, topic: string, headers: readonly RecordHeader[]) => T

/** UTF-8 text; null stays null. */
export const stringDeserializer: Deserializer<string | null> = (data) => (data === null ? null : data.toString('utf8'))

/** JSON.parse of UTF-8 text; null stays null. */
export const jsonDeserializer: Deserializer<unknown> = (data) => (data === null ? null : JSON.parse(data.toString('utf8')))

/** The raw bytes (the default). */
export const bufferDeserializer: Deserializer<Buffer | null> = (data) => data
