// SCRAM client (RFC 5802) for SCRAM-SHA-256 and SCRAM-SHA-512, as Kafka speaks it: no SASLprep
// (UTF-8 only), saslname escaping of '=' and ',', optional extensions (tokenauth=true).
// Called by authenticate.ts through the SaslMechanismClient interface. Invariants: the server
// nonce must extend ours, iterations are bounded, and the server signature is always checked.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto'
import { ProtocolError } from '../../errors.js'
import type { SaslMechanismClient } from './authenticate.js'

/** sha1 exists only so the RFC 5802 test vectors can be checked; Kafka uses sha256/sha512. */
export type ScramDigest = 'sha1' | 'sha256' | 'sha512'

const SASL_AUTHENTICATION_FAILED = 58
/** Kafka's ScramMechanism minimum. */
export const SCRAM_MIN_ITERATIONS = 4096
/** Not in Kafka: a hostile broker must not make us spin for minutes. */
export const SCRAM_MAX_ITERATIONS = 1_000_000

const KEY_LENGTH: Record<ScramDigest, number> = { sha1: 20, sha256: 32, sha512: 64 }

export interface ScramClientOptions {
  /** Fixed client nonce, for tests only. */
  readonly nonce?: string
  /** Extensions appended to client-first, e.g. { tokenauth: 'true' } for delegation tokens. */
  readonly extensions?: Readonly<Record<string, string>>
}

function fail(message: string): ProtocolError {
  return new ProtocolError(SASL_AUTHENTICATION_FAILED, message)
}

/** RFC 5802 saslname: '=' → '=3D', ',' → '=2C'. */
export function scramSaslName(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

function parseAttributes(message: string, what: string): Map<string, string> {
  const attributes = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq !== 1) throw fail(`malformed SCRAM ${what} message`)
    attributes.set(part[0]!, part.slice(2))
  }
  return attributes
}

function hmac(digest: ScramDigest, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(digest, key).update(data).digest()
}

function pbkdf2Async(password: Buffer, salt: Buffer, iterations: number, digest: ScramDigest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, KEY_LENGTH[digest], digest, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

export class ScramClient {
  readonly #digest: ScramDigest
  readonly #password: Buffer
  readonly #clientNonce: string
  readonly #clientFirstBare: string
  #expectedServerSignature: Buffer | null = null

  constructor(digest: ScramDigest, username: string, password: string, options: ScramClientOptions = {}) {
    this.#digest = digest
    this.#password = Buffer.from(password, 'utf8')
    this.#clientNonce = options.nonce ?? randomBytes(24).toString('base64')
    let bare = `n=${scramSaslName(username)},r=${this.#clientNonce}`
    for (const [key, value] of Object.entries(options.extensions ?? {})) bare += `,${key}=${value}`
    this.#clientFirstBare = bare
  }

  /** client-first-message: gs2 header 'n,,' + client-first-bare. */
  firstMessage(): Buffer {
    return Buffer.from(`n,,${this.#clientFirstBare}`, 'utf8')
  }

  /** Computes client-final-message from server-first-message; remembers the expected signature. */
  async finalMessage(serverFirst: Buffer): Promise<Buffer> {
    const serverFirstText = serverFirst.toString('utf8')
    const attributes = parseAttributes(serverFirstText, 'server-first')
    if (attributes.has('m')) throw fail('SCRAM server requires an unsupported mandatory extension')
    const error = attributes.get('e')
    if (error !== undefined) throw fail(`SCRAM server error: ${error}`)
    const nonce = attributes.get('r')
    const saltText = attributes.get('s')
    const iterationsText = attributes.get('i')
    if (nonce === undefined || saltText === undefined || iterationsText === undefined) {
      throw fail('SCRAM server-first message lacks r, s or i')
    }
    if (!nonce.startsWith(this.#clientNonce) || nonce.length === this.#clientNonce.length) {
      throw fail('SCRAM server nonce does not extend the client nonce')
    }
    if (!/^\d{1,9}$/.test(iterationsText)) throw fail(`SCRAM iteration count "${iterationsText}" is invalid`)
    const iterations = Number(iterationsText)
    if (iterations < SCRAM_MIN_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS) {
      throw fail(`SCRAM iteration count ${iterations} is outside ${SCRAM_MIN_ITERATIONS}-${SCRAM_MAX_ITERATIONS}`)
    }
    const salt = Buffer.from(saltText, 'base64')
    if (salt.length === 0) throw fail('SCRAM salt is empty')

    const digest = this.#digest
    const saltedPassword = await pbkdf2Async(this.#password, salt, iterations, digest)
    const clientKey = hmac(digest, saltedPassword, 'Client Key')
    const storedKey = createHash(digest).update(clientKey).digest()
    const withoutProof = `c=biws,r=${nonce}`
    const authMessage = `${this.#clientFirstBare},${serverFirstText},${withoutProof}`
    const clientSignature = hmac(digest, storedKey, authMessage)
    const proof = Buffer.alloc(clientKey.length)
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!
    const serverKey = hmac(digest, saltedPassword, 'Server Key')
    this.#expectedServerSignature = hmac(digest, serverKey, authMessage)
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8')
  }

  /** Checks server-final-message ('v=' signature or 'e=' error). Throws on any mismatch. */
  verifyServerFinal(serverFinal: Buffer): void {
    const expected = this.#expectedServerSignature
    if (expected === null) throw fail('SCRAM server-final arrived before client-final was sent')
    const attributes = parseAttributes(serverFinal.toString('utf8'), 'server-final')
    const error = attributes.get('e')
    if (error !== undefined) throw fail(`SCRAM authentication failed: ${error}`)
    const signatureText = attributes.get('v')
    if (signatureText === undefined) throw fail('SCRAM server-final message has no signature')
    const signature = Buffer.from(signatureText, 'base64')
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw fail('SCRAM server signature is wrong: the broker does not know the password')
    }
  }
}

/** SaslMechanismClient for 'SCRAM-SHA-256' / 'SCRAM-SHA-512'. One instance per authentication. */
export class ScramMechanism implements SaslMechanismClient {
  readonly mechanism: string
  readonly #client: ScramClient
  #step = 0

  constructor(digest: 'sha256' | 'sha512', username: string, password: string, options: ScramClientOptions = {}) {
    this.mechanism = digest === 'sha256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512'
    this.#client = new ScramClient(digest, username, password, options)
  }

  initialResponse(): Buffer {
    this.#step = 1
    return this.#client.firstMessage()
  }

  async evaluate(challenge: Buffer): Promise<Buffer | null> {
    if (this.#step === 1) {
      this.#step = 2
      return this.#client.finalMessage(challenge)
    }
    if (this.#step === 2) {
      this.#step = 3
      this.#client.verifyServerFinal(challenge)
      return null
    }
    throw fail('unexpected SCRAM challenge after completion')
  }
}
