// Test-only byte builder: writes expected wire bytes by hand, straight from the rules in
// NOTES.md §c, so tests can check src/protocol against an independent implementation.
// Deliberately naive (a plain number[] of bytes) and shares no code with src/.
// Every method appends and returns `this`; build() returns a fresh Buffer.

export type BytesLike = Uint8Array | ByteBuilder

function toBytes(b: BytesLike): Uint8Array {
  return b instanceof ByteBuilder ? b.build() : b
}

export class ByteBuilder {
  readonly #out: number[] = []

  get length(): number {
    return this.#out.length
  }

  /** Big-endian two's complement of `value` in `size` bytes (size <= 8). */
  #fixed(value: bigint, size: number): this {
    const mod = 1n << BigInt(size * 8)
    let v = ((value % mod) + mod) % mod
    const bytes: number[] = []
    for (let i = 0; i < size; i++) {
      bytes.unshift(Number(v & 0xffn))
      v >>= 8n
    }
    this.#out.push(...bytes)
    return this
  }

  i8(n: number): this {
    return this.#fixed(BigInt(n), 1)
  }
  i16(n: number): this {
    return this.#fixed(BigInt(n), 2)
  }
  u16(n: number): this {
    return this.#fixed(BigInt(n), 2)
  }
  i32(n: number): this {
    return this.#fixed(BigInt(n), 4)
  }
  u32(n: number): this {
    return this.#fixed(BigInt(n), 4)
  }
  i64(n: bigint | number): this {
    return this.#fixed(BigInt(n), 8)
  }
  bool(b: boolean): this {
    return this.i8(b ? 1 : 0)
  }
  f64(n: number): this {
    const b = Buffer.alloc(8)
    b.writeDoubleBE(n)
    return this.raw(b)
  }

  /** Unsigned varint: 7 bits per byte, low group first, 0x80 = more follows. */
  uvarint(n: number | bigint): this {
    let v = BigInt(n)
    if (v < 0n) throw new RangeError('uvarint of a negative number')
    while (v >= 0x80n) {
      this.#out.push(Number((v & 0x7fn) | 0x80n))
      v >>= 7n
    }
    this.#out.push(Number(v))
    return this
  }
  /** Zig-zag signed 32-bit varint (records only). */
  varint(n: number): this {
    const v = BigInt(n)
    return this.uvarint(v >= 0n ? v * 2n : -v * 2n - 1n)
  }
  /** Zig-zag signed 64-bit varlong (records only). */
  varlong(n: bigint | number): this {
    const v = BigInt(n)
    return this.uvarint(v >= 0n ? v * 2n : -v * 2n - 1n)
  }

  /** Non-flexible string: int16 length + UTF-8; null = -1. */
  str(s: string | null): this {
    if (s === null) return this.i16(-1)
    const b = Buffer.from(s, 'utf8')
    return this.i16(b.length).raw(b)
  }
  /** Compact string: uvarint(length + 1) + UTF-8; null = 0. */
  cstr(s: string | null): this {
    if (s === null) return this.uvarint(0)
    const b = Buffer.from(s, 'utf8')
    return this.uvarint(b.length + 1).raw(b)
  }
  /** Non-flexible bytes: int32 length + bytes; null = -1. */
  bytes(b: BytesLike | null): this {
    if (b === null) return this.i32(-1)
    const raw = toBytes(b)
    return this.i32(raw.length).raw(raw)
  }
  /** Compact bytes: uvarint(length + 1) + bytes; null = 0. */
  cbytes(b: BytesLike | null): this {
    if (b === null) return this.uvarint(0)
    const raw = toBytes(b)
    return this.uvarint(raw.length + 1).raw(raw)
  }

  /** 16 raw bytes, from 32 hex digits (dashes allowed) or Kafka's 22-char URL-safe base64. */
  uuid(s: string): this {
    const hex = s.replaceAll('-', '')
    if (/^[0-9a-fA-F]{32}$/.test(hex)) return this.raw(hex)
    const b = Buffer.from(s, 'base64url')
    if (b.length !== 16) throw new RangeError(`bad uuid ${s}`)
    return this.raw(b)
  }

  /** Non-flexible array count: int32; null = -1. Elements are appended by the caller. */
  arr(n: number | null): this {
    return this.i32(n === null ? -1 : n)
  }
  /** Compact array count: uvarint(count + 1); null = 0. */
  carr(n: number | null): this {
    return this.uvarint(n === null ? 0 : n + 1)
  }

  /**
   * Tagged-field section. `tags(0)` (or `tags()`) writes the empty section 0x00; with entries,
   * writes the count then (tag, size, bytes) in the order given (tests pass ascending tags).
   */
  tags(entries: number | ReadonlyArray<readonly [tag: number, value: BytesLike]> = 0): this {
    if (typeof entries === 'number') {
      if (entries !== 0) throw new RangeError('tags(n) takes only 0; pass entries instead')
      return this.uvarint(0)
    }
    this.uvarint(entries.length)
    for (const [tag, value] of entries) {
      const raw = toBytes(value)
      this.uvarint(tag).uvarint(raw.length).raw(raw)
    }
    return this
  }

  /** Raw bytes: a hex string (spaces allowed), a Uint8Array or another builder's bytes. */
  raw(b: string | BytesLike): this {
    if (typeof b === 'string') {
      const hex = b.replaceAll(/\s+/g, '')
      if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new RangeError(`bad hex ${b}`)
      for (let i = 0; i < hex.length; i += 2) this.#out.push(Number.parseInt(hex.slice(i, i + 2), 16))
      return this
    }
    for (const x of toBytes(b)) this.#out.push(x)
    return this
  }

  build(): Buffer {
    return Buffer.from(this.#out)
  }

  /** The built bytes preceded by their int32 size (a whole frame on the socket). */
  buildFrame(): Buffer {
    return new ByteBuilder().i32(this.#out.length).raw(this.build()).build()
  }
}

/** Shorthand: `bb().i16(0).str('x').build()`. */
export function bb(): ByteBuilder {
  return new ByteBuilder()
}
