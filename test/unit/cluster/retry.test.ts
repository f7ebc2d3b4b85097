// Retry policy: which errors are retried, backoff growth, attempt/deadline bounds, abort.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isRetriable, RetryPolicy, retry, sleep } from '../../../src/cluster/retry.js'
import {
  AbortError,
  ConfigError,
  ConnectionError,
  ProtocolError,
  RequestTimeoutError,
  RetriesExhaustedError,
} from '../../../src/errors.js'
import { ManualClock } from '../../../src/util/clock.js'

/** Lets pending promise callbacks run, then fires timers due within `ms`. */
async function tick(clock: ManualClock, ms: number): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
  clock.advance(ms)
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

describe('retry', () => {
  it('classifies errors', () => {
    assert.equal(isRetriable(new ConnectionError('x')), true)
    assert.equal(isRetriable(new RequestTimeoutError('x')), true)
    assert.equal(isRetriable(new ProtocolError(6)), true) // NOT_LEADER_OR_FOLLOWER
    assert.equal(isRetriable(new ProtocolError(3)), true) // UNKNOWN_TOPIC_OR_PARTITION
    assert.equal(isRetriable(new ProtocolError(10)), false) // MESSAGE_TOO_LARGE
    assert.equal(isRetriable(new ProtocolError(9999)), false) // unknown codes are never retried
    assert.equal(isRetriable(new ConfigError('x')), false)
    assert.equal(isRetriable(new Error('plain')), false)
    assert.equal(isRetriable('string'), false)
  })

  it('retries retriable errors with growing backoff, then succeeds', async () => {
    const clock = new ManualClock(1000)
    const delays: number[] = []
    let calls = 0
    const done = retry(
      async (n) => {
        assert.equal(n, calls)
        calls++
        if (calls < 4) throw new ConnectionError('down')
        return 'ok'
      },
      { retryBackoffMs: 100, retryBackoffMaxMs: 1000, clock, random: () => 0.5, onRetry: (_e, _n, d) => void delays.push(d) },
    )
    for (let i = 0; i < 3; i++) await tick(clock, 1000)
    assert.equal(await done, 'ok')
    assert.equal(calls, 4)
    assert.deepEqual(delays, [100, 200, 400])
  })

  it('rethrows a non-retriable error at once, unchanged', async () => {
    const err = new ProtocolError(10)
    let calls = 0
    await assert.rejects(
      retry(
        async () => {
          calls++
          throw err
        },
        { retryBackoffMs: 1, retryBackoffMaxMs: 1 },
      ),
      (e) => e === err,
    )
    assert.equal(calls, 1)
  })

  it('collects every attempt into RetriesExhaustedError when retries run out', async () => {
    const clock = new ManualClock()
    const thrown: Error[] = []
    const done = retry(
      async () => {
        const e = new ConnectionError(`attempt ${thrown.length}`)
        thrown.push(e)
        throw e
      },
      { retries: 2, retryBackoffMs: 10, retryBackoffMaxMs: 10, clock, operation: 'Metadata' },
    )
    const check = assert.rejects(done, (e: unknown) => {
      assert.ok(e instanceof RetriesExhaustedError)
      assert.deepEqual(e.errors, thrown)
      assert.equal(e.cause, thrown[2])
      assert.match(e.message, /Metadata failed after 3 attempt/)
      return true
    })
    for (let i = 0; i < 3; i++) await tick(clock, 10)
    await check
    assert.equal(thrown.length, 3)
  })

  it('stops at the deadline', async () => {
    const clock = new ManualClock()
    let calls = 0
    const done = retry(
      async () => {
        calls++
        throw new RequestTimeoutError('slow')
      },
      { retryBackoffMs: 100, retryBackoffMaxMs: 100, timeoutMs: 250, clock, random: () => 0.5 },
    )
    const check = assert.rejects(done, (e: unknown) => e instanceof RetriesExhaustedError && /within 250 ms/.test(e.message))
    for (let i = 0; i < 4; i++) await tick(clock, 100)
    await check
    assert.equal(calls, 3)
  })

  it('aborts during the backoff wait and before the first attempt', async () => {
    const clock = new ManualClock()
    const controller = new AbortController()
    const done = retry(
      async () => {
        throw new ConnectionError('down')
      },
      { retryBackoffMs: 1000, retryBackoffMaxMs: 1000, clock, signal: controller.signal },
    )
    await tick(clock, 0)
    controller.abort()
    await assert.rejects(done, AbortError)
    assert.equal(clock.pendingTimers, 0)
    await assert.rejects(
      retry(async () => 1, { retryBackoffMs: 1, retryBackoffMaxMs: 1, signal: controller.signal }),
      AbortError,
    )
    await assert.rejects(sleep(5, { signal: controller.signal, clock }), AbortError)
  })

  it('RetryPolicy applies per-call overrides', async () => {
    const policy = new RetryPolicy({ retryBackoffMs: 1, retryBackoffMaxMs: 1, retries: 0 })
    await assert.rejects(
      policy.run(async () => {
        throw new ConnectionError('x')
      }),
      RetriesExhaustedError,
    )
    let calls = 0
    const clock = new ManualClock()
    const done = policy.run(
      async () => {
        if (calls++ === 0) throw new ConnectionError('x')
        return calls
      },
      { retries: 1, clock },
    )
    await tick(clock, 1)
    assert.equal(await done, 2)
  })
})
