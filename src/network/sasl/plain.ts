// SASL PLAIN (RFC 4616): one message '[authzid] NUL authcid NUL passwd', empty server reply.
// Called by authenticate.ts. Invariant: the password only ever travels inside this one token
// (use TLS: PLAIN sends it in clear).
import { ProtocolError } from '../../errors.js'
import type { SaslMechanismClient } from './authenticate.js'

export function plainPayload(username: string, password: string, authorizationIdentity = ''): Buffer {
  return Buffer.from(`${authorizationIdentity}\u0000${username}\u0000${password}`, 'utf8')
}

export class PlainMechanism implements SaslMechanismClient {
  readonly mechanism = 'PLAIN'
  readonly #payload: Buffer
  #sent = false

  constructor(username: string, password: string, authorizationIdentity?: string) {
    this.#payload = plainPayload(username, password, authorizationIdentity)
  }

  initialResponse(): Buffer {
    this.#sent = true
    return this.#payload
  }

  evaluate(challenge: Buffer): null {
    // The broker answers PLAIN with an empty token; anything else is not PLAIN.
    if (!this.#sent || challenge.length !== 0) throw new ProtocolError(58, 'unexpected PLAIN server challenge')
    return null
  }
}
