// The contract between generated codecs and their callers: Encoder/Decoder/ApiDescriptor, which
// header version an API version uses, and whole-frame encode/decode for both sides of a
// connection (network/ on the client, test/fixtures/broker on the broker side).
// Invariants: frames are `int32 size + header + body` on the wire; decoders consume a frame
// exactly or throw ProtocolDecodeError carrying apiKey/apiVersion; ApiVersions responses always
// use response header v0 (NOTES §k.1).
import { ProtocolDecodeError, UnsupportedVersionError } from '../errors.js'
import { API_BY_KEY } from './generated/index.js'
import { decodeRequestHeaderV1, decodeRequestHeaderV2, encodeRequestHeaderV1, encodeRequestHeaderV2 } from './generated/request-header.js'
import { decodeResponseHeaderV0, decodeResponseHeaderV1, encodeResponseHeaderV0, encodeResponseHeaderV1 } from './generated/response-header.js'
import { Reader } from './primitives/reader.js'
import { Writer } from './primitives/writer.js'

export type Encoder<T> = (w: Writer, msg: T) => void
export type Decoder<T> = (r: Reader) => T

export interface ApiDescriptor<Req, Res> {
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  /** first flexible version; Infinity when the API is never flexible */
  readonly flexibleVersion: number
  /** indexed by version; undefined outside [minVersion, maxVersion] */
  readonly encodeRequest: readonly (Encoder<Req> | undefined)[]
  readonly decodeRequest: readonly (Decoder<Req> | undefined)[]
  readonly encodeResponse: readonly (Encoder<Res> | undefined)[]
  readonly decodeResponse: readonly (Decoder<Res> | undefined)[]
}

const API_VERSIONS_KEY = 18

/** Header v2 (tagged fields) for flexible API versions, else v1. */
export function requestHeaderVersion(api: ApiDescriptor<unknown, unknown>, version: number): 1 | 2 {
  return version >= api.flexibleVersion ? 2 : 1
}

/** Header v1 for flexible API versions, else v0; ApiVersions responses always use v0. */
export function responseHeaderVersion(api: ApiDescriptor<unknown, unknown>, version: number): 0 | 1 {
  if (api.apiKey === API_VERSIONS_KEY) return 0
  return version >= api.flexibleVersion ? 1 : 0
}

function unsupported(api: ApiDescriptor<unknown, unknown>, version: number): UnsupportedVersionError {
  return new UnsupportedVersionError(
    `${api.name} (api key ${api.apiKey}) v${version} is outside the supported range ${api.minVersion}-${api.maxVersion}`,
  )
}

// Frames are built synchronously, so one Writer serves every call (finish() detaches output;
// a failed encode leaves bytes behind, which the reset() at the start of the next call drops).
const writer = new Writer(1024)

function finishFrame(w: Writer): Buffer {
  w.setInt32At(0, w.length - 4)
  return w.finish()
}

/** Client side: `int32 size + request header + body`, ready for the socket. */
export function encodeRequestFrame<Req, Res>(
  api: ApiDescriptor<Req, Res>,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: Req,
): Buffer {
  const encode = api.encodeRequest[version]
  if (encode === undefined) throw unsupported(api as ApiDescriptor<unknown, unknown>, version)
  const header = { requestApiKey: api.apiKey, requestApiVersion: version, correlationId, clientId }
  const w = writer
  w.reset()
  w.reserve(4)
  if (version >= api.flexibleVersion) encodeRequestHeaderV2(w, header)
  else encodeRequestHeaderV1(w, header)
  encode(w, body)
  return finishFrame(w)
}

/** Client side: a response frame (without its size prefix) → correlation id and body. */
export interface DecodeResponseOptions {
  /**
   * Accept bytes after a complete body. Java's client reads a response without checking what is
   * left, and some brokers leave something (librdkafka's mock cluster appends a byte to Metadata
   * v12), so the client sets this; the reference broker and the codec tests decode strictly.
   */
  readonly allowTrailingBytes?: boolean
}

export function decodeResponseFrame<Req, Res>(
  api: ApiDescriptor<Req, Res>,
  version: number,
  frameBytes: Buffer,
  options: DecodeResponseOptions = {},
): { correlationId: number; body: Res } {
  const decode = api.decodeResponse[version]
  if (decode === undefined) throw unsupported(api as ApiDescriptor<unknown, unknown>, version)
  const r = new Reader(frameBytes)
  r.apiKey = api.apiKey
  r.apiVersion = version
  const header =
    responseHeaderVersion(api as ApiDescriptor<unknown, unknown>, version) === 1
      ? decodeResponseHeaderV1(r)
      : decodeResponseHeaderV0(r)
  const body = decode(r)
  if (options.allowTrailingBytes !== true) r.expectEnd()
  return { correlationId: header.correlationId, body }
}

/** The request header fields every broker can read, whatever the API or version. */
export interface RequestHeaderInfo {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

/**
 * Broker side: reads just the api key, version, correlation id and client id of a request frame
 * (without its size prefix). Works for unknown keys and versions, so that a broker can still
 * answer (e.g. ApiVersions with UNSUPPORTED_VERSION). Throws ProtocolDecodeError.
 */
export function decodeRequestHeader(frameBytes: Buffer): RequestHeaderInfo {
  const r = new Reader(frameBytes)
  const h = decodeRequestHeaderV1(r)
  return { apiKey: h.requestApiKey, apiVersion: h.requestApiVersion, correlationId: h.correlationId, clientId: h.clientId }
}

/**
 * Broker side: decodes a whole request frame (without its size prefix). Throws
 * UnsupportedVersionError for an unknown key or version (use decodeRequestHeader to answer it)
 * and ProtocolDecodeError for malformed bytes.
 */
export function decodeRequestFrame(frameBytes: Buffer): RequestHeaderInfo & {
  body: unknown
  api: ApiDescriptor<unknown, unknown>
} {
  const info = decodeRequestHeader(frameBytes)
  const api = API_BY_KEY.get(info.apiKey)
  if (api === undefined) throw new UnsupportedVersionError(`unknown api key ${info.apiKey}`)
  const decode = api.decodeRequest[info.apiVersion]
  if (decode === undefined) throw unsupported(api, info.apiVersion)
  const r = new Reader(frameBytes)
  r.apiKey = info.apiKey
  r.apiVersion = info.apiVersion
  if (requestHeaderVersion(api, info.apiVersion) === 2) decodeRequestHeaderV2(r)
  else decodeRequestHeaderV1(r)
  const body = decode(r)
  r.expectEnd()
  return { ...info, body, api }
}

/** Broker side: `int32 size + response header + body`, ready for the socket. */
export function encodeResponseFrame<Req, Res>(
  api: ApiDescriptor<Req, Res>,
  version: number,
  correlationId: number,
  body: Res,
): Buffer {
  const encode = api.encodeResponse[version]
  if (encode === undefined) throw unsupported(api as ApiDescriptor<unknown, unknown>, version)
  const w = writer
  w.reset()
  w.reserve(4)
  if (responseHeaderVersion(api as ApiDescriptor<unknown, unknown>, version) === 1) {
    encodeResponseHeaderV1(w, { correlationId })
  } else {
    encodeResponseHeaderV0(w, { correlationId })
  }
  encode(w, body)
  return finishFrame(w)
}

/** The response frame's correlation id (first 4 bytes after the size prefix), before decoding. */
export function peekCorrelationId(frameBytes: Buffer): number {
  if (frameBytes.length < 4) {
    throw new ProtocolDecodeError(`frame of ${frameBytes.length} bytes has no correlation id`, { offset: 0 })
  }
  return frameBytes.readInt32BE(0)
}
