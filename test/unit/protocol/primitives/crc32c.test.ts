// CRC-32C: published check values (RFC 3720 B.4) and agreement with the bitwise reference
// (test/helpers/reference-crc32c.ts), over every length/offset mix that exercises the 8-byte fast path.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { crc32c, crc32cUpdate } from '../../../../src/protocol/primitives/crc32c.js'
import { referenceCrc32c } from '../../../helpers/reference-crc32c.js'

test('check value of "123456789" is 0xE3069283', () => {
  assert.equal(crc32c(Buffer.from('123456789', 'latin1')), 0xe3069283)
})

test('RFC 3720 iSCSI vectors', () => {
  assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa)
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43)
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e)
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c)
})

test('empty input is 0', () => {
  assert.equal(crc32c(Buffer.alloc(0)), 0)
})

test('matches the bitwise reference for many lengths and start offsets', () => {
  const data = Buffer.alloc(300)
  let seed = 12345
  for (let i = 0; i < data.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    data[i] = seed >>> 24
  }
  for (let start = 0; start < 9; start++) {
    for (let len = 0; len <= 80; len++) {
      const slice = data.subarray(start, start + len)
      assert.equal(crc32c(data, start, start + len), referenceCrc32c(slice), `start ${start} len ${len}`)
    }
  }
  assert.equal(crc32c(data), referenceCrc32c(data))
})

test('crc32cUpdate chains', () => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog, twice over.')
  for (const cut of [0, 1, 7, 8, 9, 30, data.length]) {
    assert.equal(crc32cUpdate(crc32c(data, 0, cut), data, cut), crc32c(data), `cut ${cut}`)
  }
})
