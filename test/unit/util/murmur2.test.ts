// Tests for src/util/murmur2.ts against the Java client's vectors (NOTES.md §f.2) and its
// partition rule (toPositive, not Math.abs).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { javaPartition, murmur2, toPositive } from '../../../src/util/murmur2.js'

const VECTORS: [string, number, number][] = [
  ['21', -973932308, 1173551340],
  ['foobar', -790332482, 1357151166],
  ['a-little-bit-long-string', -985981536, 1161502112],
  ['a-little-bit-longer-string', -1486304829, 661178819],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971, 2088585677],
  ['abc', 479470107, 479470107],
]

// A slow transliteration of Java's murmur2 in BigInt arithmetic (an independent oracle for the
// tail lengths the Java vectors miss).
function referenceMurmur2(data: Uint8Array): number {
  const MASK = 0xffffffffn
  const m = 0x5bd1e995n
  const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK
  let h = (0x9747b28cn ^ BigInt(data.length)) & MASK
  const whole = data.length - (data.length % 4)
  for (let i = 0; i < whole; i += 4) {
    let k = BigInt(data[i]!) + (BigInt(data[i + 1]!) << 8n) + (BigInt(data[i + 2]!) << 16n) + (BigInt(data[i + 3]!) << 24n)
    k = mul(k, m)
    k ^= k >> 24n
    k = mul(k, m)
    h = mul(h, m) ^ k
  }
  const tail = data.length % 4
  if (tail >= 3) h ^= BigInt(data[whole + 2]!) << 16n
  if (tail >= 2) h ^= BigInt(data[whole + 1]!) << 8n
  if (tail >= 1) h = mul(h ^ BigInt(data[whole]!), m)
  h ^= h >> 13n
  h = mul(h, m)
  h ^= h >> 15n
  return Number(BigInt.asIntN(32, h))
}

describe('murmur2', () => {
  it('matches the Java test vectors', () => {
    for (const [input, signed, positive] of VECTORS) {
      const h = murmur2(Buffer.from(input, 'utf8'))
      assert.equal(h, signed, input)
      assert.equal(toPositive(h), positive, input)
    }
  })

  it('covers every tail length and returns signed int32', () => {
    // tails 0..3 all exercised by the vectors (lengths 2, 6, 24, 26, 48, 3); also the empty key
    const lengths = new Set(VECTORS.map(([s]) => s.length % 4))
    assert.deepEqual([...lengths].sort(), [0, 2, 3])
    const one = murmur2(Buffer.from('x'))
    assert.equal(one, one | 0)
    const empty = murmur2(new Uint8Array(0))
    assert.equal(empty, empty | 0)
    assert.notEqual(murmur2(Buffer.from('x')), murmur2(Buffer.from('y')))
    // bytes >= 0x80 must be treated as unsigned (Java masks with 0xff)
    const high = murmur2(Uint8Array.of(0xff, 0xfe, 0x80))
    assert.equal(high, high | 0)
    assert.notEqual(high, murmur2(Uint8Array.of(0x7f, 0x7e, 0x00)))
  })

  it('agrees with a BigInt reference for every length 0..40', () => {
    let seed = 12345
    for (let len = 0; len <= 40; len++) {
      const data = new Uint8Array(len)
      for (let i = 0; i < len; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
        data[i] = seed >>> 24
      }
      assert.equal(murmur2(data), referenceMurmur2(data), `length ${len}`)
    }
    for (const [input, signed] of VECTORS) assert.equal(referenceMurmur2(Buffer.from(input)), signed, `oracle ${input}`)
  })

  it('toPositive clears the sign bit (not Math.abs)', () => {
    assert.equal(toPositive(-1), 0x7fffffff)
    assert.equal(toPositive(-2147483648), 0)
    assert.equal(toPositive(5), 5)
  })

  it('javaPartition is toPositive(murmur2) modulo the partition count', () => {
    // "21" hashes to 1173551340 after toPositive: 1173551340 % 3 = 0, % 7 = 3, % 100 = 40
    const key = Buffer.from('21')
    assert.equal(javaPartition(key, 3), 0)
    assert.equal(javaPartition(key, 7), 3)
    assert.equal(javaPartition(key, 100), 40)
    assert.equal(javaPartition(Buffer.from('foobar'), 10), 1357151166 % 10)
    assert.equal(javaPartition(key, 1), 0)
  })
})
