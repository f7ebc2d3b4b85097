// Tests for src/util/fifo.ts: order, wrap-around, growth, and clearing of removed slots.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Fifo } from '../../../src/util/fifo.js'

describe('Fifo', () => {
  it('is first in, first out', () => {
    const q = new Fifo<number>()
    assert.equal(q.isEmpty(), true)
    assert.equal(q.shift(), undefined)
    assert.equal(q.peek(), undefined)
    assert.equal(q.peekLast(), undefined)
    q.push(1)
    q.push(2)
    q.push(3)
    assert.equal(q.length, 3)
    assert.equal(q.peek(), 1)
    assert.equal(q.peekLast(), 3)
    assert.equal(q.shift(), 1)
    assert.equal(q.shift(), 2)
    assert.equal(q.length, 1)
    assert.equal(q.shift(), 3)
    assert.equal(q.shift(), undefined)
    assert.equal(q.isEmpty(), true)
  })

  it('keeps order across wrap-around and growth', () => {
    const q = new Fifo<number>(4)
    const model: number[] = []
    let next = 0
    // interleave pushes and shifts so the head wraps many times while the queue grows to 40
    for (let round = 0; round < 200; round++) {
      const pushes = round < 100 ? 3 : 1
      for (let i = 0; i < pushes; i++) {
        q.push(next)
        model.push(next++)
      }
      assert.equal(q.shift(), model.shift())
      if (round % 7 === 0) assert.deepEqual(q.toArray(), model)
    }
    assert.equal(q.length, model.length)
    assert.deepEqual([...q], model)
    assert.equal(q.at(0), model[0])
    assert.equal(q.at(model.length - 1), model[model.length - 1])
    assert.equal(q.at(model.length), undefined)
    assert.equal(q.at(-1), undefined)
    assert.equal(q.at(0.5), undefined)
  })

  it('drain and clear empty the queue', () => {
    const q = new Fifo<string>()
    for (const s of ['a', 'b', 'c']) q.push(s)
    q.shift()
    q.push('d')
    assert.deepEqual(q.drain(), ['b', 'c', 'd'])
    assert.equal(q.length, 0)
    q.push('e')
    assert.deepEqual(q.toArray(), ['e'])
    q.clear()
    assert.equal(q.length, 0)
    assert.equal(q.peek(), undefined)
  })

  it('does not keep shifted items reachable', () => {
    const q = new Fifo<object>(4)
    const item = {}
    q.push(item)
    q.shift()
    // after shifting, iterating a full lap of pushes must never yield the removed object
    for (let i = 0; i < 4; i++) q.push({ i })
    assert.ok(![...q].includes(item))
    assert.equal(q.length, 4)
  })
})
