// zstd for Kafka (codec 4): standard zstd frames via node:zlib, which has zstd only from Node.js
// 22.15.0 / 23.8.0. On an older Node every call throws UnsupportedVersionError naming the version
// needed; `zstdAvailable` lets config validation refuse zstd at construction instead of mid-send.
import * as zlib from 'node:zlib'
import { ProtocolDecodeError, UnsupportedVersionError } from '../../../errors.js'

type Callback = (err: Error | null, out: Buffer) => void
type AsyncFn = (data: Uint8Array, options: object, cb: Callback) => void
type SyncFn = (data: Uint8Array, options: object) => Buffer

const z = zlib as unknown as Record<string, unknown>
const zstdCompressFn = z['zstdCompress'] as AsyncFn | undefined
const zstdCompressSyncFn = z['zstdCompressSync'] as SyncFn | undefined
const zstdDecompressFn = z['zstdDecompress'] as AsyncFn | undefined
const zstdDecompressSyncFn = z['zstdDecompressSync'] as SyncFn | undefined
const LEVEL_PARAM = (zlib.constants as unknown as Record<string, number | undefined>)['ZSTD_c_compressionLevel']

/** True when this Node.js has zstd in node:zlib. */
export const zstdAvailable =
  typeof zstdCompressFn === 'function' &&
  typeof zstdCompressSyncFn === 'function' &&
  typeof zstdDecompressFn === 'function' &&
  typeof zstdDecompressSyncFn === 'function' &&
  LEVEL_PARAM !== undefined

export const ZSTD_NODE_REQUIREMENT = 'Node.js >= 22.15.0 (22.x) or >= 23.8.0'

export function zstdUnsupportedMessage(): string {
  return `zstd compression needs ${ZSTD_NODE_REQUIREMENT} (node:zlib zstd); this is Node.js ${process.version}`
}

function unsupported(): UnsupportedVersionError {
  return new UnsupportedVersionError(zstdUnsupportedMessage())
}

function decodeError(err: unknown): ProtocolDecodeError {
  const why = err instanceof Error ? err.message : String(err)
  return new ProtocolDecodeError(`zstd: ${why}`, { offset: 0, cause: err })
}

function compressOptions(level: number | undefined): object {
  // Kafka's default level is 3, which is also zstd's own default.
  return level === undefined || LEVEL_PARAM === undefined ? {} : { params: { [LEVEL_PARAM]: level } }
}

export function zstdCompress(data: Uint8Array, level?: number): Promise<Buffer> {
  const fn = zstdCompressFn
  if (!zstdAvailable || fn === undefined) return Promise.reject(unsupported())
  return new Promise((resolve, reject) => {
    fn(data, compressOptions(level), (err, out) => (err ? reject(err) : resolve(out)))
  })
}

export function zstdCompressSync(data: Uint8Array, level?: number): Buffer {
  if (!zstdAvailable || zstdCompressSyncFn === undefined) throw unsupported()
  return zstdCompressSyncFn(data, compressOptions(level))
}

export function zstdDecompress(data: Uint8Array): Promise<Buffer> {
  const fn = zstdDecompressFn
  if (!zstdAvailable || fn === undefined) return Promise.reject(unsupported())
  return new Promise((resolve, reject) => {
    fn(data, {}, (err, out) => (err ? reject(decodeError(err)) : resolve(out)))
  })
}

export function zstdDecompressSync(data: Uint8Array): Buffer {
  if (!zstdAvailable || zstdDecompressSyncFn === undefined) throw unsupported()
  try {
    return zstdDecompressSyncFn(data, {})
  } catch (err) {
    throw decodeError(err)
  }
}
