// The compression codecs of the Kafka record formats, by name and by wire id (attribute bits 0-2).
// Called by the batch builder (compress), the batch/message-set decoders (decompress) and by
// producer config validation (checkCodecSupported, at construction time, never mid-send).
// Async forms return Promises (gzip and zstd run on the thread pool; snappy and lz4 are sync
// underneath); sync forms exist for every codec. 'none' returns its input unchanged.
import { ConfigError } from '../../../errors.js'
import { gzipCompress, gzipCompressSync, gzipDecompress, gzipDecompressSync } from './gzip.js'
import { lz4Backend, lz4Compress, lz4Decompress } from './lz4.js'
import { snappyCompress, snappyDecompress } from './snappy.js'
import {
  zstdAvailable,
  zstdCompress,
  zstdCompressSync,
  zstdDecompress,
  zstdDecompressSync,
  zstdUnsupportedMessage,
} from './zstd.js'

export { lz4Backend, zstdAvailable }

export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** Codec names indexed by their wire id (0..4). Ids 5..7 are invalid. */
export const COMPRESSION_CODECS: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

export const CompressionCodecId: Readonly<Record<CompressionCodec, number>> = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
}

/** The codec for a wire id, or undefined for 5..7 (corrupt). */
export function codecFromId(id: number): CompressionCodec | undefined {
  return COMPRESSION_CODECS[id]
}

/** Valid `level` ranges (Java's compression.<codec>.level); snappy has none. */
export const COMPRESSION_LEVELS: Readonly<Partial<Record<CompressionCodec, { min: number; max: number; default: number }>>> = {
  gzip: { min: 1, max: 9, default: -1 },
  lz4: { min: 1, max: 17, default: 9 },
  zstd: { min: -131072, max: 22, default: 3 },
}

export function isCodecSupported(codec: CompressionCodec): boolean {
  return codec !== 'zstd' || zstdAvailable
}

/**
 * Config-time check: throws ConfigError when `codec` is not a codec name, when this runtime
 * cannot use it (zstd before Node.js 22.15 / 23.8), or when `level` is outside the codec's range.
 */
export function checkCodecSupported(codec: unknown, level?: number): asserts codec is CompressionCodec {
  if (typeof codec !== 'string' || !(COMPRESSION_CODECS as readonly string[]).includes(codec)) {
    throw new ConfigError(`compressionType must be one of ${COMPRESSION_CODECS.join(', ')}; got ${String(codec)}`)
  }
  const name = codec as CompressionCodec
  if (!isCodecSupported(name)) throw new ConfigError(zstdUnsupportedMessage())
  if (level !== undefined) {
    const range = COMPRESSION_LEVELS[name]
    if (range === undefined) throw new ConfigError(`${name} has no compression level`)
    if (!Number.isInteger(level) || ((level < range.min || level > range.max) && level !== range.default)) {
      throw new ConfigError(`${name} compression level must be an integer in ${range.min}..${range.max}; got ${level}`)
    }
  }
}

export interface CompressOptions {
  /** gzip 1..9 and zstd levels; lz4 always uses the fast compressor, as Java's default does. */
  readonly level?: number
}

export interface DecompressOptions {
  /** For magic-0 legacy messages only: their LZ4 header checksum is Kafka's old wrong one. */
  readonly ignoreLz4HeaderChecksum?: boolean
}

function attempt(fn: () => Buffer): Promise<Buffer> {
  try {
    return Promise.resolve(fn())
  } catch (err) {
    return Promise.reject(err)
  }
}

export function compressSync(codec: CompressionCodec, data: Buffer, options: CompressOptions = {}): Buffer {
  switch (codec) {
    case 'none':
      return data
    case 'gzip':
      return gzipCompressSync(data, options.level)
    case 'snappy':
      return snappyCompress(data)
    case 'lz4':
      return lz4Compress(data)
    case 'zstd':
      return zstdCompressSync(data, options.level)
  }
}

export function compress(codec: CompressionCodec, data: Buffer, options: CompressOptions = {}): Promise<Buffer> {
  switch (codec) {
    case 'gzip':
      return gzipCompress(data, options.level)
    case 'zstd':
      return zstdCompress(data, options.level)
    default:
      return attempt(() => compressSync(codec, data, options))
  }
}

export function decompressSync(codec: CompressionCodec, data: Buffer, options: DecompressOptions = {}): Buffer {
  switch (codec) {
    case 'none':
      return data
    case 'gzip':
      return gzipDecompressSync(data)
    case 'snappy':
      return snappyDecompress(data)
    case 'lz4':
      return lz4Decompress(data, { ignoreHeaderChecksum: options.ignoreLz4HeaderChecksum === true })
    case 'zstd':
      return zstdDecompressSync(data)
  }
}

export function decompress(codec: CompressionCodec, data: Buffer, options: DecompressOptions = {}): Promise<Buffer> {
  switch (codec) {
    case 'gzip':
      return gzipDecompress(data)
    case 'zstd':
      return zstdDecompress(data)
    default:
      return attempt(() => decompressSync(codec, data, options))
  }
}
