// uuid.ts unit tests: Kafka's text form is unpadded base64url of the 16 bytes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { KafkaClientError } from '../../../../src/errors.js'
import { isUuid, randomUuid, uuidFromBytes, uuidToBytes, ZERO_UUID } from '../../../../src/protocol/primitives/uuid.js'

describe('uuid text form', () => {
  it('converts between bytes and base64url text', () => {
    const bytes = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
    assert.equal(uuidFromBytes(bytes), 'AAECAwQFBgcICQoLDA0ODw')
    assert.deepEqual(uuidToBytes('AAECAwQFBgcICQoLDA0ODw'), bytes)
    assert.equal(uuidFromBytes(Buffer.concat([Buffer.from([9]), bytes]), 1), 'AAECAwQFBgcICQoLDA0ODw')
    assert.deepEqual(uuidToBytes(ZERO_UUID), Buffer.alloc(16))
    assert.equal(uuidFromBytes(Buffer.alloc(16, 0xff)), '_____________________w')
  })

  it('rejects text that is not exactly 16 bytes of base64url', () => {
    for (const bad of ['', 'AAAA', 'AAECAwQFBgcICQoLDA0ODw==', 'AAECAwQFBgcICQoLDA0OD+', 'AAECAwQFBgcICQoLDA0ODx']) {
      assert.equal(isUuid(bad), false, bad)
      assert.throws(() => uuidToBytes(bad), KafkaClientError)
    }
  })

  it('makes random version-4 uuids', () => {
    const u = randomUuid()
    assert.ok(isUuid(u))
    const b = uuidToBytes(u)
    assert.equal(b[6]! >> 4, 4)
    assert.equal(b[8]! >> 6, 2)
    assert.notEqual(randomUuid(), u)
  })
})
