import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidRecordError, SerializationError } from '../../../src/producer/errors.js'
import { jsonSerializer, normalizeHeaders, serialize } from '../../../src/producer/serializers.js'

describe('serialize', () => {
  it('defaults: Buffer, Uint8Array, string, null', () => {
    assert.deepEqual(serialize(null, 'hé', 'value', 't', []), Buffer.from('hé', 'utf8'))
    const u8 = new Uint8Array([1, 2, 3])
    assert.deepEqual(serialize(null, u8, 'value', 't', []), Buffer.from([1, 2, 3]))
    assert.equal(serialize(null, null, 'key', 't', []), null)
    assert.equal(serialize(null, undefined, 'key', 't', []), null)
  })

  it('rejects other types without a serializer', () => {
    assert.throws(() => serialize(null, { a: 1 }, 'value', 't', []), SerializationError)
    assert.throws(() => serialize(null, 42, 'key', 't', []), SerializationError)
  })

  it('uses a typed serializer and checks its output', () => {
    assert.deepEqual(serialize(jsonSerializer, { a: 1 }, 'value', 't', []), Buffer.from('{"a":1}'))
    assert.throws(
      () =>
        serialize(
          () => {
            throw new Error('x')
          },
          1,
          'value',
          't',
          [],
        ),
      SerializationError,
    )
    assert.throws(() => serialize(() => 5 as unknown as Buffer, 1, 'value', 't', []), SerializationError)
  })
})

describe('normalizeHeaders', () => {
  it('accepts objects (arrays repeat a key) and lists, keeping order', () => {
    assert.deepEqual(normalizeHeaders({ a: 'x', b: [Buffer.from('1'), '2'], c: null, d: undefined }), [
      { key: 'a', value: Buffer.from('x') },
      { key: 'b', value: Buffer.from('1') },
      { key: 'b', value: Buffer.from('2') },
      { key: 'c', value: null },
    ])
    assert.deepEqual(normalizeHeaders([{ key: 'k', value: 'v' }]), [{ key: 'k', value: Buffer.from('v') }])
    assert.deepEqual(normalizeHeaders(undefined), [])
  })

  it('rejects bad header values', () => {
    assert.throws(() => normalizeHeaders({ a: 1 as unknown as string }), InvalidRecordError)
    assert.throws(() => normalizeHeaders([{ key: 1 as unknown as string, value: 'x' }]), InvalidRecordError)
  })
})
