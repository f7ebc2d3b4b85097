// FrameReader: size-prefixed frames out of arbitrarily cut TCP chunks.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FrameReader } from '../../../src/network/frame-reader.js'

function frame(payload: number[]): Buffer {
  const out = Buffer.alloc(4 + payload.length)
  out.writeInt32BE(payload.length, 0)
  Buffer.from(payload).copy(out, 4)
  return out
}

describe('FrameReader', () => {
  it('returns whole frames however the stream is cut', () => {
    const stream = Buffer.concat([frame([1, 2, 3]), frame([]), frame([9, 8, 7, 6, 5])])
    for (let cut = 1; cut <= stream.length; cut++) {
      const reader = new FrameReader()
      const out: number[][] = []
      for (let i = 0; i < stream.length; i += cut) {
        reader.push(stream.subarray(i, i + cut))
        for (let f = reader.next(); f !== null; f = reader.next()) out.push([...f])
      }
      assert.deepEqual(out, [[1, 2, 3], [], [9, 8, 7, 6, 5]], `cut ${cut}`)
      assert.equal(reader.buffered, 0)
    }
  })

  it('returns a view when the frame sits in one chunk', () => {
    const reader = new FrameReader()
    const chunk = Buffer.concat([frame([4, 5]), frame([6])])
    reader.push(chunk)
    const first = reader.next()!
    assert.equal(first.buffer, chunk.buffer)
    assert.deepEqual([...reader.next()!], [6])
    assert.equal(reader.next(), null)
  })

  it('rejects sizes below the minimum and negative sizes', () => {
    const small = new FrameReader(4)
    small.push(frame([1, 2]))
    assert.throws(() => small.next(), /invalid frame size 2/)
    const negative = new FrameReader()
    negative.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]))
    assert.throws(() => negative.next(), /invalid frame size -2/)
    negative.reset()
    assert.equal(negative.buffered, 0)
  })
})
