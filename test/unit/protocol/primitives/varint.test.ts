// varint.ts unit tests: sizes and zig-zag mappings against hand-computed values.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  sizeOfUvarint,
  sizeOfVarint,
  sizeOfVarlong,
  unzigzag32,
  unzigzag64,
  zigzag32,
  zigzag64,
} from '../../../../src/protocol/primitives/varint.js'

describe('varint helpers', () => {
  it('zig-zag maps int32 both ways', () => {
    const pairs: [number, number][] = [
      [0, 0],
      [-1, 1],
      [1, 2],
      [-2, 3],
      [2147483647, 4294967294],
      [-2147483648, 4294967295],
    ]
    for (const [n, u] of pairs) {
      assert.equal(zigzag32(n), u)
      assert.equal(unzigzag32(u), n)
    }
  })

  it('zig-zag maps int64 both ways', () => {
    const pairs: [bigint, bigint][] = [
      [0n, 0n],
      [-1n, 1n],
      [1n, 2n],
      [9223372036854775807n, 18446744073709551614n],
      [-9223372036854775808n, 18446744073709551615n],
    ]
    for (const [n, u] of pairs) {
      assert.equal(zigzag64(n), u)
      assert.equal(unzigzag64(u), n)
    }
  })

  it('computes encoded sizes', () => {
    assert.equal(sizeOfUvarint(0), 1)
    assert.equal(sizeOfUvarint(127), 1)
    assert.equal(sizeOfUvarint(128), 2)
    assert.equal(sizeOfUvarint(16383), 2)
    assert.equal(sizeOfUvarint(16384), 3)
    assert.equal(sizeOfUvarint(0xffffffff), 5)
    assert.equal(sizeOfVarint(-64), 1)
    assert.equal(sizeOfVarint(64), 2)
    assert.equal(sizeOfVarint(-2147483648), 5)
    assert.equal(sizeOfVarlong(-1n), 1)
    assert.equal(sizeOfVarlong(9223372036854775807n), 10)
  })
})
