// gzip for Kafka (codec 1): an RFC 1952 gzip container (not zlib, not raw deflate), as Java's
// GZIPOutputStream writes and GZIPInputStream reads. node:zlib does the work; the async forms run
// on the libuv thread pool. Decode errors become ProtocolDecodeError.
import * as zlib from 'node:zlib'
import { ProtocolDecodeError } from '../../../errors.js'

function decodeError(err: unknown): ProtocolDecodeError {
  const why = err instanceof Error ? err.message : String(err)
  return new ProtocolDecodeError(`gzip: ${why}`, { offset: 0, cause: err })
}

function options(level: number | undefined): zlib.ZlibOptions {
  return level === undefined || level === -1 ? {} : { level }
}

export function gzipCompress(data: Uint8Array, level?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.gzip(data, options(level), (err, out) => (err ? reject(err) : resolve(out)))
  })
}

export function gzipCompressSync(data: Uint8Array, level?: number): Buffer {
  return zlib.gzipSync(data, options(level))
}

export function gzipDecompress(data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.gunzip(data, (err, out) => (err ? reject(decodeError(err)) : resolve(out)))
  })
}

export function gzipDecompressSync(data: Uint8Array): Buffer {
  try {
    return zlib.gunzipSync(data)
  } catch (err) {
    throw decodeError(err)
  }
}
