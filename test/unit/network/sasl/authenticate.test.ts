// SASL over a connection: SaslHandshake v1 + SaslAuthenticate for PLAIN, SCRAM (checked by an
// independent server-side SCRAM in this file), OAUTHBEARER, failures, and KIP-368
// re-authentication that holds new requests until it is done.
import assert from 'node:assert/strict'
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import { afterEach, describe, it } from 'node:test'
import { ConnectionError, ProtocolError } from '../../../../src/errors.js'
import { Connection } from '../../../../src/network/connection.js'
import type { SaslOptions } from '../../../../src/network/sasl/authenticate.js'
import { type MetadataResponse, MetadataApi } from '../../../../src/protocol/generated/metadata.js'
import { ManualClock } from '../../../../src/util/clock.js'
import { FakeServer, type ReceivedRequest } from '../fake-server.js'

type Step = (authBytes: Buffer) => { error?: string; reply: Buffer; done?: boolean }

interface SaslServerOptions {
  mechanisms: string[]
  /** creates the server side of one exchange */
  exchange: (mechanism: string) => Step
  sessionLifetimeMs?: number
}

const METADATA: MetadataResponse = { brokers: [], topics: [], clusterId: null, controllerId: 5, throttleTimeMs: 0 }

/** A handler that authenticates, then answers Metadata; `holdMetadata` keeps Metadata requests unanswered. */
function saslHandler(options: SaslServerOptions, held?: ReceivedRequest[]) {
  let step: Step | null = null
  return (request: ReceivedRequest) => {
    if (request.apiKey === 17) {
      const { mechanism } = request.body as { mechanism: string }
      if (!options.mechanisms.includes(mechanism)) {
        request.peer.respond(request, { errorCode: 33, mechanisms: options.mechanisms })
        return
      }
      step = options.exchange(mechanism)
      request.peer.respond(request, { errorCode: 0, mechanisms: options.mechanisms })
    } else if (request.apiKey === 36) {
      const { authBytes } = request.body as { authBytes: Buffer }
      const result = step!(authBytes)
      request.peer.respond(request, {
        errorCode: result.error === undefined ? 0 : 58,
        errorMessage: result.error ?? null,
        authBytes: result.reply,
        sessionLifetimeMs: BigInt(result.done ? (options.sessionLifetimeMs ?? 0) : 0),
      })
    } else if (held) held.push(request)
    else request.peer.respond(request, METADATA)
  }
}

function plainServer(user: string, password: string, sessionLifetimeMs = 0): SaslServerOptions {
  return {
    mechanisms: ['PLAIN', 'SCRAM-SHA-256'],
    sessionLifetimeMs,
    exchange: () => (bytes) =>
      bytes.toString() === `\u0000${user}\u0000${password}`
        ? { reply: Buffer.alloc(0), done: true }
        : { error: 'Authentication failed: Invalid username or password', reply: Buffer.alloc(0) },
  }
}

/** Server side of SCRAM (RFC 5802), written independently of the client under test. */
function scramServer(digest: 'sha256' | 'sha512', password: string, tamper = false): SaslServerOptions {
  const salt = randomBytes(16)
  const iterations = 4096
  const keyLength = digest === 'sha256' ? 32 : 64
  const salted = pbkdf2Sync(password, salt, iterations, keyLength, digest)
  const hmac = (key: Buffer, text: string) => createHmac(digest, key).update(text).digest()
  const storedKey = createHash(digest).update(hmac(salted, 'Client Key')).digest()
  const serverKey = hmac(salted, 'Server Key')
  return {
    mechanisms: [`SCRAM-${digest === 'sha256' ? 'SHA-256' : 'SHA-512'}`],
    exchange: () => {
      let clientFirstBare = ''
      let serverFirst = ''
      let round = 0
      return (bytes) => {
        const text = bytes.toString()
        if (round++ === 0) {
          assert.ok(text.startsWith('n,,'))
          clientFirstBare = text.slice(3)
          const clientNonce = /r=([^,]+)/.exec(clientFirstBare)![1]
          serverFirst = `r=${clientNonce}${randomBytes(8).toString('hex')},s=${salt.toString('base64')},i=${iterations}`
          return { reply: Buffer.from(serverFirst) }
        }
        const withoutProof = text.slice(0, text.lastIndexOf(',p='))
        const proof = Buffer.from(text.slice(text.lastIndexOf(',p=') + 3), 'base64')
        const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`
        const signature = hmac(storedKey, authMessage)
        const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!))
        if (!createHash(digest).update(clientKey).digest().equals(storedKey)) {
          return { error: 'Authentication failed during authentication due to invalid credentials with SASL mechanism', reply: Buffer.alloc(0) }
        }
        const serverSignature = hmac(serverKey, authMessage)
        if (tamper) serverSignature[0]! ^= 1
        return { reply: Buffer.from(`v=${serverSignature.toString('base64')}`), done: true }
      }
    },
  }
}

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function start(server: SaslServerOptions, sasl: SaslOptions, held?: ReceivedRequest[], clock?: ManualClock) {
  const fake = await FakeServer.start({ handler: saslHandler(server, held) })
  const conn = new Connection({ host: '127.0.0.1', port: fake.port, sasl, ...(clock ? { clock, random: () => 0 } : {}) })
  cleanups.push(() => fake.close(), () => conn.close())
  return { fake, conn }
}

describe('SASL authentication on a connection', () => {
  it('PLAIN: authenticates with SaslHandshake v1, then serves requests', async () => {
    const { fake, conn } = await start(plainServer('alice', 'secret'), { mechanism: 'plain', username: 'alice', password: 'secret' })
    assert.equal((await conn.send(MetadataApi, { topics: null })).controllerId, 5)
    const [handshake, auth] = fake.requests
    assert.equal(handshake!.apiKey, 17)
    assert.equal(handshake!.apiVersion, 1)
    assert.equal(auth!.apiKey, 36)
    assert.equal(conn.sessionLifetimeMs, 0)
  })

  it('PLAIN: a wrong password fails connect and queued requests with the broker message', async () => {
    const { conn } = await start(plainServer('alice', 'secret'), { mechanism: 'plain', username: 'alice', password: 'nope' })
    const pending = conn.send(MetadataApi, { topics: null })
    const isAuthError = (e: unknown) => e instanceof ProtocolError && e.errorCode === 58 && /Invalid username or password/.test(e.message)
    await assert.rejects(pending, isAuthError)
    await assert.rejects(conn.connect(), isAuthError)
    assert.equal(conn.state, 'closed')
  })

  it('reports a mechanism the broker does not enable', async () => {
    const { conn } = await start(plainServer('a', 'b'), { mechanism: 'scram-sha-512', username: 'a', password: 'b' })
    await assert.rejects(conn.connect(), (e: unknown) => {
      return e instanceof ProtocolError && e.errorCode === 33 && /SCRAM-SHA-512 \(enabled: PLAIN, SCRAM-SHA-256\)/.test(e.message)
    })
  })

  for (const digest of ['sha256', 'sha512'] as const) {
    it(`SCRAM-${digest}: full exchange with server signature check`, async () => {
      const mechanism = digest === 'sha256' ? 'scram-sha-256' : 'scram-sha-512'
      const { conn } = await start(scramServer(digest, 'pencil'), { mechanism, username: 'user', password: 'pencil' })
      assert.equal((await conn.send(MetadataApi, { topics: null })).controllerId, 5)
    })
  }

  it('SCRAM: wrong password is refused by the broker; a wrong server signature by us', async () => {
    const wrong = await start(scramServer('sha256', 'pencil'), { mechanism: 'scram-sha-256', username: 'user', password: 'pen' })
    await assert.rejects(wrong.conn.connect(), (e: unknown) => e instanceof ProtocolError && /invalid credentials/.test(e.message))
    const tampered = await start(scramServer('sha256', 'pencil', true), {
      mechanism: 'scram-sha-256',
      username: 'user',
      password: 'pencil',
    })
    await assert.rejects(tampered.conn.connect(), (e: unknown) => e instanceof ProtocolError && /server signature is wrong/.test(e.message))
  })

  it('OAUTHBEARER: sends the token; answers an error challenge with 0x01', async () => {
    const seen: string[] = []
    const server: SaslServerOptions = {
      mechanisms: ['OAUTHBEARER'],
      exchange: () => {
        let failed = false
        return (bytes) => {
          const text = bytes.toString()
          seen.push(text)
          if (failed) {
            assert.equal(text, '\u0001')
            return { error: 'token rejected', reply: Buffer.alloc(0) }
          }
          if (text === 'n,,\u0001auth=Bearer good\u0001tenant=acme\u0001\u0001') return { reply: Buffer.alloc(0), done: true }
          failed = true
          return { reply: Buffer.from('{"status":"invalid_token"}') }
        }
      },
    }
    let calls = 0
    const ok = await start(server, { mechanism: 'oauthbearer', token: async () => ({ value: 'good', extensions: { tenant: 'acme' } }) })
    await ok.conn.connect()
    const bad = await start(server, {
      mechanism: 'oauthbearer',
      token: () => {
        calls++
        return { value: 'bad' }
      },
    })
    await assert.rejects(bad.conn.connect(), (e: unknown) => e instanceof ProtocolError && /token rejected/.test(e.message))
    assert.equal(calls, 1)
    assert.equal(seen.at(-1), '\u0001')
    const throwing = await start(server, {
      mechanism: 'oauthbearer',
      token: async () => {
        throw new Error('idp down')
      },
    })
    await assert.rejects(throwing.conn.connect(), (e: unknown) => e instanceof ProtocolError && /callback failed/.test(e.message))
  })

  it('KIP-368: re-authenticates before the session ends, holding new requests until done', async () => {
    const clock = new ManualClock()
    const held: ReceivedRequest[] = []
    const { fake, conn } = await start(
      plainServer('alice', 'secret', 1000),
      { mechanism: 'plain', username: 'alice', password: 'secret' },
      held,
      clock,
    )
    await conn.connect()
    assert.equal(conn.sessionLifetimeMs, 1000)
    const first = conn.send(MetadataApi, { topics: null })
    await fake.waitForRequests(3)
    clock.advance(850) // 85% of the lifetime with random() = 0
    const second = conn.send(MetadataApi, { topics: null })
    // answer the request that was in flight when re-authentication began
    held.shift()!.peer.respond(fake.requests[2]!, METADATA)
    await first
    await fake.waitForRequests(6)
    held.shift()!.peer.respond(fake.requests[5]!, METADATA)
    await second
    assert.deepEqual(
      fake.requests.map((r) => r.apiKey),
      [17, 36, 3, 17, 36, 3],
    )
  })

  it('KIP-368: a failed re-authentication closes the connection and fails held requests', async () => {
    const clock = new ManualClock()
    let authentications = 0
    const server = plainServer('alice', 'secret', 1000)
    const inner = server.exchange
    server.exchange = (m) => {
      const step = inner(m)
      return (bytes) => (++authentications > 1 ? { error: 'credentials revoked', reply: Buffer.alloc(0) } : step(bytes))
    }
    const { conn } = await start(server, { mechanism: 'plain', username: 'alice', password: 'secret' }, undefined, clock)
    await conn.connect()
    clock.advance(850)
    const held = conn.send(MetadataApi, { topics: null })
    await assert.rejects(held, (e: unknown) => {
      return e instanceof ConnectionError && /re-authentication .* failed: .*credentials revoked/.test(e.message)
    })
    assert.equal(conn.state, 'closed')
  })
})
