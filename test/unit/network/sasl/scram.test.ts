// SCRAM client against the published test vectors: RFC 5802 §5 (SHA-1) and RFC 7677 §3
// (SHA-256), plus the failure paths a hostile or misconfigured broker can trigger.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ProtocolError } from '../../../../src/errors.js'
import { ScramClient, ScramMechanism, scramSaslName } from '../../../../src/network/sasl/scram.js'

const buf = (s: string) => Buffer.from(s, 'utf8')

describe('SCRAM client', () => {
  it('matches the RFC 5802 SHA-1 exchange', async () => {
    const client = new ScramClient('sha1', 'user', 'pencil', { nonce: 'fyko+d2lbbFgONRv9qkxdawL' })
    assert.equal(client.firstMessage().toString(), 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL')
    const final = await client.finalMessage(
      buf('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096'),
    )
    assert.equal(final.toString(), 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=')
    client.verifyServerFinal(buf('v=rmF9pqV8S7suAoZWja4dJRkFsKQ='))
  })

  it('matches the RFC 7677 SHA-256 exchange', async () => {
    const client = new ScramClient('sha256', 'user', 'pencil', { nonce: 'rOprNGfwEbeRWgbNEkqO' })
    assert.equal(client.firstMessage().toString(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO')
    const final = await client.finalMessage(
      buf('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
    )
    assert.equal(
      final.toString(),
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    )
    client.verifyServerFinal(buf('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))
  })

  it('rejects a wrong server signature', async () => {
    const client = new ScramClient('sha256', 'user', 'pencil', { nonce: 'rOprNGfwEbeRWgbNEkqO' })
    await client.finalMessage(buf('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))
    assert.throws(
      () => client.verifyServerFinal(buf('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')),
      (err: unknown) => err instanceof ProtocolError && err.errorCode === 58 && /signature/.test(err.message),
    )
    assert.throws(() => client.verifyServerFinal(buf('e=invalid-proof')), /invalid-proof/)
    assert.throws(() => client.verifyServerFinal(buf('x=1')), /no signature/)
  })

  it('rejects a server nonce that does not extend ours, low iterations and garbage', async () => {
    const make = () => new ScramClient('sha256', 'user', 'pencil', { nonce: 'abc' })
    await assert.rejects(make().finalMessage(buf('r=xyzdef,s=QSXCR+Q6sek8bf92,i=4096')), /nonce/)
    await assert.rejects(make().finalMessage(buf('r=abc,s=QSXCR+Q6sek8bf92,i=4096')), /nonce/)
    await assert.rejects(make().finalMessage(buf('r=abcdef,s=QSXCR+Q6sek8bf92,i=1000')), /iteration/)
    await assert.rejects(make().finalMessage(buf('r=abcdef,s=QSXCR+Q6sek8bf92,i=99999999')), /iteration/)
    await assert.rejects(make().finalMessage(buf('r=abcdef,s=QSXCR+Q6sek8bf92')), /lacks/)
    await assert.rejects(make().finalMessage(buf('m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096')), /mandatory/)
    await assert.rejects(make().finalMessage(buf('\u0000\u0001garbage')), ProtocolError)
    assert.throws(() => make().verifyServerFinal(buf('v=x')), /before client-final/)
  })

  it('escapes the username and appends extensions', () => {
    assert.equal(scramSaslName('a=b,c'), 'a=3Db=2Cc')
    const client = new ScramClient('sha512', 'x,y', 'p', { nonce: 'n1', extensions: { tokenauth: 'true' } })
    assert.equal(client.firstMessage().toString(), 'n,,n=x=2Cy,r=n1,tokenauth=true')
  })

  it('drives the exchange as a SaslMechanismClient and refuses extra challenges', async () => {
    const mech = new ScramMechanism('sha256', 'user', 'pencil', { nonce: 'rOprNGfwEbeRWgbNEkqO' })
    assert.equal(mech.mechanism, 'SCRAM-SHA-256')
    assert.equal(new ScramMechanism('sha512', 'u', 'p').mechanism, 'SCRAM-SHA-512')
    assert.equal(mech.initialResponse().toString(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO')
    const final = await mech.evaluate(
      buf('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
    )
    assert.match(final?.toString() ?? '', /,p=dHzbZapWIk4jUhN/)
    assert.equal(await mech.evaluate(buf('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')), null)
    await assert.rejects(Promise.resolve().then(() => mech.evaluate(buf('v=x'))), /after completion/)
  })
})
