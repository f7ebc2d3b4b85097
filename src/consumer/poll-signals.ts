// The consumer's waking and interrupting plumbing: a change signal (fetch answered, rebalance
// needed, seek/resume) that a waiting poll() sleeps on, and wakeup()/close() interrupts of
// blocking calls (Java WakeupException semantics). Owned by consumer.ts. Invariants: a wakeup()
// with nobody blocked is kept for the next blocking call; an interrupt is delivered to every call
// blocked at that moment and then forgotten; every timer a wait creates is cleared when it ends.
import type { Clock, TimerHandle } from '../util/clock.js'
import { WakeupError } from './errors.js'

function noop(): void {}

export class PollSignals {
  readonly #clock: Clock
  readonly #interruptible = new Set<(err: Error) => void>()
  #wakeupPending = false
  #changed: Promise<void>
  #resolveChanged: () => void = noop

  constructor(clock: Clock) {
    this.#clock = clock
    this.#changed = this.#next()
  }

  #next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#resolveChanged = resolve
    })
  }

  /** Wakes every wait on the change signal. */
  notify(): void {
    const resolve = this.#resolveChanged
    this.#changed = this.#next()
    resolve()
  }

  /** wakeup(): interrupts the blocked calls, or the next one if none is blocked. */
  wakeup(): void {
    if (this.#interruptible.size === 0) {
      this.#wakeupPending = true
      return
    }
    this.interruptAll(new WakeupError())
  }

  /** Rejects every blocked call with `err` (close() passes ClosedError). */
  interruptAll(err: Error): void {
    for (const interrupt of [...this.#interruptible]) interrupt(err)
  }

  throwIfWokenUp(): void {
    if (this.#wakeupPending) {
      this.#wakeupPending = false
      throw new WakeupError()
    }
  }

  /** Races `task` with interrupts; the task itself goes on. */
  interruptibly<T>(task: Promise<T>): Promise<T> {
    this.throwIfWokenUp()
    return new Promise<T>((resolve, reject) => {
      const interrupt = (err: Error) => {
        this.#interruptible.delete(interrupt)
        reject(err)
      }
      this.#interruptible.add(interrupt)
      task.then(
        (v) => {
          this.#interruptible.delete(interrupt)
          resolve(v)
        },
        (err: unknown) => {
          this.#interruptible.delete(interrupt)
          reject(err)
        },
      )
    })
  }

  /**
   * Runs `fn` with a promise that rejects on an interrupt, for code that must decide itself where
   * it may stop. An interrupt that arrives while `fn` is not listening is thrown once `fn` returns.
   */
  async withInterrupt<T>(fn: (interrupt: Promise<never>) => Promise<T>): Promise<T> {
    this.throwIfWokenUp()
    let interrupt: ((err: Error) => void) | undefined
    let fired: Error | null = null
    const interrupted = new Promise<never>((_resolve, reject) => {
      interrupt = (err: Error) => {
        this.#interruptible.delete(interrupt!)
        fired = err
        reject(err)
      }
    })
    interrupted.catch(noop)
    this.#interruptible.add(interrupt!)
    let result: T
    try {
      result = await fn(interrupted)
    } finally {
      this.#interruptible.delete(interrupt!)
    }
    if (fired !== null) throw fired
    return result
  }

  /** Waits for `task` (its errors ignored), a change, an interrupt (rejects), or `untilMs`. */
  async waitFor(task: Promise<unknown> | null, untilMs: number): Promise<void> {
    const delayMs = untilMs - this.#clock.now()
    if (delayMs <= 0) return
    let timer: TimerHandle | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = this.#clock.setTimeout(resolve, delayMs)
    })
    const waits: Promise<unknown>[] = [this.#changed, timeout]
    if (task !== null) waits.push(task.then(noop, noop))
    try {
      await this.interruptibly(Promise.race(waits))
    } finally {
      this.#clock.clearTimeout(timer)
    }
  }
}
