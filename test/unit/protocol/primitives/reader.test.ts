// Reader unit tests: inputs are hand-written byte arrays; every malformed input must raise
// ProtocolDecodeError (never RangeError) before anything is allocated.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ProtocolDecodeError } from '../../../../src/errors.js'
import { Reader } from '../../../../src/protocol/primitives/reader.js'

const r = (bytes: number[]): Reader => new Reader(Buffer.from(bytes))

function decodeError(fn: () => unknown): void {
  assert.throws(fn, (e) => e instanceof ProtocolDecodeError)
}

describe('Reader', () => {
  it('reads fixed-width numbers big-endian', () => {
    const x = r([0xff, 0x01, 0x02, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xfe, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x00])
    assert.equal(x.int8(), -1)
    assert.equal(x.int16(), 0x0102)
    assert.equal(x.int32(), -2)
    assert.equal(x.uint16(), 0xfffe)
    assert.equal(x.uint32(), 0xdeadbeef)
    assert.equal(x.bool(), true)
    assert.equal(x.bool(), true)
    assert.equal(x.bool(), false)
    assert.equal(x.remaining, 0)
    assert.equal(r([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]).int64(), -2n)
    assert.equal(r([0x3f, 0xf8, 0, 0, 0, 0, 0, 0]).float64(), 1.5)
  })

  it('reads unsigned and zig-zag varints', () => {
    assert.equal(r([0xac, 0x02]).uvarint(), 300)
    assert.equal(r([0xff, 0xff, 0xff, 0xff, 0x0f]).uvarint(), 0xffffffff)
    assert.equal(r([0x03]).varint(), -2)
    assert.equal(r([0x80, 0x01]).varint(), 64)
    assert.equal(r([0xfe, 0xff, 0xff, 0xff, 0x0f]).varint(), 2147483647)
    assert.equal(r([0xff, 0xff, 0xff, 0xff, 0x0f]).varint(), -2147483648)
  })

  it('reads zig-zag varlongs in the small and the bigint range', () => {
    assert.equal(r([0x01]).varlong(), -1n)
    assert.equal(r([0x80, 0x80, 0x80, 0x80, 0x10]).varlong(), 2147483648n)
    assert.equal(r([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).varlong(), 281474976710655n)
    assert.equal(r([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]).varlong(), 562949953421312n)
    assert.equal(r([0x81, 0x80, 0x80, 0x80, 0x10]).varlong(), -2147483649n)
    assert.equal(r([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).varlong(), 9223372036854775807n)
    assert.equal(r([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).varlong(), -9223372036854775808n)
  })

  it('rejects over-long and truncated varints', () => {
    decodeError(() => r([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).uvarint())
    decodeError(() => r([0x80, 0x80]).uvarint())
    decodeError(() => r([]).varint())
    decodeError(() => r(new Array(10).fill(0x80).concat([0x01])).varlong())
    decodeError(() => r([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]).varlong())
  })

  it('reads strings and bytes, plain and compact, with null', () => {
    assert.equal(r([0x00, 0x05, 0x6b, 0x61, 0x66, 0x6b, 0x61]).string(), 'kafka')
    assert.equal(r([0xff, 0xff]).string(), null)
    assert.equal(r([0x00, 0x02, 0xc3, 0xa9]).string(), 'é')
    assert.equal(r([0x06, 0x6b, 0x61, 0x66, 0x6b, 0x61]).compactString(), 'kafka')
    assert.equal(r([0x01]).compactString(), '')
    assert.equal(r([0x00]).compactString(), null)
    const input = Buffer.from([0, 0, 0, 2, 7, 8])
    const view = new Reader(input).bytes()
    assert.deepEqual(view, Buffer.from([7, 8]))
    assert.equal(view?.buffer, input.buffer, 'bytes() is a zero-copy view')
    assert.equal(r([0xff, 0xff, 0xff, 0xff]).bytes(), null)
    assert.deepEqual(r([0x02, 0x09]).compactBytes(), Buffer.from([9]))
    assert.equal(r([0x00]).compactBytes(), null)
  })

  it('rejects lengths beyond the remaining bytes and negative lengths other than -1', () => {
    decodeError(() => r([0x00, 0x05, 0x6b]).string())
    decodeError(() => r([0xff, 0xfe]).string())
    decodeError(() => r([0x7f, 0xff, 0xff, 0xff]).bytes())
    decodeError(() => r([0xff, 0xff, 0xff, 0xfe]).bytes())
    decodeError(() => r([0xff, 0xff, 0xff, 0xff, 0x0f]).compactBytes())
    decodeError(() => r([0x05, 0x61]).compactString())
  })

  it('checks array counts against the remaining bytes', () => {
    assert.equal(r([0, 0, 0, 2, 1, 2]).arrayLength(1), 2)
    assert.equal(r([0xff, 0xff, 0xff, 0xff]).arrayLength(), -1)
    decodeError(() => r([0, 0, 0, 2, 1, 2]).arrayLength(4))
    decodeError(() => r([0x7f, 0xff, 0xff, 0xff, 0]).arrayLength())
    decodeError(() => r([0xff, 0xff, 0xff, 0xfe]).arrayLength())
    assert.equal(r([0x03, 1, 2]).compactArrayLength(), 2)
    assert.equal(r([0x00]).compactArrayLength(), -1)
    decodeError(() => r([0xff, 0xff, 0xff, 0xff, 0x0f]).compactArrayLength())
  })

  it('reads uuids as base64url text', () => {
    assert.equal(r([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]).uuid(), 'AAECAwQFBgcICQoLDA0ODw')
    decodeError(() => r([0, 1, 2]).uuid())
  })

  it('throws ProtocolDecodeError, never RangeError, on every truncated fixed-width read', () => {
    const reads: ((x: Reader) => unknown)[] = [
      (x) => x.int8(),
      (x) => x.int16(),
      (x) => x.int32(),
      (x) => x.uint16(),
      (x) => x.uint32(),
      (x) => x.int64(),
      (x) => x.float64(),
      (x) => x.bool(),
      (x) => x.raw(1),
      (x) => x.skip(1),
    ]
    for (const read of reads) decodeError(() => read(r([])))
  })

  it('honours a window smaller than the buffer and reports offsets and api context', () => {
    const x = new Reader(Buffer.from([9, 9, 0, 0, 0, 1, 9]), 2, 6)
    x.apiKey = 3
    x.apiVersion = 12
    assert.equal(x.int32(), 1)
    assert.equal(x.remaining, 0)
    assert.throws(
      () => x.int8(),
      (e) => e instanceof ProtocolDecodeError && e.offset === 6 && e.apiKey === 3 && e.apiVersion === 12,
    )
    decodeError(() => new Reader(Buffer.alloc(2), 0, 3))
  })

  it('narrows to a tagged value and checks it is consumed exactly', () => {
    const x = r([0x02, 0x01, 0x02, 0x09])
    const old = x.beginTagged(x.uvarint())
    assert.equal(x.int16(), 0x0102)
    x.endTagged(old)
    assert.equal(x.int8(), 9)
    const y = r([0x02, 0x01, 0x02])
    const oldY = y.beginTagged(y.uvarint())
    y.int8()
    decodeError(() => y.endTagged(oldY))
    const z = r([0x05, 0x01])
    decodeError(() => z.beginTagged(z.uvarint()))
  })

  it('keeps unknown tagged fields raw and skips whole sections', () => {
    const x = r([0x02, 0xaa, 0xbb])
    assert.deepEqual(x.unknownTaggedField(7), { tag: 7, data: Buffer.from([0xaa, 0xbb]) })
    const y = r([0x02, 0x00, 0x01, 0xff, 0x03, 0x00, 0x42])
    y.skipTaggedFields()
    assert.equal(y.int8(), 0x42)
    y.expectEnd()
    decodeError(() => r([0x01]).expectEnd())
  })
})
