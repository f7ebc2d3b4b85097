// Retry delays: exponential backoff with jitter, as Java's ExponentialBackoff with the client
// defaults (multiplier 2, jitter 20%): retryBackoffMs * 2^attempt, capped at retryBackoffMaxMs,
// times a random factor in [0.8, 1.2), and never above retryBackoffMaxMs. Used by cluster/retry,
// producer and consumer. The random source is injectable so tests are deterministic.

export interface BackoffOptions {
  /** delay of the first retry (attempt 0); Java retry.backoff.ms, default 100 */
  readonly retryBackoffMs: number
  /** upper bound of any delay; Java retry.backoff.max.ms, default 1000 */
  readonly retryBackoffMaxMs: number
  /** growth per attempt; default 2 */
  readonly multiplier?: number
  /** relative jitter; the delay is scaled by a factor in [1 - jitter, 1 + jitter); default 0.2 */
  readonly jitter?: number
  /** uniform random in [0, 1); default Math.random */
  readonly random?: () => number
}

export class ExponentialBackoff {
  readonly #initialMs: number
  readonly #maxMs: number
  readonly #multiplier: number
  readonly #jitter: number
  readonly #expMax: number
  readonly #random: () => number

  constructor(options: BackoffOptions) {
    const { retryBackoffMs, retryBackoffMaxMs, multiplier = 2, jitter = 0.2, random = Math.random } = options
    if (!(retryBackoffMs >= 0) || !(retryBackoffMaxMs >= 0)) throw new RangeError('backoff must be >= 0')
    if (!(multiplier > 1)) throw new RangeError('backoff multiplier must be > 1')
    if (!(jitter >= 0 && jitter < 1)) throw new RangeError('backoff jitter must be in [0, 1)')
    this.#initialMs = retryBackoffMs
    this.#maxMs = retryBackoffMaxMs
    this.#multiplier = multiplier
    this.#jitter = jitter
    this.#random = random
    // As Java: the exponent stops growing once initial * multiplier^exp reaches the maximum.
    this.#expMax =
      retryBackoffMaxMs > retryBackoffMs
        ? Math.log(retryBackoffMaxMs / Math.max(retryBackoffMs, 1)) / Math.log(multiplier)
        : 0
  }

  /** Delay in whole milliseconds before retry number `attempt` (0 = first retry). */
  delayMs(attempt: number): number {
    if (this.#maxMs <= this.#initialMs) return this.#maxMs
    const exp = Math.min(Math.max(0, attempt), this.#expMax)
    const term = this.#initialMs * this.#multiplier ** exp
    const factor = this.#jitter === 0 ? 1 : 1 - this.#jitter + 2 * this.#jitter * this.#random()
    const value = Math.floor(factor * term)
    return Math.min(value, this.#maxMs)
  }
}

/** One-shot form of ExponentialBackoff.delayMs. */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  return new ExponentialBackoff(options).delayMs(attempt)
}
