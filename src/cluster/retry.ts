// Retry policy shared by cluster, producer, consumer and admin: exponential backoff with jitter
// (util/backoff, Java's ExponentialBackoff), retrying only errors marked retriable, bounded by an
// attempt count and an overall deadline, cancellable through an AbortSignal. Invariants: a
// non-retriable error is rethrown unchanged on the first occurrence; running out of attempts or
// time throws RetriesExhaustedError holding every attempt's error, oldest first.
import { AbortError, KafkaClientError, RetriesExhaustedError } from '../errors.js'
import { ExponentialBackoff } from '../util/backoff.js'
import { type Clock, realClock, type TimerHandle } from '../util/clock.js'

export interface RetryOptions {
  /** Retries after the first attempt (Java `retries`); Infinity allowed. Default Infinity. */
  readonly retries?: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  /** Overall budget from the first attempt (Java default.api.timeout.ms); default 60000. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  readonly clock?: Clock
  readonly random?: () => number
  /** Which errors to retry; default isRetriable. */
  readonly isRetriable?: (error: unknown) => boolean
  /** Runs before each backoff wait (e.g. request a metadata refresh). Errors it throws end the retry. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void | Promise<void>
  /** Names the operation in RetriesExhaustedError messages. */
  readonly operation?: string
}

const DEFAULT_TIMEOUT_MS = 60_000

/** true for KafkaClientErrors flagged retriable (broker error table, connection loss, timeouts). */
export function isRetriable(error: unknown): boolean {
  return error instanceof KafkaClientError && error.retriable
}

/** Resolves after delayMs, or rejects with AbortError when the signal fires first. */
export function sleep(delayMs: number, options: { signal?: AbortSignal; clock?: Clock } = {}): Promise<void> {
  const clock = options.clock ?? realClock
  const signal = options.signal
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError('aborted', { cause: signal.reason }))
      return
    }
    let timer: TimerHandle | undefined
    const onAbort = () => {
      clock.clearTimeout(timer)
      reject(new AbortError('aborted', { cause: signal?.reason }))
    }
    timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, delayMs)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Runs `attempt(n)` (n = 0, 1, ...) until it resolves, a non-retriable error occurs, or the
 * attempts/time run out.
 */
export async function retry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? realClock
  const retries = options.retries ?? Number.POSITIVE_INFINITY
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const isRetriableError = options.isRetriable ?? isRetriable
  const backoff = new ExponentialBackoff({
    retryBackoffMs: options.retryBackoffMs,
    retryBackoffMaxMs: options.retryBackoffMaxMs,
    ...(options.random ? { random: options.random } : {}),
  })
  const deadlineMs = clock.now() + timeoutMs
  const errors: unknown[] = []
  for (let n = 0; ; n++) {
    if (options.signal?.aborted) throw new AbortError('aborted', { cause: options.signal.reason })
    try {
      return await attempt(n)
    } catch (err) {
      if (options.signal?.aborted) throw new AbortError('aborted', { cause: err })
      if (!isRetriableError(err)) throw err
      errors.push(err)
      const what = options.operation ?? 'operation'
      if (n >= retries) {
        throw new RetriesExhaustedError(`${what} failed after ${n + 1} attempt(s): ${describe(err)}`, errors)
      }
      const delayMs = backoff.delayMs(n)
      if (clock.now() + delayMs >= deadlineMs) {
        throw new RetriesExhaustedError(`${what} did not succeed within ${timeoutMs} ms (${n + 1} attempt(s)): ${describe(err)}`, errors)
      }
      if (options.onRetry) await options.onRetry(err, n, delayMs)
      await sleep(delayMs, { clock, ...(options.signal ? { signal: options.signal } : {}) })
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A reusable set of retry options (what the cluster layer hands to producer/consumer/admin). */
export class RetryPolicy {
  readonly options: RetryOptions

  constructor(options: RetryOptions) {
    this.options = options
  }

  run<T>(attempt: (attemptNumber: number) => Promise<T>, overrides: Partial<RetryOptions> = {}): Promise<T> {
    return retry(attempt, { ...this.options, ...overrides })
  }
}
