// Drives one SASL authentication on a connection: SaslHandshake v1, then SaslAuthenticate
// round trips until the mechanism is satisfied. Called by connection.ts at connect time and
// again for KIP-368 re-authentication. Invariants: a non-zero error code always fails with a
// ProtocolError carrying the broker's message; the number of round trips is bounded.
import { ConfigError, ProtocolError } from '../../errors.js'
import type { ApiDescriptor } from '../../protocol/api.js'
import { SaslAuthenticateApi } from '../../protocol/generated/sasl-authenticate.js'
import { SaslHandshakeApi } from '../../protocol/generated/sasl-handshake.js'
import { type OAuthBearerTokenProvider, OAuthBearerMechanism } from './oauthbearer.js'
import { PlainMechanism } from './plain.js'
import { ScramMechanism } from './scram.js'

/** One mechanism's client side. A fresh instance serves one authentication. */
export interface SaslMechanismClient {
  /** The wire name sent in SaslHandshake, e.g. 'SCRAM-SHA-256'. */
  readonly mechanism: string
  initialResponse(): Promise<Buffer> | Buffer
  /** The next token for a server challenge, or null when the client side is complete. */
  evaluate(challenge: Buffer): Promise<Buffer | null> | Buffer | null
}

export type SaslOptions =
  | {
      readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'
      readonly username: string
      readonly password: string
      /** PLAIN authzid; must equal username on Kafka brokers if set. */
      readonly authorizationIdentity?: string
    }
  | { readonly mechanism: 'oauthbearer'; readonly token: OAuthBearerTokenProvider }

/** What the connection offers the exchange: a request that bypasses the "authenticated" gate. */
export interface SaslTransport {
  request<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, version?: number): Promise<Res>
}

export interface SaslResult {
  readonly mechanism: string
  /** KIP-368: 0 when the broker does not require re-authentication. */
  readonly sessionLifetimeMs: number
}

const MAX_ROUND_TRIPS = 16
/** SaslHandshake v0 would switch to unframed tokens, which we do not speak (NOTES.md §i). */
const HANDSHAKE_VERSION = 1

export function createSaslMechanism(options: SaslOptions): SaslMechanismClient {
  switch (options.mechanism) {
    case 'plain':
      return new PlainMechanism(options.username, options.password, options.authorizationIdentity)
    case 'scram-sha-256':
      return new ScramMechanism('sha256', options.username, options.password)
    case 'scram-sha-512':
      return new ScramMechanism('sha512', options.username, options.password)
    case 'oauthbearer':
      return new OAuthBearerMechanism(options.token)
    default:
      throw new ConfigError(`unknown sasl mechanism "${String((options as { mechanism?: unknown }).mechanism)}"`)
  }
}

export async function saslAuthenticate(transport: SaslTransport, mechanism: SaslMechanismClient): Promise<SaslResult> {
  const handshake = await transport.request(SaslHandshakeApi, { mechanism: mechanism.mechanism }, HANDSHAKE_VERSION)
  if (handshake.errorCode !== 0) {
    const enabled = handshake.mechanisms.length > 0 ? handshake.mechanisms.join(', ') : 'none'
    throw new ProtocolError(handshake.errorCode, `broker does not enable SASL ${mechanism.mechanism} (enabled: ${enabled})`)
  }
  let token: Buffer = await mechanism.initialResponse()
  for (let round = 0; round < MAX_ROUND_TRIPS; round++) {
    const response = await transport.request(SaslAuthenticateApi, { authBytes: token })
    if (response.errorCode !== 0) {
      const serverError = mechanism instanceof OAuthBearerMechanism ? mechanism.serverError : null
      const message = response.errorMessage ?? serverError ?? `SASL ${mechanism.mechanism} authentication failed`
      throw new ProtocolError(response.errorCode, message)
    }
    const next = await mechanism.evaluate(response.authBytes)
    if (next === null) {
      return { mechanism: mechanism.mechanism, sessionLifetimeMs: Number(response.sessionLifetimeMs ?? 0n) }
    }
    token = next
  }
  throw new ProtocolError(58, `SASL ${mechanism.mechanism} did not complete within ${MAX_ROUND_TRIPS} round trips`)
}
