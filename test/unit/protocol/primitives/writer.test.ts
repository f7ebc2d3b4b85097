// Writer unit tests: expected bytes are written out by hand from NOTES §c.3, never produced by
// our own Reader.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { KafkaClientError } from '../../../../src/errors.js'
import { Writer } from '../../../../src/protocol/primitives/writer.js'

function bytesOf(fn: (w: Writer) => void): number[] {
  const w = new Writer(16)
  fn(w)
  return [...w.finish()]
}

describe('Writer', () => {
  it('writes fixed-width numbers big-endian', () => {
    assert.deepEqual(
      bytesOf((w) => {
        w.int8(-1)
        w.int16(0x0102)
        w.int32(-2)
        w.uint16(0xfffe)
        w.uint32(0xdeadbeef)
        w.bool(true)
        w.bool(false)
      }),
      [0xff, 0x01, 0x02, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xfe, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x00],
    )
    assert.deepEqual(
      bytesOf((w) => w.int64(-2n)),
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe],
    )
    assert.deepEqual(
      bytesOf((w) => w.int64(0x0102030405060708n)),
      [1, 2, 3, 4, 5, 6, 7, 8],
    )
    assert.deepEqual(
      bytesOf((w) => w.float64(1.5)),
      [0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
    )
  })

  it('writes unsigned varints', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [1, [0x01]],
      [127, [0x7f]],
      [128, [0x80, 0x01]],
      [300, [0xac, 0x02]],
      [16384, [0x80, 0x80, 0x01]],
      [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ]
    for (const [n, expected] of cases) assert.deepEqual(bytesOf((w) => w.uvarint(n)), expected, `uvarint ${n}`)
  })

  it('writes zig-zag varints', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [-1, [0x01]],
      [1, [0x02]],
      [-2, [0x03]],
      [63, [0x7e]],
      [-64, [0x7f]],
      [64, [0x80, 0x01]],
      [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
      [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ]
    for (const [n, expected] of cases) assert.deepEqual(bytesOf((w) => w.varint(n)), expected, `varint ${n}`)
  })

  it('writes zig-zag varlongs up to 10 bytes', () => {
    const cases: [bigint, number[]][] = [
      [0n, [0x00]],
      [-1n, [0x01]],
      [1n, [0x02]],
      [2147483648n, [0x80, 0x80, 0x80, 0x80, 0x10]],
      [-2147483649n, [0x81, 0x80, 0x80, 0x80, 0x10]],
      [562949953421312n, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]],
      [9223372036854775807n, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
      [-9223372036854775808n, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ]
    for (const [n, expected] of cases) assert.deepEqual(bytesOf((w) => w.varlong(n)), expected, `varlong ${n}`)
  })

  it('writes strings and bytes, plain and compact, with null', () => {
    assert.deepEqual(
      bytesOf((w) => w.string('kafka')),
      [0x00, 0x05, 0x6b, 0x61, 0x66, 0x6b, 0x61],
    )
    assert.deepEqual(
      bytesOf((w) => w.string(null)),
      [0xff, 0xff],
    )
    assert.deepEqual(
      bytesOf((w) => w.string('é')),
      [0x00, 0x02, 0xc3, 0xa9],
    )
    assert.deepEqual(
      bytesOf((w) => w.compactString('kafka')),
      [0x06, 0x6b, 0x61, 0x66, 0x6b, 0x61],
    )
    assert.deepEqual(
      bytesOf((w) => w.compactString('')),
      [0x01],
    )
    assert.deepEqual(
      bytesOf((w) => w.compactString(null)),
      [0x00],
    )
    assert.deepEqual(
      bytesOf((w) => w.bytes(Buffer.from([1, 2]))),
      [0, 0, 0, 2, 1, 2],
    )
    assert.deepEqual(
      bytesOf((w) => w.bytes(null)),
      [0xff, 0xff, 0xff, 0xff],
    )
    assert.deepEqual(
      bytesOf((w) => w.compactBytes(new Uint8Array([9]))),
      [0x02, 0x09],
    )
    assert.deepEqual(
      bytesOf((w) => w.compactBytes(null)),
      [0x00],
    )
  })

  it('rejects strings longer than an int16 length with a typed error', () => {
    const w = new Writer()
    assert.throws(
      () => w.string('x'.repeat(0x8000)),
      (e) => e instanceof KafkaClientError && e.code === 'PROTOCOL_ENCODE_ERROR',
    )
  })

  it('writes uuids from their base64url text', () => {
    assert.deepEqual(
      bytesOf((w) => w.uuid('AAECAwQFBgcICQoLDA0ODw')),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    )
    assert.deepEqual(
      bytesOf((w) => w.uuid('AAAAAAAAAAAAAAAAAAAAAA')),
      new Array(16).fill(0),
    )
    assert.throws(() => new Writer().uuid('not-a-uuid'), KafkaClientError)
  })

  it('grows past its initial capacity and back-patches reserved bytes', () => {
    const w = new Writer(16)
    const at = w.reserve(4)
    for (let i = 0; i < 1000; i++) w.int8(i & 0x7f)
    w.setInt32At(at, w.length - 4)
    w.setUint32At(at + 0, 1000)
    const out = w.finish()
    assert.equal(out.length, 1004)
    assert.deepEqual([...out.subarray(0, 6)], [0, 0, 0x03, 0xe8, 0, 1])
    assert.equal(out[1003], 999 & 0x7f)
  })

  it('detaches finished output so a reused writer never overwrites it', () => {
    const w = new Writer(16)
    w.int32(0x01020304)
    const first = w.finish()
    assert.equal(w.length, 0)
    w.int32(-1)
    const second = w.finish()
    assert.deepEqual([...first], [1, 2, 3, 4])
    assert.deepEqual([...second], [0xff, 0xff, 0xff, 0xff])
  })

  it('reset() discards what was written', () => {
    const w = new Writer()
    w.int32(7)
    w.reset()
    w.int8(1)
    assert.deepEqual([...w.finish()], [1])
  })

  it('inserts a size prefix for tagged values, also when it needs two bytes', () => {
    const w = new Writer(16)
    w.int8(0x55)
    const start = w.length
    w.int16(0x0102)
    w.sizePrefixSince(start)
    assert.deepEqual([...w.finish()], [0x55, 0x02, 0x01, 0x02])

    // The value ends just below the capacity: the prefix must not trigger a lossy regrow.
    const edge = new Writer(16)
    edge.raw(new Uint8Array(13).fill(1))
    const at = edge.length
    edge.int16(-18489)
    edge.sizePrefixSince(at)
    assert.deepEqual([...edge.finish().subarray(13)], [0x02, 0xb7, 0xc7])

    const big = new Writer(16)
    const s = big.length
    big.raw(new Uint8Array(200).fill(7))
    big.sizePrefixSince(s)
    const out = big.finish()
    assert.equal(out.length, 202)
    assert.deepEqual([...out.subarray(0, 3)], [0xc8, 0x01, 7])
    assert.equal(out[201], 7)
  })

  it('writes unknown tagged fields below a tag and reports where it stopped', () => {
    const fields = [
      { tag: 1, data: Buffer.from([0xaa]) },
      { tag: 5, data: Buffer.from([0xbb, 0xcc]) },
    ]
    const w = new Writer()
    const next = w.unknownTaggedFields(fields, 0, 3)
    assert.equal(next, 1)
    assert.equal(w.unknownTaggedFields(fields, next, Number.POSITIVE_INFINITY), 2)
    assert.deepEqual([...w.finish()], [0x01, 0x01, 0xaa, 0x05, 0x02, 0xbb, 0xcc])
    assert.equal(new Writer().unknownTaggedFields(undefined, 0, 10), 0)
  })
})
