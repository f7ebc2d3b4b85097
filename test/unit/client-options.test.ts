// Client option validation and Java .properties translation.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  CLIENT_DEFAULTS,
  fromJavaProperties,
  parseBootstrapServers,
  parseJavaProperties,
  resolveClientOptions,
} from '../../src/client-options.js'
import { ConfigError } from '../../src/errors.js'
import { NOOP_LOGGER } from '../../src/network/logger.js'

const configError = (pattern: RegExp) => (err: unknown) => err instanceof ConfigError && pattern.test(err.message)

describe('resolveClientOptions', () => {
  it('fills in the Java defaults', () => {
    const o = resolveClientOptions({ bootstrapServers: ['127.0.0.1:9092'] })
    assert.deepEqual(o.bootstrapServers, [{ host: '127.0.0.1', port: 9092 }])
    assert.equal(o.clientId, 'kafkats')
    assert.equal(o.requestTimeoutMs, 30000)
    assert.equal(o.connectionsMaxIdleMs, 540000)
    assert.equal(o.metadataMaxAgeMs, 300000)
    assert.equal(o.retryBackoffMs, 100)
    assert.equal(o.retryBackoffMaxMs, 1000)
    assert.equal(o.socketConnectionSetupTimeoutMs, CLIENT_DEFAULTS.socketConnectionSetupTimeoutMs)
    assert.equal(o.tls, null)
    assert.equal(o.sasl, null)
    assert.equal(o.logger, NOOP_LOGGER)
  })

  it('accepts the comma-separated form, IPv6 and drops duplicates', () => {
    assert.deepEqual(parseBootstrapServers('h1:9092, h2:9093,h1:9092,[::1]:9094'), [
      { host: 'h1', port: 9092 },
      { host: 'h2', port: 9093 },
      { host: '::1', port: 9094 },
    ])
    assert.deepEqual(parseBootstrapServers(['a:1,b:2', 'c:3']).length, 3)
  })

  it('rejects bad bootstrap servers with a clear message', () => {
    assert.throws(() => resolveClientOptions({}), configError(/bootstrapServers is required/))
    assert.throws(() => parseBootstrapServers('localhost'), configError(/"localhost" has no port/))
    assert.throws(() => parseBootstrapServers('h:0'), configError(/outside 1-65535/))
    assert.throws(() => parseBootstrapServers('h:99999'), configError(/outside 1-65535/))
    assert.throws(() => parseBootstrapServers('h:x'), configError(/invalid port "x"/))
    assert.throws(() => parseBootstrapServers(':9092'), configError(/empty host/))
    assert.throws(() => parseBootstrapServers('::1:9092'), configError(/brackets/))
    assert.throws(() => parseBootstrapServers(''), configError(/at least one/))
    assert.throws(() => parseBootstrapServers(42), configError(/got 42/))
    assert.throws(() => parseBootstrapServers([7]), configError(/must be strings/))
  })

  it('rejects bad numbers, tls, logger and sasl', () => {
    const base = { bootstrapServers: 'h:1' }
    assert.throws(() => resolveClientOptions({ ...base, requestTimeoutMs: -1 }), configError(/requestTimeoutMs must be an integer.*got -1/))
    assert.throws(() => resolveClientOptions({ ...base, requestTimeoutMs: 0 }), configError(/requestTimeoutMs/))
    assert.throws(() => resolveClientOptions({ ...base, metadataMaxAgeMs: 1.5 }), configError(/metadataMaxAgeMs/))
    assert.throws(() => resolveClientOptions({ ...base, retryBackoffMs: '100' }), configError(/got "100"/))
    assert.throws(() => resolveClientOptions({ ...base, connectionsMaxIdleMs: 2 ** 40 }), configError(/connectionsMaxIdleMs/))
    assert.throws(() => resolveClientOptions({ ...base, clientId: '' }), configError(/clientId/))
    assert.throws(() => resolveClientOptions({ ...base, tls: 'yes' }), configError(/^tls must be/))
    assert.throws(() => resolveClientOptions({ ...base, logger: console.log }), configError(/logger/))
    assert.throws(() => resolveClientOptions({ ...base, sasl: { mechanism: 'gssapi' } }), configError(/sasl mechanism must be one of/))
    assert.throws(() => resolveClientOptions({ ...base, sasl: { mechanism: 'plain', username: 'u' } }), configError(/password/))
    assert.throws(() => resolveClientOptions({ ...base, sasl: { mechanism: 'oauthbearer' } }), configError(/token/))
    assert.throws(() => resolveClientOptions(null), configError(/must be an object/))
  })

  it('normalises tls and sasl', () => {
    const o = resolveClientOptions({
      bootstrapServers: 'h:1',
      tls: true,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' },
      retryBackoffMs: 500,
      retryBackoffMaxMs: 200,
    })
    assert.deepEqual(o.tls, {})
    assert.deepEqual(o.sasl, { mechanism: 'scram-sha-512', username: 'u', password: 'p' })
    assert.equal(o.retryBackoffMaxMs, 500)
    assert.equal(resolveClientOptions({ bootstrapServers: 'h:1', tls: false }).tls, null)
  })
})

describe('Java properties', () => {
  it('parses the .properties syntax', () => {
    const props = parseJavaProperties(
      [
        '# comment',
        '! also a comment',
        'a.b=1',
        '  c : two words  ',
        'd e',
        'long=first,\\',
        '   second',
        'esc=tab\\there\\u0041\\\\',
        'key\\=with\\:sep=v',
        'empty=',
      ].join('\n'),
    )
    assert.deepEqual(props, {
      'a.b': '1',
      c: 'two words  ',
      d: 'e',
      long: 'first,second',
      esc: 'tab\there' + 'A\\',
      'key=with:sep': 'v',
      empty: '',
    })
    assert.throws(() => parseJavaProperties('x=\\u00zz'), configError(/escape/))
  })

  it('turns a producer file into typed options', () => {
    const o = fromJavaProperties(
      'bootstrap.servers=h1:9092,h2:9092\nclient.id=billing\nacks=all\nlinger.ms=5\nenable.idempotence=false\n' +
        'compression.type=lz4\nkey.serializer=org.apache.kafka.common.serialization.StringSerializer\nsome.custom=x\n',
    )
    assert.deepEqual(o, {
      bootstrapServers: ['h1:9092', 'h2:9092'],
      clientId: 'billing',
      acks: 'all',
      lingerMs: 5,
      enableIdempotence: false,
      compressionType: 'lz4',
      someCustom: 'x',
    })
    assert.equal(fromJavaProperties({ acks: '-1' })['acks'], -1)
    const consumer = fromJavaProperties({
      'group.id': '42',
      'partition.assignment.strategy':
        'org.apache.kafka.clients.consumer.RangeAssignor, org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
    })
    assert.deepEqual(consumer, { groupId: '42', partitionAssignmentStrategy: ['range', 'cooperative-sticky'] })
    // The result is accepted by resolveClientOptions.
    assert.equal(resolveClientOptions(fromJavaProperties('bootstrap.servers=h:1')).bootstrapServers.length, 1)
  })

  it('names the property on bad values', () => {
    assert.throws(() => fromJavaProperties('linger.ms=soon'), configError(/linger\.ms must be an integer \(got "soon"\)/))
    assert.throws(() => fromJavaProperties('enable.auto.commit=yes'), configError(/enable\.auto\.commit must be true or false/))
    assert.throws(() => fromJavaProperties('acks=2'), configError(/acks/))
    assert.throws(() => fromJavaProperties('security.protocol=TLS'), configError(/security\.protocol/))
    assert.throws(() => fromJavaProperties({ a: 1 } as unknown as Record<string, string>), configError(/property a/))
  })

  it('translates SASL and SSL settings', () => {
    const o = fromJavaProperties({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3\\"cret";',
      'ssl.endpoint.identification.algorithm': '',
    })
    assert.deepEqual(o['sasl'], { mechanism: 'scram-sha-256', username: 'alice', password: 's3"cret' })
    const tls = o['tls'] as Record<string, unknown>
    assert.equal(typeof tls['checkServerIdentity'], 'function')
    assert.equal(fromJavaProperties({ 'security.protocol': 'SSL' })['tls'], true)
    assert.throws(
      () => fromJavaProperties({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' }),
      configError(/jaas/),
    )
    assert.throws(() => fromJavaProperties({ 'security.protocol': 'SASL_PLAINTEXT' }), configError(/GSSAPI/))
    assert.throws(
      () => fromJavaProperties({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER' }),
      configError(/token callback/),
    )
  })

  it('reads PEM trust stores from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkats-props-'))
    try {
      const path = join(dir, 'ca.pem')
      writeFileSync(path, '-----BEGIN CERTIFICATE-----\nxyz\n-----END CERTIFICATE-----\n')
      const o = fromJavaProperties({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': path })
      assert.match(String((o['tls'] as Record<string, unknown>)['ca']), /BEGIN CERTIFICATE/)
      assert.throws(
        () => fromJavaProperties({ 'security.protocol': 'SSL', 'ssl.truststore.location': path }),
        configError(/only PEM/),
      )
      assert.throws(
        () => fromJavaProperties({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': join(dir, 'nope') }),
        configError(/cannot read/),
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
