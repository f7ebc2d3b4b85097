// SASL OAUTHBEARER (RFC 7628) client: the initial response carries a bearer token obtained from
// the user's callback (called once per (re-)authentication, so refreshed tokens are picked up).
// Called by authenticate.ts. Invariant: an error challenge is answered with 0x01, as the RFC and
// Kafka require, and the exchange then fails with the server's JSON in the message.
import { ConfigError, ProtocolError } from '../../errors.js'
import type { SaslMechanismClient } from './authenticate.js'

export interface OAuthBearerToken {
  readonly value: string
  readonly extensions?: Readonly<Record<string, string>>
}

export type OAuthBearerTokenProvider = () => Promise<OAuthBearerToken> | OAuthBearerToken

const KEY_PATTERN = /^[A-Za-z]+$/
// RFC 7628 value: VCHAR / SP / HTAB / CR / LF (no \x01, the separator)
const VALUE_PATTERN = /^[\x21-\x7E \t\r\n]*$/

/** 'n,,\x01auth=Bearer <token>[\x01key=value...]\x01\x01' */
export function oauthBearerInitialResponse(token: OAuthBearerToken, authorizationIdentity?: string): Buffer {
  if (typeof token.value !== 'string' || token.value.length === 0 || !VALUE_PATTERN.test(token.value)) {
    throw new ConfigError('sasl oauthbearer token callback returned an empty or non-printable token value')
  }
  let text = `n,${authorizationIdentity ? `a=${authorizationIdentity}` : ''},\u0001auth=Bearer ${token.value}`
  for (const [key, value] of Object.entries(token.extensions ?? {})) {
    if (key === 'auth' || !KEY_PATTERN.test(key)) throw new ConfigError(`sasl oauthbearer extension name "${key}" is invalid`)
    if (!VALUE_PATTERN.test(value)) throw new ConfigError(`sasl oauthbearer extension "${key}" has an invalid value`)
    text += `\u0001${key}=${value}`
  }
  return Buffer.from(`${text}\u0001\u0001`, 'utf8')
}

export class OAuthBearerMechanism implements SaslMechanismClient {
  readonly mechanism = 'OAUTHBEARER'
  readonly #provider: OAuthBearerTokenProvider
  #serverError: string | null = null

  constructor(provider: OAuthBearerTokenProvider) {
    this.#provider = provider
  }

  async initialResponse(): Promise<Buffer> {
    let token: OAuthBearerToken
    try {
      token = await this.#provider()
    } catch (err) {
      throw new ProtocolError(58, 'sasl oauthbearer token callback failed', { cause: err })
    }
    if (typeof token !== 'object' || token === null) {
      throw new ConfigError('sasl oauthbearer token callback must return { value, extensions? }')
    }
    return oauthBearerInitialResponse(token)
  }

  evaluate(challenge: Buffer): Buffer | null {
    if (this.#serverError !== null) throw new ProtocolError(58, `OAUTHBEARER rejected: ${this.#serverError}`)
    if (challenge.length === 0) return null
    // An error challenge (JSON status); the client must reply with a lone 0x01 (RFC 7628 3.2.3).
    this.#serverError = challenge.toString('utf8')
    return Buffer.from([1])
  }

  /** The server's JSON error challenge, if one arrived (used to enrich the final failure). */
  get serverError(): string | null {
    return this.#serverError
  }
}
