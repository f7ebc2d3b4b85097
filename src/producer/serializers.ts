// Turning user keys, values and headers into wire bytes. Default (no serializer): Buffer,
// Uint8Array, string (UTF-8) or null; anything else is a SerializationError. Typed serializers
// make keys and values K / V. Called by producer.ts once per send; never throws anything but
// SerializationError / InvalidRecordError, which reject that send only.
import { InvalidRecordError, SerializationError } from './errors.js'
import type { RecordHeader, RecordHeaders } from './types.js'

/** Turns a K or V into bytes (a string is taken as UTF-8; null stays null). */
export type Serializer<T> = (data: T, topic: string, headers: readonly RecordHeader[]) => Buffer | Uint8Array | string | null

/** UTF-8 strings. */
export const stringSerializer: Serializer<string | null> = (data) => (data === null ? null : Buffer.from(data, 'utf8'))

/** JSON.stringify as UTF-8; undefined and null become a null value. */
export const jsonSerializer: Serializer<unknown> = (data) =>
  data === null || data === undefined ? null : Buffer.from(JSON.stringify(data), 'utf8')

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
}

/** The default conversion for keys and values without a serializer. */
export function defaultToBytes(value: unknown, what: 'key' | 'value', topic: string): Buffer | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value instanceof Uint8Array) return toBuffer(value)
  throw new SerializationError(
    `${what} for topic ${topic} is a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}: ` +
      `without a ${what}Serializer only Buffer, Uint8Array, string or null are accepted`,
  )
}

/** Runs a serializer (or the default) and checks what it returned. */
export function serialize<T>(
  serializer: Serializer<T> | null,
  value: T | null | undefined,
  what: 'key' | 'value',
  topic: string,
  headers: readonly RecordHeader[],
): Buffer | null {
  if (serializer === null) return defaultToBytes(value, what, topic)
  if (value === undefined) return null
  let out: unknown
  try {
    out = serializer(value as T, topic, headers)
  } catch (err) {
    throw new SerializationError(`${what}Serializer threw for topic ${topic}`, { cause: err })
  }
  if (out === null || out === undefined) return null
  if (typeof out === 'string') return Buffer.from(out, 'utf8')
  if (out instanceof Uint8Array) return toBuffer(out)
  throw new SerializationError(`${what}Serializer for topic ${topic} returned ${typeof out}, not a Buffer, string or null`)
}

function headerValue(key: string, value: unknown): Buffer | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value instanceof Uint8Array) return toBuffer(value)
  throw new InvalidRecordError(`header ${JSON.stringify(key)} must be a string, Buffer or null (got ${typeof value})`)
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])

/** Normalises the headers of a record to an ordered list of { key, value: Buffer | null }. */
export function normalizeHeaders(headers: RecordHeaders | undefined | null): readonly RecordHeader[] {
  if (headers === undefined || headers === null) return NO_HEADERS
  if (typeof headers !== 'object') throw new InvalidRecordError(`headers must be an object or an array (got ${typeof headers})`)
  const out: RecordHeader[] = []
  if (Array.isArray(headers)) {
    for (const h of headers as readonly unknown[]) {
      if (typeof h !== 'object' || h === null || typeof (h as { key?: unknown }).key !== 'string') {
        throw new InvalidRecordError('each header in a header list must be { key: string, value }')
      }
      const { key, value } = h as { key: string; value: unknown }
      out.push({ key, value: headerValue(key, value) })
    }
    return out
  }
  for (const key of Object.keys(headers)) {
    const value = (headers as Record<string, unknown>)[key]
    if (value === undefined) continue
    if (Array.isArray(value)) {
      for (const v of value) out.push({ key, value: headerValue(key, v) })
    } else {
      out.push({ key, value: headerValue(key, value) })
    }
  }
  return out.length === 0 ? NO_HEADERS : out
}
