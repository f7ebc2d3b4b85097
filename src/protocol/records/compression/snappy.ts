// Snappy for Kafka (codec 2). Writes the xerial snappy-java framing that the Java client writes
// (16-byte header, then int32-BE-length-prefixed raw blocks of at most 32 KiB input each); reads
// xerial framing (including concatenated streams) and, like snappy-java, a bare raw Snappy block.
// Compression uses snappyjs; decompression is our own bounds-checked block decoder, so corrupt
// input always ends in ProtocolDecodeError and the output size is checked before allocation.
import { createRequire } from 'node:module'
import { ProtocolDecodeError } from '../../../errors.js'

interface SnappyJs {
  compress(data: Uint8Array): Uint8Array
}

function loadSnappyJs(): SnappyJs {
  const mod: unknown = createRequire(import.meta.url)('snappyjs')
  if (typeof mod !== 'object' || mod === null || typeof (mod as { compress?: unknown }).compress !== 'function') {
    throw new Error('snappyjs does not export compress()')
  }
  return mod as SnappyJs
}

const snappyJs = loadSnappyJs()

/** `0x82 "SNAPPY" 0x00`, then int32 version 1, int32 compatible version 1. */
export const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
const XERIAL_BLOCK_BYTES = 32 * 1024
/** snappy-java refuses chunk lengths above this. */
const XERIAL_MAX_CHUNK_BYTES = 512 * 1024 * 1024
/** A Snappy copy op yields at most 64 bytes from 3 input bytes, so output <= 22 x input. */
const MAX_EXPANSION = 22

function fail(message: string, offset: number): never {
  throw new ProtocolDecodeError(`snappy: ${message}`, { offset })
}

export function snappyCompress(data: Uint8Array): Buffer {
  const chunks: Uint8Array[] = [XERIAL_HEADER]
  let total = XERIAL_HEADER.length
  for (let i = 0; i < data.length; i += XERIAL_BLOCK_BYTES) {
    const block = snappyJs.compress(data.subarray(i, Math.min(i + XERIAL_BLOCK_BYTES, data.length)))
    const len = Buffer.allocUnsafe(4)
    len.writeInt32BE(block.length, 0)
    chunks.push(len, block)
    total += 4 + block.length
  }
  return Buffer.concat(chunks, total)
}

function isXerial(data: Uint8Array, at: number): boolean {
  if (data.length - at < XERIAL_HEADER.length) return false
  for (let i = 0; i < 8; i++) if (data[at + i] !== XERIAL_HEADER[i]) return false
  return true
}

export function snappyDecompress(data: Buffer): Buffer {
  if (data.length === 0) fail('empty input', 0)
  if (!isXerial(data, 0)) return rawSnappyDecompress(data, 0, data.length)
  const blocks: Buffer[] = []
  let total = 0
  let pos = XERIAL_HEADER.length
  while (pos < data.length) {
    // snappy-java tolerates another stream's header here (concatenated streams).
    if (isXerial(data, pos)) {
      pos += XERIAL_HEADER.length
      continue
    }
    if (data.length - pos < 4) fail('truncated xerial chunk length', pos)
    const len = data.readInt32BE(pos)
    if (len < 0 || len > XERIAL_MAX_CHUNK_BYTES) fail(`invalid xerial chunk length ${len}`, pos)
    pos += 4
    if (pos + len > data.length) fail(`xerial chunk of ${len} bytes overruns the input`, pos)
    const block = rawSnappyDecompress(data, pos, pos + len)
    blocks.push(block)
    total += block.length
    pos += len
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks, total)
}

/** Decodes one raw Snappy block occupying `src[start, end)`. */
export function rawSnappyDecompress(src: Buffer, start: number, end: number): Buffer {
  let p = start
  // Preamble: the uncompressed length as an unsigned varint (at most 32 bits).
  let length = 0
  for (let shift = 0; ; shift += 7) {
    if (p >= end || shift > 28) fail('bad uncompressed-length preamble', p)
    const b = src[p++]!
    length += (b & 0x7f) * 2 ** shift
    if (b < 0x80) break
  }
  if (length > (end - p) * MAX_EXPANSION + 64) fail(`declared length ${length} is impossible for ${end - start} input bytes`, start)
  const out = Buffer.allocUnsafe(length)
  let op = 0
  while (p < end) {
    const tag = src[p++]!
    const type = tag & 3
    if (type === 0) {
      let len = (tag >>> 2) + 1
      if (len > 60) {
        const n = len - 60
        if (p + n > end) fail('truncated literal length', p)
        len = 0
        for (let i = 0; i < n; i++) len += src[p + i]! * 2 ** (8 * i)
        len += 1
        p += n
      }
      if (p + len > end || op + len > length) fail('literal overruns its bounds', p)
      if (len < 32) {
        for (let i = 0; i < len; i++) out[op + i] = src[p + i]!
      } else {
        src.copy(out, op, p, p + len)
      }
      p += len
      op += len
      continue
    }
    let len: number
    let offset: number
    if (type === 1) {
      if (p >= end) fail('truncated copy', p)
      len = ((tag >>> 2) & 7) + 4
      offset = ((tag >>> 5) << 8) | src[p++]!
    } else if (type === 2) {
      if (p + 2 > end) fail('truncated copy', p)
      len = (tag >>> 2) + 1
      offset = src[p]! | (src[p + 1]! << 8)
      p += 2
    } else {
      if (p + 4 > end) fail('truncated copy', p)
      len = (tag >>> 2) + 1
      offset = (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16) | (src[p + 3]! << 24)) >>> 0
      p += 4
    }
    if (offset === 0 || offset > op || op + len > length) fail('copy out of bounds', p)
    const from = op - offset
    if (offset >= len && len >= 32) {
      out.copy(out, op, from, from + len)
    } else {
      // Overlapping copies repeat the pattern byte by byte.
      for (let i = 0; i < len; i++) out[op + i] = out[from + i]!
    }
    op += len
  }
  if (op !== length) fail(`decoded ${op} bytes, expected ${length}`, end)
  return out
}
