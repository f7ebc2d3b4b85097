// Tests for src/util/clock.ts: the manual clock's ordering and the real clock's basic contract.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManualClock, realClock } from '../../../src/util/clock.js'

describe('ManualClock', () => {
  it('fires due timers in due order with now() at their due time', () => {
    const clock = new ManualClock(1000)
    const log: string[] = []
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20)
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10)
    clock.setTimeout(() => log.push(`c@${clock.now()}`), 20)
    clock.setTimeout(() => log.push(`late@${clock.now()}`), 100)
    assert.equal(clock.pendingTimers, 4)
    assert.equal(clock.nextDueMs(), 1010)
    clock.advance(9)
    assert.deepEqual(log, [])
    clock.advance(11)
    assert.deepEqual(log, ['a@1010', 'b@1020', 'c@1020'])
    assert.equal(clock.now(), 1020)
    assert.equal(clock.pendingTimers, 1)
  })

  it('fires timers scheduled by callbacks inside the window, and honours clearTimeout', () => {
    const clock = new ManualClock()
    const log: number[] = []
    const cancelled = clock.setTimeout(() => log.push(-1), 15)
    clock.setTimeout(() => {
      log.push(clock.now())
      clock.setTimeout(() => log.push(clock.now()), 5)
      clock.clearTimeout(cancelled)
    }, 10)
    clock.advanceTo(30)
    assert.deepEqual(log, [10, 15])
    assert.equal(clock.now(), 30)
    clock.clearTimeout(cancelled) // already gone: ignored
    clock.clearTimeout(undefined)
  })

  it('zero and negative delays fire on the next advance, not synchronously', () => {
    const clock = new ManualClock(5)
    let fired = 0
    clock.setTimeout(() => fired++, 0)
    clock.setTimeout(() => fired++, -10)
    clock.setTimeout(() => fired++, Number.NaN)
    assert.equal(fired, 0)
    clock.advance(0)
    assert.equal(fired, 3)
  })

  it('runAll drains timers and detects loops', () => {
    const clock = new ManualClock()
    let n = 0
    clock.setTimeout(() => n++, 50)
    clock.setTimeout(() => n++, 10)
    assert.equal(clock.runAll(), 2)
    assert.equal(n, 2)
    assert.equal(clock.now(), 50)
    const loop = (): void => {
      clock.setTimeout(loop, 1)
    }
    loop()
    assert.throws(() => clock.runAll(20), /more than 20/)
  })

  it('refuses to move backwards', () => {
    const clock = new ManualClock(100)
    assert.throws(() => clock.advance(-1), RangeError)
    assert.throws(() => clock.advanceTo(99), RangeError)
  })
})

describe('realClock', () => {
  it('reports wall time and runs and cancels timers', async () => {
    const before = Date.now()
    const now = realClock.now()
    assert.ok(now >= before && now <= Date.now())
    let cancelledFired = false
    const h = realClock.setTimeout(() => {
      cancelledFired = true
    }, 0)
    realClock.clearTimeout(h)
    realClock.clearTimeout(undefined)
    await new Promise<void>((resolve) => {
      realClock.setTimeout(resolve, -5)
    })
    assert.equal(cancelledFired, false)
  })
})
