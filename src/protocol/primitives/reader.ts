// Reader: bounds-checked big-endian decoding over a Buffer window [offset, end), used by every
// generated decoder, the record-batch decoder and the frame helpers (src/protocol/api.ts).
// Invariants: every read checks the bytes it needs first and throws ProtocolDecodeError (never
// RangeError); lengths and element counts are checked against the remaining bytes before
// anything is allocated; bytes()/raw() return zero-copy views that alias the input buffer.
import { ProtocolDecodeError } from '../../errors.js'
import { uuidFromBytes } from './uuid.js'
import type { UnknownTaggedField } from './writer.js'

/** The shared zero-length Buffer decoders use for absent `bytes` fields. */
export const EMPTY_BUFFER: Buffer = Buffer.alloc(0)

export class Reader {
  readonly buf: Buffer
  #offset: number
  #end: number
  /** Context for error messages; set by the frame decoders. */
  apiKey: number | undefined
  apiVersion: number | undefined

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (!(offset >= 0 && end <= buf.length && offset <= end)) {
      throw new ProtocolDecodeError(`bad reader window [${offset}, ${end}) over ${buf.length} bytes`, { offset })
    }
    this.buf = buf
    this.#offset = offset
    this.#end = end
  }

  get offset(): number {
    return this.#offset
  }

  get end(): number {
    return this.#end
  }

  get remaining(): number {
    return this.#end - this.#offset
  }

  /** A ProtocolDecodeError at the current offset, carrying the api context. */
  error(message: string, offset = this.#offset): ProtocolDecodeError {
    return new ProtocolDecodeError(message, { offset, apiKey: this.apiKey, apiVersion: this.apiVersion })
  }

  #need(n: number): number {
    const at = this.#offset
    if (n > this.#end - at) throw this.error(`need ${n} bytes, ${this.#end - at} remain`)
    this.#offset = at + n
    return at
  }

  int8(): number {
    return this.buf.readInt8(this.#need(1))
  }

  int16(): number {
    return this.buf.readInt16BE(this.#need(2))
  }

  int32(): number {
    return this.buf.readInt32BE(this.#need(4))
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.#need(2))
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.#need(4))
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.#need(8))
  }

  float64(): number {
    return this.buf.readDoubleBE(this.#need(8))
  }

  /** One byte; any non-zero value is true (as Java reads it). */
  bool(): boolean {
    return this.buf[this.#need(1)] !== 0
  }

  uuid(): string {
    return uuidFromBytes(this.buf, this.#need(16))
  }

  /** Unsigned varint, at most 5 bytes, as a uint32. */
  uvarint(): number {
    const b = this.buf
    const end = this.#end
    const start = this.#offset
    let p = start
    let result = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= end) throw this.error('truncated varint', start)
      const byte = b[p++]!
      result |= (byte & 0x7f) << shift
      if (byte < 0x80) {
        this.#offset = p
        return result >>> 0
      }
    }
    throw this.error('varint longer than 5 bytes', start)
  }

  /** Zig-zag signed varint, at most 5 bytes, as an int32. */
  varint(): number {
    const u = this.uvarint()
    return (u >>> 1) ^ -(u & 1)
  }

  /** Zig-zag signed varlong, at most 10 bytes, as an int64. */
  varlong(): bigint {
    const b = this.buf
    const end = this.#end
    const start = this.#offset
    let p = start
    // Up to 7 bytes (49 bits) are exact in a double.
    let small = 0
    let mul = 1
    for (let i = 0; i < 7; i++) {
      if (p >= end) throw this.error('truncated varlong', start)
      const byte = b[p++]!
      small += (byte & 0x7f) * mul
      if (byte < 0x80) {
        this.#offset = p
        const half = Math.floor(small / 2)
        return BigInt(small % 2 === 0 ? half : -half - 1)
      }
      mul *= 128
    }
    let big = BigInt(small)
    for (let shift = 49n; shift < 70n; shift += 7n) {
      if (p >= end) throw this.error('truncated varlong', start)
      const byte = b[p++]!
      big |= BigInt(byte & 0x7f) << shift
      if (byte < 0x80) {
        this.#offset = p
        const u = BigInt.asUintN(64, big)
        return (u >> 1n) ^ -(u & 1n)
      }
    }
    throw this.error('varlong longer than 10 bytes', start)
  }

  #utf8(n: number): string {
    const at = this.#need(n)
    return this.buf.toString('utf8', at, at + n)
  }

  /** int16 length + UTF-8; length -1 is null. */
  string(): string | null {
    const n = this.int16()
    if (n < 0) {
      if (n === -1) return null
      throw this.error(`negative string length ${n}`, this.#offset - 2)
    }
    return this.#utf8(n)
  }

  /** uvarint (length + 1) + UTF-8; 0 is null. */
  compactString(): string | null {
    const n = this.uvarint()
    if (n === 0) return null
    return this.#utf8(n - 1)
  }

  /** string() for a field that is not nullable in this version: null is an error. */
  requiredString(): string {
    const s = this.string()
    if (s === null) throw this.error('null in a non-nullable string', this.#offset - 2)
    return s
  }

  /** compactString() for a field that is not nullable in this version: null is an error. */
  requiredCompactString(): string {
    const s = this.compactString()
    if (s === null) throw this.error('null in a non-nullable string', this.#offset - 1)
    return s
  }

  /** int32 length + bytes as a view of the input; length -1 is null. */
  bytes(): Buffer | null {
    const n = this.int32()
    if (n < 0) {
      if (n === -1) return null
      throw this.error(`negative bytes length ${n}`, this.#offset - 4)
    }
    return this.raw(n)
  }

  /** uvarint (length + 1) + bytes as a view of the input; 0 is null. */
  compactBytes(): Buffer | null {
    const n = this.uvarint()
    if (n === 0) return null
    return this.raw(n - 1)
  }

  /** bytes() for a field that is not nullable in this version: null is an error. */
  requiredBytes(): Buffer {
    const b = this.bytes()
    if (b === null) throw this.error('null in a non-nullable bytes field', this.#offset - 4)
    return b
  }

  /** compactBytes() for a field that is not nullable in this version: null is an error. */
  requiredCompactBytes(): Buffer {
    const b = this.compactBytes()
    if (b === null) throw this.error('null in a non-nullable bytes field', this.#offset - 1)
    return b
  }

  /** The next `n` bytes as a view of the input. */
  raw(n: number): Buffer {
    const at = this.#need(n)
    return this.buf.subarray(at, at + n)
  }

  skip(n: number): void {
    this.#need(n)
  }

  /**
   * int32 element count of an array whose elements take at least `minElementBytes` each
   * (treated as 1 when smaller); -1 is null. A count the remaining bytes cannot hold throws.
   */
  arrayLength(minElementBytes = 1): number {
    const n = this.int32()
    if (n < 0) {
      if (n === -1) return -1
      throw this.error(`negative array length ${n}`, this.#offset - 4)
    }
    this.#checkCount(n, minElementBytes, 4)
    return n
  }

  /** uvarint (count + 1) of a compact array; returns -1 for null (0 on the wire). */
  compactArrayLength(minElementBytes = 1): number {
    const start = this.#offset
    const n = this.uvarint() - 1
    if (n < 0) return -1
    this.#checkCount(n, minElementBytes, this.#offset - start)
    return n
  }

  #checkCount(n: number, minElementBytes: number, prefix: number): void {
    const min = Math.max(minElementBytes, 1)
    if (n * min > this.#end - this.#offset) {
      throw this.error(`array of ${n} elements cannot fit in ${this.#end - this.#offset} bytes`, this.#offset - prefix)
    }
  }

  /**
   * Narrows the window to the next `size` bytes (a tagged-field value) and returns the old end,
   * to be given back to endTagged().
   */
  beginTagged(size: number): number {
    if (size > this.#end - this.#offset) {
      throw this.error(`tagged field of ${size} bytes, ${this.#end - this.#offset} remain`)
    }
    const oldEnd = this.#end
    this.#end = this.#offset + size
    return oldEnd
  }

  /** Checks the tagged value was consumed exactly and restores the window. */
  endTagged(oldEnd: number): void {
    if (this.#offset !== this.#end) {
      throw this.error(`tagged field value has ${this.#end - this.#offset} unread bytes`)
    }
    this.#end = oldEnd
  }

  /** Reads one unknown tagged field's size and raw value (the tag was already read). */
  unknownTaggedField(tag: number): UnknownTaggedField {
    const size = this.uvarint()
    return { tag, data: this.raw(size) }
  }

  /** A tagged-field section none of whose tags this struct knows: all are kept raw. */
  taggedFields(): UnknownTaggedField[] | undefined {
    const n = this.uvarint()
    if (n === 0) return undefined
    const out: UnknownTaggedField[] = []
    for (let i = 0; i < n; i++) out.push(this.unknownTaggedField(this.uvarint()))
    return out
  }

  /** Skips a whole tagged-field section, e.g. in a header whose tags this codec ignores. */
  skipTaggedFields(): void {
    const n = this.uvarint()
    for (let i = 0; i < n; i++) {
      this.uvarint()
      this.skip(this.uvarint())
    }
  }

  /** Throws unless every byte of the window was consumed. */
  expectEnd(): void {
    if (this.#offset !== this.#end) throw this.error(`${this.#end - this.#offset} unexpected trailing bytes`)
  }
}
