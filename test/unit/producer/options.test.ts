import assert from 'node:assert/strict'
import * as zlib from 'node:zlib'
import { describe, it } from 'node:test'
import { ConfigError } from '../../../src/errors.js'
import { compressionSupported, resolveProducerOptions } from '../../../src/producer/options.js'

describe('resolveProducerOptions', () => {
  it('has the Java defaults', () => {
    const o = resolveProducerOptions({})
    assert.equal(o.acks, -1)
    assert.equal(o.enableIdempotence, true)
    assert.equal(o.lingerMs, 5)
    assert.equal(o.batchSize, 16384)
    assert.equal(o.bufferMemory, 33554432)
    assert.equal(o.maxBlockMs, 60000)
    assert.equal(o.compressionType, 'none')
    assert.equal(o.maxInFlightRequestsPerConnection, 5)
    assert.equal(o.retries, Number.POSITIVE_INFINITY)
    assert.equal(o.deliveryTimeoutMs, 120000)
    assert.equal(o.requestTimeoutMs, 30000)
    assert.equal(o.maxRequestSize, 1048576)
    assert.equal(o.transactionalId, null)
    assert.equal(o.transactionTimeoutMs, 60000)
    assert.ok(Object.isFrozen(o))
  })

  it('normalises acks', () => {
    assert.equal(resolveProducerOptions({ acks: 'all' }).acks, -1)
    assert.equal(resolveProducerOptions({ acks: '-1' }).acks, -1)
    assert.equal(resolveProducerOptions({ acks: 1, enableIdempotence: false }).acks, 1)
    assert.equal(resolveProducerOptions({ acks: 0, enableIdempotence: false }).acks, 0)
    assert.throws(() => resolveProducerOptions({ acks: 2 }), ConfigError)
  })

  it('explicit idempotence with a conflicting setting is a ConfigError', () => {
    assert.throws(() => resolveProducerOptions({ enableIdempotence: true, acks: 1 }), ConfigError)
    assert.throws(() => resolveProducerOptions({ enableIdempotence: true, maxInFlightRequestsPerConnection: 6 }), ConfigError)
    assert.throws(() => resolveProducerOptions({ enableIdempotence: true, retries: 0 }), ConfigError)
  })

  it('default idempotence is switched off by a conflicting setting', () => {
    assert.equal(resolveProducerOptions({ acks: 1 }).enableIdempotence, false)
    assert.equal(resolveProducerOptions({ maxInFlightRequestsPerConnection: 10 }).enableIdempotence, false)
    assert.equal(resolveProducerOptions({ retries: 0 }).enableIdempotence, false)
    assert.equal(resolveProducerOptions({ maxInFlightRequestsPerConnection: 5 }).enableIdempotence, true)
  })

  it('transactionalId needs idempotence', () => {
    assert.equal(resolveProducerOptions({ transactionalId: 'tx' }).transactionalId, 'tx')
    assert.throws(() => resolveProducerOptions({ transactionalId: 'tx', enableIdempotence: false }), ConfigError)
    assert.throws(() => resolveProducerOptions({ transactionalId: 'tx', acks: 1 }), ConfigError)
    assert.throws(() => resolveProducerOptions({ transactionalId: '' }), ConfigError)
  })

  it('deliveryTimeoutMs must cover lingerMs + requestTimeoutMs', () => {
    assert.throws(() => resolveProducerOptions({ deliveryTimeoutMs: 1000, lingerMs: 5, requestTimeoutMs: 1000 }), ConfigError)
    assert.equal(resolveProducerOptions({ deliveryTimeoutMs: 1005, lingerMs: 5, requestTimeoutMs: 1000 }).deliveryTimeoutMs, 1005)
    // the default is raised instead of failing
    assert.equal(resolveProducerOptions({ lingerMs: 100_000, requestTimeoutMs: 30_000 }).deliveryTimeoutMs, 130_000)
  })

  it('rejects bad numbers, types and compression names', () => {
    assert.throws(() => resolveProducerOptions({ lingerMs: -1 }), ConfigError)
    assert.throws(() => resolveProducerOptions({ batchSize: 1.5 }), ConfigError)
    assert.throws(() => resolveProducerOptions({ retries: -1 }), ConfigError)
    assert.throws(() => resolveProducerOptions({ compressionType: 'brotli' }), ConfigError)
    assert.throws(() => resolveProducerOptions({ partitioner: 'murmur' }), ConfigError)
    assert.throws(() => resolveProducerOptions({ interceptors: [{ onSend: 1 }] }), ConfigError)
    assert.throws(() => resolveProducerOptions({ logger: {} }), ConfigError)
    assert.throws(() => resolveProducerOptions('x'), ConfigError)
  })

  it('accepts zstd only where this Node can compress it', () => {
    const hasZstd = typeof (zlib as Record<string, unknown>)['zstdCompressSync'] === 'function'
    assert.equal(compressionSupported('zstd'), hasZstd)
    if (hasZstd) assert.equal(resolveProducerOptions({ compressionType: 'zstd' }).compressionType, 'zstd')
    else assert.throws(() => resolveProducerOptions({ compressionType: 'zstd' }), ConfigError)
    for (const c of ['none', 'gzip', 'snappy', 'lz4'] as const) assert.equal(resolveProducerOptions({ compressionType: c }).compressionType, c)
  })

  it('inherits timeouts and backoff from the client', () => {
    const noop = () => {}
    const logger = { debug: noop, info: noop, warn: noop, error: noop }
    const o = resolveProducerOptions({}, { requestTimeoutMs: 5000, retryBackoffMs: 10, retryBackoffMaxMs: 50, logger })
    assert.equal(o.requestTimeoutMs, 5000)
    assert.equal(o.retryBackoffMs, 10)
    assert.equal(o.retryBackoffMaxMs, 50)
    assert.equal(o.logger, logger)
  })
})
