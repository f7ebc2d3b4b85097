// bufferMemory accounting with maxBlockMs backpressure (Java BufferPool, by bytes rather than
// pooled buffers). Sends reserve their record's bytes before entering the accumulator and the
// bytes come back when the batch settles. Waiters are served strictly first-in first-out (a
// later small record never overtakes an earlier large one), and the one timer watches only the
// head's deadline since deadlines grow along the queue. Owned by producer.ts.
import type { Clock, TimerHandle } from '../util/clock.js'
import { Fifo } from '../util/fifo.js'

export interface MemoryWaiter {
  readonly memoryBytes: number
  /** absolute time (clock ms) after which expired() is called instead of granted() */
  readonly memoryDeadlineMs: number
  /** the bytes are reserved for this waiter */
  granted(): void
  /** maxBlockMs passed */
  expired(): void
}

export class BufferPool {
  readonly totalBytes: number
  readonly #clock: Clock
  #availableBytes: number
  readonly #waiters = new Fifo<MemoryWaiter>()
  #timer: TimerHandle | undefined
  #timerDueMs = Number.POSITIVE_INFINITY

  constructor(totalBytes: number, clock: Clock) {
    this.totalBytes = totalBytes
    this.#availableBytes = totalBytes
    this.#clock = clock
  }

  get availableBytes(): number {
    return this.#availableBytes
  }

  /** Number of sends waiting for memory (Java: "exhausted" makes every batch ready). */
  get waiting(): number {
    return this.#waiters.length
  }

  /** Reserves at once if nobody waits and the bytes are free. */
  tryReserve(bytes: number): boolean {
    if (this.#waiters.length > 0 || bytes > this.#availableBytes) return false
    this.#availableBytes -= bytes
    return true
  }

  /** Queues a waiter (call after tryReserve failed). */
  enqueue(waiter: MemoryWaiter): void {
    this.#waiters.push(waiter)
    this.#armTimer()
  }

  /** Returns bytes and grants waiters head-first while they fit. */
  release(bytes: number): void {
    this.#availableBytes += bytes
    if (this.#availableBytes > this.totalBytes) this.#availableBytes = this.totalBytes
    this.#grant()
  }

  /** Fails every waiter through `fail` (close); the pool stays usable. */
  drainWaiters(fail: (waiter: MemoryWaiter) => void): void {
    this.#clearTimer()
    const waiters = this.#waiters.drain()
    for (const w of waiters) fail(w)
  }

  /** Cancels the timer (close). */
  close(): void {
    this.#clearTimer()
  }

  #grant(): void {
    for (;;) {
      const head = this.#waiters.peek()
      if (head === undefined || head.memoryBytes > this.#availableBytes) break
      this.#waiters.shift()
      this.#availableBytes -= head.memoryBytes
      head.granted()
    }
    this.#armTimer()
  }

  #armTimer(): void {
    const head = this.#waiters.peek()
    if (head === undefined) {
      this.#clearTimer()
      return
    }
    if (this.#timer !== undefined && this.#timerDueMs === head.memoryDeadlineMs) return
    this.#clearTimer()
    this.#timerDueMs = head.memoryDeadlineMs
    this.#timer = this.#clock.setTimeout(() => this.#onTimer(), head.memoryDeadlineMs - this.#clock.now())
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timerDueMs = Number.POSITIVE_INFINITY
  }

  #onTimer(): void {
    this.#timer = undefined
    this.#timerDueMs = Number.POSITIVE_INFINITY
    const now = this.#clock.now()
    for (;;) {
      const head = this.#waiters.peek()
      if (head === undefined || head.memoryDeadlineMs > now) break
      this.#waiters.shift()
      head.expired()
    }
    // the next waiter may fit now that the expired head is gone
    this.#grant()
  }
}
