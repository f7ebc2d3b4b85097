// The client's injectable clock: wall time and one-shot timers. Every timeout, linger, backoff and
// session timer of the client goes through a Clock so tests can replace time. realClock uses
// Date.now and Node's timers; ManualClock moves only on advance() and fires due timers
// synchronously, in due order, with now() equal to each timer's due time while it runs.

declare const timerBrand: unique symbol

/** Opaque handle returned by Clock.setTimeout. */
export interface TimerHandle {
  readonly [timerBrand]: true
}

export interface Clock {
  /** milliseconds since the epoch (Date.now() for the real clock) */
  now(): number
  /** runs callback once after delayMs (negative or NaN means 0) */
  setTimeout(callback: () => void, delayMs: number): TimerHandle
  /** cancels a timer; unknown, fired or undefined handles are ignored */
  clearTimeout(handle: TimerHandle | undefined): void
}

// Node turns delays above 2^31-1 ms into 1 ms (with a warning); cap them instead.
const MAX_NODE_DELAY_MS = 0x7fffffff

/** A delay clamped to [0, 2^31-1]; NaN and negatives become 0. */
function nodeDelayMs(delayMs: number): number {
  if (!(delayMs > 0)) return 0
  return Math.min(delayMs, MAX_NODE_DELAY_MS)
}

/** Wall-clock time and Node's timers. Timers keep the process alive, as Node's do. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, nodeDelayMs(delayMs)) as unknown as TimerHandle,
  clearTimeout: (handle) => {
    if (handle !== undefined) clearTimeout(handle as unknown as NodeJS.Timeout)
  },
}

interface ManualTimer {
  readonly seq: number
  readonly dueMs: number
  readonly callback: () => void
}

/**
 * Fake time for tests. advance(ms) / advanceTo(t) fire every timer due up to the target, one by
 * one in (dueMs, creation) order, including timers that callbacks schedule inside the window.
 * Timers of delay 0 fire only on the next advance (advance(0) will do).
 */
export class ManualClock implements Clock {
  #nowMs: number
  #seq = 0
  #timers: ManualTimer[] = []

  constructor(startMs = 0) {
    this.#nowMs = startMs
  }

  now(): number {
    return this.#nowMs
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const dueMs = delayMs > 0 ? this.#nowMs + delayMs : this.#nowMs
    const timer: ManualTimer = { seq: this.#seq++, dueMs, callback }
    // keep #timers sorted by (dueMs, seq): insert after every timer due at or before this one
    let i = this.#timers.length
    while (i > 0 && this.#timers[i - 1]!.dueMs > timer.dueMs) i--
    this.#timers.splice(i, 0, timer)
    return timer as unknown as TimerHandle
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle === undefined) return
    const i = this.#timers.indexOf(handle as unknown as ManualTimer)
    if (i >= 0) this.#timers.splice(i, 1)
  }

  /** Moves time forward by ms (>= 0), firing due timers. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms}`)
    this.advanceTo(this.#nowMs + ms)
  }

  /** Moves time to targetMs (never backwards), firing due timers. */
  advanceTo(targetMs: number): void {
    if (!(targetMs >= this.#nowMs)) throw new RangeError(`cannot move time back to ${targetMs}`)
    for (;;) {
      const next = this.#timers[0]
      if (next === undefined || next.dueMs > targetMs) break
      this.#timers.shift()
      this.#nowMs = next.dueMs
      next.callback()
    }
    this.#nowMs = targetMs
  }

  /** Fires timers until none is left; returns how many fired. Throws after `limit` (a timer loop). */
  runAll(limit = 10_000): number {
    let fired = 0
    for (;;) {
      const next = this.#timers[0]
      if (next === undefined) return fired
      if (fired >= limit) throw new Error(`ManualClock.runAll: more than ${limit} timers fired`)
      this.#timers.shift()
      if (next.dueMs > this.#nowMs) this.#nowMs = next.dueMs
      next.callback()
      fired++
    }
  }

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.length
  }

  /** Due time of the earliest pending timer, or undefined. */
  nextDueMs(): number | undefined {
    return this.#timers[0]?.dueMs
  }
}
