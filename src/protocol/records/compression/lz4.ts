// LZ4 for Kafka (codec 3): the LZ4 *frame* format. We write exactly what the Java client writes
// (magic, FLG 0x60, BD 0x40, HC 0x82, independent blocks of <= 64 KiB, end mark, no checksums) and
// read any frame with independent blocks (block max 64 KiB..4 MiB, optional content size, block
// and content checksums, skippable frames, concatenated frames). Block (de)compression comes from
// the `lz4` npm package: its native addon when it loaded, else the package's pure-JS block codec.
import { createRequire } from 'node:module'
import { ProtocolDecodeError } from '../../../errors.js'
import { xxhash32 } from './xxhash32.js'

/** The two block functions we need from the `lz4` package (native and JS share this shape). */
export interface Lz4BlockBackend {
  readonly kind: 'native' | 'js'
  /** Compresses `src` into `dst[start, end)`; returns the size written, 0 when it did not fit/shrink. */
  compress(src: Uint8Array, dst: Buffer, start: number, end: number): number
  /** Decompresses `src` into `dst`; returns the size written, negative on corrupt input. */
  decompress(src: Uint8Array, dst: Buffer): number
  compressBound(size: number): number
}

type Fn = (...args: unknown[]) => unknown

function fnOf(mod: unknown, name: string): Fn {
  const f = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>)[name] : undefined
  if (typeof f !== 'function') throw new Error(`lz4 module has no ${name}()`)
  return f as Fn
}

function toBackend(kind: 'native' | 'js', compress: Fn, decompress: Fn, bound: Fn): Lz4BlockBackend {
  return {
    kind,
    compress:
      kind === 'native'
        ? (src, dst, start, end) => compress(src, dst, start, end) as number
        : (src, dst, start, end) => {
            // The JS port returns the end position in `dst` (or 0 when incompressible), not a size.
            const endPos = compress(src, dst, start, end) as number
            return endPos === 0 ? 0 : endPos - start
          },
    decompress: (src, dst) => decompress(src, dst) as number,
    compressBound: (size) => bound(size) as number,
  }
}

const requireCjs = createRequire(import.meta.url)

/** The package's pure-JS block codec (lz4/lib/binding.js); always loadable. */
export function loadJsLz4Backend(): Lz4BlockBackend {
  const js: unknown = requireCjs('lz4/lib/binding.js')
  // Its compress() allocates and fills a fresh 64K-entry hash table per block; calling the
  // underlying compressBlock (exported as compressDependent) with one zeroed, reused table is
  // the same algorithm (pos 0, empty table: an independent block) without that cost.
  const compressBlock = fnOf(js, 'compressDependent')
  const table = new Uint32Array(1 << 16)
  const compress: Fn = (src, dst, start, end) => {
    table.fill(0)
    return compressBlock(src, dst, 0, table, start, end)
  }
  return toBackend('js', compress, fnOf(js, 'uncompress'), fnOf(js, 'compressBound'))
}

/**
 * The native addon, or undefined when it did not build (e.g. npm skipped install scripts): the
 * package's main module requires build/Release/lz4.node and throws without it.
 */
export function loadNativeLz4Backend(): Lz4BlockBackend | undefined {
  try {
    const lz4: unknown = requireCjs('lz4')
    return toBackend('native', fnOf(lz4, 'encodeBlock'), fnOf(lz4, 'decodeBlock'), fnOf(lz4, 'encodeBound'))
  } catch {
    return undefined
  }
}

const defaultBackend: Lz4BlockBackend =
  process.env['KAFKATS_LZ4_BACKEND'] === 'js' ? loadJsLz4Backend() : (loadNativeLz4Backend() ?? loadJsLz4Backend())

/** Which block codec this process uses for lz4: 'native' (addon) or 'js' (the package's JS port). */
export const lz4Backend: 'native' | 'js' = defaultBackend.kind

const MAGIC = 0x184d2204
/** Magic, FLG 0x60 (v01, independent blocks), BD 0x40 (64 KiB), HC 0x82: as Kafka writes. */
const KAFKA_FRAME_HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82])
const BLOCK_BYTES = 64 * 1024
const UNCOMPRESSED_BIT = 0x80000000

/** Largest frame lz4Compress can write for `length` input bytes. */
function frameBound(length: number, backend: Lz4BlockBackend): number {
  const full = Math.floor(length / BLOCK_BYTES)
  const rest = length - full * BLOCK_BYTES
  const blockBound = (n: number) => 4 + Math.max(backend.compressBound(n), n)
  return KAFKA_FRAME_HEADER.length + full * blockBound(BLOCK_BYTES) + (rest > 0 ? blockBound(rest) : 0) + 4
}

/** Writes the frame of `data` into `out` (at least frameBound bytes); returns its length. */
function compressFrame(data: Uint8Array, out: Buffer, backend: Lz4BlockBackend): number {
  KAFKA_FRAME_HEADER.copy(out, 0)
  let pos = KAFKA_FRAME_HEADER.length
  for (let i = 0; i < data.length; i += BLOCK_BYTES) {
    const chunk = data.subarray(i, Math.min(i + BLOCK_BYTES, data.length))
    const maxBlock = Math.max(backend.compressBound(chunk.length), chunk.length)
    const size = backend.compress(chunk, out, pos + 4, pos + 4 + maxBlock)
    if (size > 0 && size < chunk.length) {
      out.writeUInt32LE(size, pos)
      pos += 4 + size
    } else {
      // Incompressible: store it, flagged by the high bit of the size.
      out.writeUInt32LE((UNCOMPRESSED_BIT | chunk.length) >>> 0, pos)
      out.set(chunk, pos + 4)
      pos += 4 + chunk.length
    }
  }
  out.writeUInt32LE(0, pos)
  return pos + 4
}

export function lz4Compress(data: Uint8Array, backend: Lz4BlockBackend = defaultBackend): Buffer {
  const out = Buffer.allocUnsafe(frameBound(data.length, backend))
  return out.subarray(0, compressFrame(data, out, backend))
}

let frameScratch: Buffer = Buffer.alloc(0)

/**
 * lz4Compress into a reused buffer: the result is valid only until the next call (the record
 * batch builder copies it at once). Saves a worst-case-sized allocation per batch.
 */
export function lz4CompressTransient(data: Uint8Array, backend: Lz4BlockBackend = defaultBackend): Buffer {
  const bound = frameBound(data.length, backend)
  if (frameScratch.length < bound) frameScratch = Buffer.allocUnsafe(Math.max(bound, 64 * 1024))
  const scratchOut = frameScratch
  return scratchOut.subarray(0, compressFrame(data, scratchOut, backend))
}

export interface Lz4DecompressOptions {
  /** Skip the header-checksum check: magic-0 messages carry Kafka's old wrong HC (KAFKA-3160). */
  readonly ignoreHeaderChecksum?: boolean
}

function fail(message: string, offset: number): never {
  throw new ProtocolDecodeError(`lz4: ${message}`, { offset })
}

const scratchBySize = new Map<number, Buffer>()

/** A reusable block output buffer; only the small sizes Kafka writes (64/256 KiB) are kept. */
function scratch(size: number): Buffer {
  let b = scratchBySize.get(size)
  if (b === undefined) {
    b = Buffer.allocUnsafe(size)
    if (size <= 256 * 1024) scratchBySize.set(size, b)
  }
  return b
}

export function lz4Decompress(
  data: Buffer,
  options: Lz4DecompressOptions = {},
  backend: Lz4BlockBackend = defaultBackend,
): Buffer {
  const parts: Buffer[] = []
  let total = 0
  let pos = 0
  if (data.length === 0) fail('empty input', 0)
  while (pos < data.length) {
    if (data.length - pos < 4) fail('truncated frame magic', pos)
    const magic = data.readUInt32LE(pos)
    if (magic >>> 4 === 0x184d2a5) {
      // Skippable frame: magic, LE uint32 size, payload.
      if (data.length - pos < 8) fail('truncated skippable frame', pos)
      pos += 8 + data.readUInt32LE(pos + 4)
      if (pos > data.length) fail('truncated skippable frame', data.length)
      continue
    }
    if (magic !== MAGIC) fail(`not an LZ4 frame (magic 0x${magic.toString(16)})`, pos)
    pos = readFrame(data, pos + 4, parts, options, backend)
  }
  for (const p of parts) total += p.length
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total)
}

/** Reads one frame after its magic; pushes decoded blocks to `parts`; returns the end offset. */
function readFrame(
  data: Buffer,
  start: number,
  parts: Buffer[],
  options: Lz4DecompressOptions,
  backend: Lz4BlockBackend,
): number {
  if (data.length - start < 3) fail('truncated frame descriptor', start)
  const flg = data[start]!
  const bd = data[start + 1]!
  if (flg >>> 6 !== 1) fail(`unsupported frame version ${flg >>> 6}`, start)
  if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) fail('reserved descriptor bits set', start)
  if ((flg & 0x20) === 0) fail('dependent (linked) blocks are not supported', start)
  if ((flg & 0x01) !== 0) fail('frames with a dictionary id are not supported', start)
  const blockChecksum = (flg & 0x10) !== 0
  const contentSize = (flg & 0x08) !== 0
  const contentChecksum = (flg & 0x04) !== 0
  const blockMaxId = (bd >>> 4) & 7
  if (blockMaxId < 4) fail(`invalid block maximum size id ${blockMaxId}`, start + 1)
  const blockMax = 1 << (8 + 2 * blockMaxId)
  const descEnd = start + 2 + (contentSize ? 8 : 0)
  if (data.length < descEnd + 1) fail('truncated frame descriptor', start)
  const hc = data[descEnd]!
  const expected = (xxhash32(data, start, descEnd) >>> 8) & 0xff
  if (!options.ignoreHeaderChecksum && hc !== expected) {
    fail(`header checksum 0x${hc.toString(16)}, expected 0x${expected.toString(16)}`, descEnd)
  }
  let pos = descEnd + 1
  const out = scratch(blockMax)
  for (;;) {
    if (data.length - pos < 4) fail('truncated block size (missing end mark)', pos)
    const word = data.readUInt32LE(pos)
    pos += 4
    if (word === 0) break
    const stored = (word & UNCOMPRESSED_BIT) !== 0
    const size = word & 0x7fffffff
    if (size > blockMax) fail(`block of ${size} bytes exceeds the frame's ${blockMax}`, pos - 4)
    if (pos + size + (blockChecksum ? 4 : 0) > data.length) fail('truncated block', pos)
    const block = data.subarray(pos, pos + size)
    if (blockChecksum && data.readUInt32LE(pos + size) !== xxhash32(data, pos, pos + size)) {
      fail('block checksum mismatch', pos + size)
    }
    pos += size + (blockChecksum ? 4 : 0)
    if (stored) {
      parts.push(Buffer.from(block))
      continue
    }
    const n = backend.decompress(block, out)
    // The JS backend does not stop at the end of `out`: a count past it means corrupt input too.
    if (!(n >= 0 && n <= blockMax)) fail('corrupt block', pos - size)
    const part = Buffer.allocUnsafe(n)
    out.copy(part, 0, 0, n)
    parts.push(part)
  }
  // Kafka reads the content checksum but does not verify it; we do the same.
  if (contentChecksum) {
    if (data.length - pos < 4) fail('truncated content checksum', pos)
    pos += 4
  }
  return pos
}
