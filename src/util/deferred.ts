// A promise with its resolve/reject exposed, for code that settles a promise from elsewhere
// (a response matched by correlation id, a batch acknowledged by the sender). Settling twice is a
// no-op, and `settled` tells whether it happened. Node 20 lacks Promise.withResolvers.

export class Deferred<T> {
  readonly promise: Promise<T>
  #resolve!: (value: T | PromiseLike<T>) => void
  #reject!: (reason: unknown) => void
  #settled = false

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  /** true once resolve() or reject() has been called */
  get settled(): boolean {
    return this.#settled
  }

  /** Resolves the promise; returns false (and does nothing) if it was already settled. */
  resolve(value: T | PromiseLike<T>): boolean {
    if (this.#settled) return false
    this.#settled = true
    this.#resolve(value)
    return true
  }

  /** Rejects the promise; returns false (and does nothing) if it was already settled. */
  reject(reason: unknown): boolean {
    if (this.#settled) return false
    this.#settled = true
    this.#reject(reason)
    return true
  }
}
