// Record-format varint writers (NOTES §d.3) that put bytes straight into a Buffer at a position and
// return the next position: the record encoder's hot path, so no Writer object and no allocation.
// Sizes and zig-zag mapping come from primitives/varint.ts; what is added here is a varlong over
// safe-integer numbers (timestamp deltas, |n| < 2^53) so no bigint is made per record.
import { sizeOfVarint, zigzag32 } from '../primitives/varint.js'

export { sizeOfVarint }

export function writeVarint(buf: Buffer, pos: number, n: number): number {
  let v = zigzag32(n)
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80
    v >>>= 7
  }
  buf[pos++] = v
  return pos
}

/** Encoded size of the zig-zag varlong of a safe integer. */
export function sizeOfVarlongNumber(n: number): number {
  if ((n | 0) === n) return sizeOfVarint(n)
  let v = n >= 0 ? n * 2 : -n * 2 - 1
  let size = 1
  while (v >= 0x80) {
    v = Math.floor(v / 0x80)
    size++
  }
  return size
}

/** Writes the zig-zag varlong of a safe integer. */
export function writeVarlongNumber(buf: Buffer, pos: number, n: number): number {
  if ((n | 0) === n) return writeVarint(buf, pos, n)
  let v = n >= 0 ? n * 2 : -n * 2 - 1
  while (v >= 0x80) {
    buf[pos++] = (v % 0x80) | 0x80
    v = Math.floor(v / 0x80)
  }
  buf[pos++] = v
  return pos
}
