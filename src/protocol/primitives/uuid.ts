// Kafka UUIDs in their text form: 22 characters of URL-safe base64 without padding (as Java's
// Uuid.toString prints them). Used by Writer/Reader and by callers that build topic ids.
// Invariant: a valid uuid text decodes to exactly 16 bytes and re-encodes to the same text.
import { KafkaClientError } from '../../errors.js'

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

const UUID_TEXT = /^[A-Za-z0-9_-]{21}[AQgw]$/

/** true when `s` is a canonical Kafka uuid text (22 base64url chars encoding 16 bytes). */
export function isUuid(s: string): boolean {
  return UUID_TEXT.test(s)
}

/** The 16 bytes of a uuid text; throws KafkaClientError (INVALID_UUID) for anything else. */
export function uuidToBytes(s: string): Buffer {
  if (!UUID_TEXT.test(s)) {
    throw new KafkaClientError('INVALID_UUID', `invalid uuid '${s}': expected 22 base64url characters`)
  }
  return Buffer.from(s, 'base64url')
}

/** The text form of 16 bytes at `offset` of `buf` (the caller checks the bounds). */
export function uuidFromBytes(buf: Uint8Array, offset = 0): string {
  return Buffer.from(buf.buffer, buf.byteOffset + offset, 16).toString('base64url')
}

/** A random (version 4) uuid in Kafka text form, e.g. for tests and the reference broker. */
export function randomUuid(): string {
  const b = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16)))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  return b.toString('base64url')
}
