// Varint arithmetic shared by Writer and Reader: sizes and zig-zag mappings (NOTES §c.3).
// Unsigned varints carry up to 32 bits (at most 5 bytes); zig-zag varints map int32 and
// varlongs map int64 (at most 10 bytes). Pure functions, no I/O; callers do bounds checks.

/** Most bytes an unsigned or zig-zag 32-bit varint may take on the wire. */
export const MAX_VARINT_BYTES = 5
/** Most bytes a zig-zag 64-bit varlong may take on the wire. */
export const MAX_VARLONG_BYTES = 10

/** Bytes taken by `n` (treated as uint32) written as an unsigned varint. */
export function sizeOfUvarint(n: number): number {
  let u = n >>> 0
  let size = 1
  while (u > 0x7f) {
    size++
    u >>>= 7
  }
  return size
}

/** Zig-zag maps an int32 to a uint32: 0→0, -1→1, 1→2, -2→3, ... */
export function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0
}

/** Inverse of zigzag32: a uint32 back to an int32. */
export function unzigzag32(u: number): number {
  return (u >>> 1) ^ -(u & 1)
}

/** Zig-zag maps an int64 to a uint64 (as a non-negative bigint below 2^64). */
export function zigzag64(n: bigint): bigint {
  return BigInt.asUintN(64, (n << 1n) ^ (n >> 63n))
}

/** Inverse of zigzag64: a uint64 (0 ≤ u < 2^64) back to an int64. */
export function unzigzag64(u: bigint): bigint {
  return (u >> 1n) ^ -(u & 1n)
}

/** Bytes taken by `n` written as a zig-zag varint. */
export function sizeOfVarint(n: number): number {
  return sizeOfUvarint(zigzag32(n))
}

/** Bytes taken by `n` written as a zig-zag varlong. */
export function sizeOfVarlong(n: bigint): number {
  let u = zigzag64(n)
  let size = 1
  while (u > 0x7fn) {
    size++
    u >>= 7n
  }
  return size
}
