// Tests for src/util/deferred.ts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Deferred } from '../../../src/util/deferred.js'

describe('Deferred', () => {
  it('resolves once; later settles are ignored', async () => {
    const d = new Deferred<number>()
    assert.equal(d.settled, false)
    assert.equal(d.resolve(1), true)
    assert.equal(d.settled, true)
    assert.equal(d.resolve(2), false)
    assert.equal(d.reject(new Error('late')), false)
    assert.equal(await d.promise, 1)
  })

  it('rejects once', async () => {
    const d = new Deferred<string>()
    const err = new Error('boom')
    assert.equal(d.reject(err), true)
    assert.equal(d.resolve('x'), false)
    await assert.rejects(d.promise, err)
  })

  it('adopts a resolved promise', async () => {
    const d = new Deferred<number>()
    d.resolve(Promise.resolve(7))
    assert.equal(await d.promise, 7)
  })
})
