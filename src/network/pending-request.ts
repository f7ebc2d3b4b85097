// One request of a Connection from enqueue to settlement (PendingRequest), plus the two per-request
// steps of the write and read paths: choosing its version and mapping an undecodable response
// body to a typed error. Used only by connection.ts. Invariants: a request settles once (settled);
// its version is fixed before its frame is encoded and never changes afterwards.
import { KafkaClientError, ProtocolDecodeError } from '../errors.js'
import type { ApiDescriptor } from '../protocol/api.js'
import type { TimerHandle } from '../util/clock.js'
import type { ApiVersionTable } from './negotiate.js'

export class PendingRequest {
  correlationId = -1
  version: number
  timer: TimerHandle | undefined = undefined
  settled = false
  /** handed to the socket */
  written = false
  constructor(
    readonly api: ApiDescriptor<unknown, unknown>,
    readonly body: unknown,
    version: number,
    readonly maxVersion: number,
    readonly expectResponse: boolean,
    /** resolve with the raw response frame instead of a decoded body (ApiVersions fallback) */
    readonly raw: boolean,
    readonly timeoutMs: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (reason: unknown) => void,
  ) {
    this.version = version
  }
}

/** Fixes p.version: the negotiated one (capped at p.maxVersion) or a checked explicit one. Throws UnsupportedVersionError. */
export function pickVersion(p: PendingRequest, versions: ApiVersionTable | null): void {
  if (p.version < 0) {
    p.version = versions === null ? p.api.maxVersion : versions.versionFor(p.api)
    if (p.version > p.maxVersion && versions !== null) p.version = versions.checkVersion(p.api, p.maxVersion)
  } else if (versions !== null) versions.checkVersion(p.api, p.version)
}

/** The error a request settles with when its response body cannot be decoded. */
export function responseDecodeError(p: PendingRequest, err: unknown): KafkaClientError {
  return err instanceof KafkaClientError
    ? err
    : new ProtocolDecodeError(`cannot decode ${p.api.name} response: ${(err as Error)?.message}`, {
        offset: 0,
        apiKey: p.api.apiKey,
        apiVersion: p.version,
        cause: err,
      })
}
