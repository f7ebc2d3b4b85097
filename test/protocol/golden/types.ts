// Shared shape of the golden codec cases (test/protocol/golden.test.ts). Each case holds a
// request and a response body for one (API key, version): the expected wire bytes, written with
// test/helpers/byte-builder.ts from the rules in NOTES.md §c, and the complete decoded object
// (every field of our version window, absent ones at their defaults, as the decoders produce).

export interface GoldenCase {
  readonly name: string
  readonly apiKey: number
  readonly version: number
  readonly request: Record<string, unknown>
  readonly requestBytes: Buffer
  readonly response: Record<string, unknown>
  readonly responseBytes: Buffer
}

/** Kafka's zero uuid in our text form (22-char URL-safe base64, no padding). */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'
/** A topic id: bytes 00 01 02 .. 0f. */
export const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw'
/** Another topic id: bytes f0 f1 .. ff. */
export const TOPIC_ID_2 = '8PHy8_T19vf4-fr7_P3-_w'
/** An opaque record-batch blob (the codec never looks inside `records`). */
export const RECORDS = Buffer.from('000000000000000500000031ffffffff02c0ffee', 'hex')
/** Embedded consumer-protocol bytes (opaque to the codec). */
export const SUBSCRIPTION = Buffer.from('0003000000010006746f706963730000000000', 'hex')
export const INT32_MIN = -2147483648
