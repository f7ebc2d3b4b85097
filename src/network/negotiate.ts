// ApiVersions negotiation for one connection: asks the broker which versions it serves and picks,
// per API, the highest version inside both the broker's [min, max] and our generated window.
// Called by connection.ts right after the socket opens (before SASL). Invariants: the choice is
// made once per API and cached for the connection's life; no overlap → UnsupportedVersionError;
// a broker that does not know our ApiVersions version answers in v0 format with
// UNSUPPORTED_VERSION and its own range, and we retry inside that range (NOTES.md §k.1).
import { ProtocolDecodeError, ProtocolError, UnsupportedVersionError } from '../errors.js'
import { type ApiDescriptor, decodeResponseFrame } from '../protocol/api.js'
import { type ApiVersionsRequest, type ApiVersionsResponse, ApiVersionsApi } from '../protocol/generated/api-versions.js'
import { ErrorCode } from '../protocol/generated/error-table.js'

/** The part of an ApiDescriptor negotiation needs (any ApiDescriptor<Req, Res> fits). */
export interface ApiWindow {
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
}

export interface ApiVersionRange {
  readonly minVersion: number
  readonly maxVersion: number
}

const API_VERSIONS_KEY = 18
/** Sent as ClientSoftwareName/Version (KIP-511; must match [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?). */
export const CLIENT_SOFTWARE_NAME = 'kafkats'
export const CLIENT_SOFTWARE_VERSION = '0.1.0'

/** The broker's advertised ranges and the version chosen per API (cached on first use). */
export class ApiVersionTable {
  readonly #broker: ReadonlyMap<number, ApiVersionRange>
  readonly #chosen = new Map<number, number>()

  constructor(broker: ReadonlyMap<number, ApiVersionRange>) {
    this.#broker = broker
  }

  /** The broker's advertised range for an API key, if it serves the API at all. */
  brokerRange(apiKey: number): ApiVersionRange | undefined {
    return this.#broker.get(apiKey)
  }

  get brokerRanges(): ReadonlyMap<number, ApiVersionRange> {
    return this.#broker
  }

  /** Highest version in both windows, or null when they do not overlap. */
  tryVersionFor(api: ApiWindow): number | null {
    const cached = this.#chosen.get(api.apiKey)
    if (cached !== undefined) return cached
    const range = this.#broker.get(api.apiKey)
    if (range === undefined) return null
    const low = Math.max(range.minVersion, api.minVersion)
    const high = Math.min(range.maxVersion, api.maxVersion)
    if (high < low) return null
    this.#chosen.set(api.apiKey, high)
    return high
  }

  /** The version to use for `api` on this connection. Throws UnsupportedVersionError. */
  versionFor(api: ApiWindow): number {
    const version = this.tryVersionFor(api)
    if (version === null) throw this.#unsupported(api)
    return version
  }

  /** Checks an explicitly requested version against both windows. */
  checkVersion(api: ApiWindow, version: number): number {
    const range = this.#broker.get(api.apiKey)
    if (
      range === undefined ||
      version < range.minVersion ||
      version > range.maxVersion ||
      version < api.minVersion ||
      version > api.maxVersion
    ) {
      throw this.#unsupported(api, version)
    }
    return version
  }

  #unsupported(api: ApiWindow, wanted?: number): UnsupportedVersionError {
    const range = this.#broker.get(api.apiKey)
    const theirs = range === undefined ? 'does not serve it' : `serves v${range.minVersion}-${range.maxVersion}`
    const what = wanted === undefined ? `${api.name}` : `${api.name} v${wanted}`
    return new UnsupportedVersionError(`${what}: kafkats speaks v${api.minVersion}-${api.maxVersion}, the broker ${theirs}`)
  }
}

/** The connection's side of negotiation: send one ApiVersions request, get the raw response frame. */
export interface NegotiationTransport {
  requestFrame(api: ApiDescriptor<ApiVersionsRequest, ApiVersionsResponse>, version: number, body: ApiVersionsRequest): Promise<Buffer>
}

/**
 * The broker's own ApiVersions range from an UNSUPPORTED_VERSION answer, which Kafka writes in v0
 * format. Some brokers write something else there (librdkafka 2.0.2's mock cluster uses a 1-byte
 * array count): an answer we cannot read names no range, and the caller falls back to v0, which
 * every broker serves.
 */
function supportedApiVersionsRange(frame: Buffer): ApiVersionRange | undefined {
  try {
    return decodeResponseFrame(ApiVersionsApi, 0, frame).body.apiKeys.find((k) => k.apiKey === API_VERSIONS_KEY)
  } catch (err) {
    if (err instanceof ProtocolDecodeError) return undefined
    throw err
  }
}

/**
 * Runs ApiVersions, starting at our highest version. A v0-format UNSUPPORTED_VERSION answer names
 * the broker's ApiVersions range; we retry once per distinct lower version.
 */
export async function negotiateApiVersions(transport: NegotiationTransport): Promise<ApiVersionTable> {
  const body: ApiVersionsRequest = { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION }
  let version = ApiVersionsApi.maxVersion
  for (;;) {
    const frame = await transport.requestFrame(ApiVersionsApi, version, body)
    // Response header v0 is the 4-byte correlation id; ErrorCode is the first body field in every version.
    const errorCode = frame.length >= 6 ? frame.readInt16BE(4) : 0
    if (errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      const range = supportedApiVersionsRange(frame)
      const next = range === undefined ? 0 : Math.min(range.maxVersion, ApiVersionsApi.maxVersion)
      if (next >= version || next < ApiVersionsApi.minVersion) {
        throw new UnsupportedVersionError(
          `ApiVersions: the broker rejected v${version} and offers ${range ? `v${range.minVersion}-${range.maxVersion}` : 'no range'}`,
        )
      }
      version = next
      continue
    }
    const response = decodeResponseFrame(ApiVersionsApi, version, frame, { allowTrailingBytes: true }).body
    if (response.errorCode !== 0) throw new ProtocolError(response.errorCode, 'ApiVersions failed')
    const ranges = new Map<number, ApiVersionRange>()
    for (const k of response.apiKeys) ranges.set(k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion })
    return new ApiVersionTable(ranges)
  }
}
