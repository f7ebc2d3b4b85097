// Writer: a growable big-endian byte builder used by every generated encoder, the record-batch
// encoder and the frame helpers (src/protocol/api.ts). finish() hands the bytes out without a
// copy and detaches them, so a Writer can be reused at once without corrupting earlier output.
// Encoding bad values (an over-long string, null where the version forbids it) throws a
// KafkaClientError with code PROTOCOL_ENCODE_ERROR (see encodeError).
import { KafkaClientError } from '../../errors.js'
import { uuidToBytes } from './uuid.js'
import { sizeOfUvarint, zigzag32, zigzag64 } from './varint.js'

/** A tagged field this codec did not recognise, kept raw so that it can be written back. */
export interface UnknownTaggedField {
  tag: number
  data: Buffer
}

/** The error encoders throw for values that cannot be put on the wire. */
export function encodeError(message: string): KafkaClientError {
  return new KafkaClientError('PROTOCOL_ENCODE_ERROR', message)
}

const EMPTY = Buffer.alloc(0)
const MAX_INT16 = 0x7fff

export class Writer {
  #buf: Buffer = EMPTY
  #len = 0
  readonly #initialCapacity: number

  constructor(initialCapacity = 256) {
    this.#initialCapacity = Math.max(16, initialCapacity)
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len
  }

  /** Forgets the bytes written so far (keeps the buffer unless finish() handed it out). */
  reset(): void {
    this.#len = 0
  }

  /** The bytes written so far. The Writer is reset and will never touch them again. */
  finish(): Buffer {
    const out = this.#buf.subarray(0, this.#len)
    this.#buf = EMPTY
    this.#len = 0
    return out
  }

  #ensure(n: number): void {
    const need = this.#len + n
    if (need <= this.#buf.length) return
    let cap = Math.max(this.#buf.length * 2, this.#initialCapacity)
    while (cap < need) cap *= 2
    const next = Buffer.allocUnsafe(cap)
    this.#buf.copy(next, 0, 0, this.#len)
    this.#buf = next
  }

  int8(n: number): void {
    this.#ensure(1)
    this.#len = this.#buf.writeInt8(n, this.#len)
  }

  int16(n: number): void {
    this.#ensure(2)
    this.#len = this.#buf.writeInt16BE(n, this.#len)
  }

  int32(n: number): void {
    this.#ensure(4)
    this.#len = this.#buf.writeInt32BE(n, this.#len)
  }

  uint16(n: number): void {
    this.#ensure(2)
    this.#len = this.#buf.writeUInt16BE(n, this.#len)
  }

  uint32(n: number): void {
    this.#ensure(4)
    this.#len = this.#buf.writeUInt32BE(n, this.#len)
  }

  int64(b: bigint): void {
    this.#ensure(8)
    this.#len = this.#buf.writeBigInt64BE(b, this.#len)
  }

  float64(n: number): void {
    this.#ensure(8)
    this.#len = this.#buf.writeDoubleBE(n, this.#len)
  }

  bool(b: boolean): void {
    this.#ensure(1)
    this.#buf[this.#len++] = b ? 1 : 0
  }

  /** 16 bytes from Kafka's 22-character base64url text form. */
  uuid(s: string): void {
    this.raw(uuidToBytes(s))
  }

  /** Unsigned varint of `n` taken as a uint32 (compact lengths, tags, tagged sizes). */
  uvarint(n: number): void {
    this.#ensure(5)
    const b = this.#buf
    let u = n >>> 0
    let p = this.#len
    while (u > 0x7f) {
      b[p++] = (u & 0x7f) | 0x80
      u >>>= 7
    }
    b[p++] = u
    this.#len = p
  }

  /** Zig-zag signed varint of an int32 (record fields). */
  varint(n: number): void {
    this.uvarint(zigzag32(n))
  }

  /** Zig-zag signed varlong of an int64 (record fields). */
  varlong(b: bigint): void {
    if (b >= -0x80000000n && b <= 0x7fffffffn) {
      this.uvarint(zigzag32(Number(b)))
      return
    }
    this.#ensure(10)
    const buf = this.#buf
    let u = zigzag64(b)
    let p = this.#len
    while (u > 0x7fn) {
      buf[p++] = Number(u & 0x7fn) | 0x80
      u >>= 7n
    }
    buf[p++] = Number(u)
    this.#len = p
  }

  /** int16 length + UTF-8; null is length -1. */
  string(s: string | null): void {
    if (s === null) {
      this.int16(-1)
      return
    }
    const n = Buffer.byteLength(s, 'utf8')
    if (n > MAX_INT16) throw encodeError(`string of ${n} bytes does not fit an int16 length`)
    this.#ensure(2 + n)
    this.#len = this.#buf.writeInt16BE(n, this.#len)
    this.#len += this.#buf.write(s, this.#len, n, 'utf8')
  }

  /** uvarint (length + 1) + UTF-8; null is 0. */
  compactString(s: string | null): void {
    if (s === null) {
      this.uvarint(0)
      return
    }
    const n = Buffer.byteLength(s, 'utf8')
    if (n > MAX_INT16) throw encodeError(`string of ${n} bytes is longer than Kafka allows (32767)`)
    this.#ensure(5 + n)
    this.uvarint(n + 1)
    this.#len += this.#buf.write(s, this.#len, n, 'utf8')
  }

  /** int32 length + bytes; null is length -1. */
  bytes(b: Uint8Array | null): void {
    if (b === null) {
      this.int32(-1)
      return
    }
    this.int32(b.length)
    this.raw(b)
  }

  /** uvarint (length + 1) + bytes; null is 0. */
  compactBytes(b: Uint8Array | null): void {
    if (b === null) {
      this.uvarint(0)
      return
    }
    this.uvarint(b.length + 1)
    this.raw(b)
  }

  /** The bytes as they are, no length. */
  raw(b: Uint8Array): void {
    this.#ensure(b.length)
    this.#buf.set(b, this.#len)
    this.#len += b.length
  }

  /** Reserves `n` bytes (contents unspecified) and returns their offset, for back-patching. */
  reserve(n: number): number {
    this.#ensure(n)
    const at = this.#len
    this.#len += n
    return at
  }

  setInt32At(offset: number, n: number): void {
    this.#buf.writeInt32BE(n, offset)
  }

  setUint32At(offset: number, n: number): void {
    this.#buf.writeUInt32BE(n, offset)
  }

  /** A view of bytes [start, end) written so far (valid until the next write), e.g. for a CRC. */
  view(start: number, end = this.#len): Buffer {
    return this.#buf.subarray(start, end)
  }

  /**
   * Inserts, at `start`, the unsigned varint of the number of bytes written since `start`:
   * the size prefix of a tagged-field entry, whose value is written first.
   */
  sizePrefixSince(start: number): void {
    const size = this.#len - start
    const prefix = sizeOfUvarint(size)
    this.#ensure(prefix)
    const b = this.#buf
    b.copyWithin(start + prefix, start, this.#len)
    // Write the prefix in place: uvarint() could grow the buffer and drop the moved value.
    let u = size
    let p = start
    while (u > 0x7f) {
      b[p++] = (u & 0x7f) | 0x80
      u >>>= 7
    }
    b[p] = u
    this.#len += prefix
  }

  /** A whole tagged-field section holding only `fields` (raw, sorted by tag), or none: 0x00. */
  taggedFields(fields: readonly UnknownTaggedField[] | undefined): void {
    if (fields === undefined) {
      this.uvarint(0)
      return
    }
    this.uvarint(fields.length)
    this.unknownTaggedFields(fields, 0, Number.POSITIVE_INFINITY)
  }

  /**
   * Writes the entries of `fields` from index `from` whose tag is below `belowTag` (fields must
   * be sorted by tag, as decoders produce them) and returns the index of the first one left.
   */
  unknownTaggedFields(fields: readonly UnknownTaggedField[] | undefined, from: number, belowTag: number): number {
    if (fields === undefined) return 0
    let i = from
    while (i < fields.length) {
      const f = fields[i]!
      if (f.tag >= belowTag) break
      this.uvarint(f.tag)
      this.uvarint(f.data.length)
      this.raw(f.data)
      i++
    }
    return i
  }
}
