import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BufferPool, type MemoryWaiter } from '../../../src/producer/buffer-pool.js'
import { ManualClock } from '../../../src/util/clock.js'

function waiter(log: string[], name: string, memoryBytes: number, memoryDeadlineMs: number): MemoryWaiter {
  return {
    memoryBytes,
    memoryDeadlineMs,
    granted: () => log.push(`${name} granted`),
    expired: () => log.push(`${name} expired`),
  }
}

describe('BufferPool', () => {
  it('reserves while there is room and nobody waits', () => {
    const pool = new BufferPool(100, new ManualClock())
    assert.equal(pool.tryReserve(60), true)
    assert.equal(pool.tryReserve(50), false)
    assert.equal(pool.availableBytes, 40)
    pool.release(60)
    assert.equal(pool.availableBytes, 100)
  })

  it('grants waiters first-in first-out; a small later request does not overtake', () => {
    const clock = new ManualClock()
    const pool = new BufferPool(100, clock)
    const log: string[] = []
    pool.tryReserve(90)
    pool.enqueue(waiter(log, 'big', 50, 1000))
    assert.equal(pool.tryReserve(5), false, 'would fit, but someone waits')
    pool.enqueue(waiter(log, 'small', 5, 1000))
    pool.release(30)
    assert.deepEqual(log, [])
    pool.release(20)
    assert.deepEqual(log, ['big granted', 'small granted'])
    assert.equal(pool.waiting, 0)
    assert.equal(clock.pendingTimers, 0)
  })

  it('expires waiters after their deadline and then serves the next one', () => {
    const clock = new ManualClock()
    const pool = new BufferPool(100, clock)
    const log: string[] = []
    pool.tryReserve(100)
    pool.enqueue(waiter(log, 'a', 80, 50))
    pool.enqueue(waiter(log, 'b', 10, 80))
    clock.advance(49)
    assert.deepEqual(log, [])
    pool.release(10)
    clock.advance(1)
    assert.deepEqual(log, ['a expired', 'b granted'])
    assert.equal(clock.pendingTimers, 0)
  })

  it('drains every waiter on close', () => {
    const clock = new ManualClock()
    const pool = new BufferPool(10, clock)
    const log: string[] = []
    pool.tryReserve(10)
    pool.enqueue(waiter(log, 'a', 5, 100))
    const failed: number[] = []
    pool.drainWaiters((w) => failed.push(w.memoryBytes))
    assert.deepEqual(failed, [5])
    assert.equal(clock.pendingTimers, 0)
  })
})
