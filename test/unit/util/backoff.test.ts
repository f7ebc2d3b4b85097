// Tests for src/util/backoff.ts: Java's ExponentialBackoff formula with 20% jitter.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { backoffDelayMs, ExponentialBackoff } from '../../../src/util/backoff.js'

const mid = () => 0.5 // factor exactly 1
const low = () => 0 // factor 0.8
const high = () => 0.999999 // factor just under 1.2

describe('ExponentialBackoff', () => {
  it('doubles from retryBackoffMs and caps at retryBackoffMaxMs (no jitter at random 0.5)', () => {
    const b = new ExponentialBackoff({ retryBackoffMs: 100, retryBackoffMaxMs: 1000, random: mid })
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 50].map((a) => b.delayMs(a)),
      [100, 200, 400, 800, 1000, 1000, 1000],
    )
  })

  it('applies a jitter factor in [0.8, 1.2)', () => {
    const lo = new ExponentialBackoff({ retryBackoffMs: 100, retryBackoffMaxMs: 1000, random: low })
    const hi = new ExponentialBackoff({ retryBackoffMs: 100, retryBackoffMaxMs: 1000, random: high })
    assert.deepEqual([0, 1, 2, 3].map((a) => lo.delayMs(a)), [80, 160, 320, 640])
    assert.deepEqual([0, 1, 2].map((a) => hi.delayMs(a)), [119, 239, 479])
    // above the cap, jitter is still clamped to the maximum; below it, it goes down to 80%
    assert.equal(hi.delayMs(4), 1000)
    assert.equal(lo.delayMs(4), 800)
  })

  it('stops growing the exponent at the cap like Java (log(max/initial)/log(2))', () => {
    // 100 * 2^3.32 = 1000; with factor 0.8 the capped term gives 800, not 0.8 * 1600
    const lo = new ExponentialBackoff({ retryBackoffMs: 100, retryBackoffMaxMs: 1000, random: low })
    assert.equal(lo.delayMs(10), 800)
  })

  it('returns the maximum, without jitter, when max <= initial', () => {
    const b = new ExponentialBackoff({ retryBackoffMs: 500, retryBackoffMaxMs: 200, random: low })
    assert.equal(b.delayMs(0), 200)
    assert.equal(b.delayMs(9), 200)
    const same = new ExponentialBackoff({ retryBackoffMs: 300, retryBackoffMaxMs: 300, random: low })
    assert.equal(same.delayMs(3), 300)
  })

  it('supports zero jitter, another multiplier and a zero initial backoff', () => {
    const b = new ExponentialBackoff({ retryBackoffMs: 10, retryBackoffMaxMs: 10_000, multiplier: 3, jitter: 0, random: low })
    assert.deepEqual([0, 1, 2].map((a) => b.delayMs(a)), [10, 30, 90])
    assert.equal(backoffDelayMs(0, { retryBackoffMs: 0, retryBackoffMaxMs: 1000, random: high }), 0)
    assert.equal(backoffDelayMs(-3, { retryBackoffMs: 100, retryBackoffMaxMs: 1000, random: mid }), 100)
  })

  it('uses Math.random by default and stays within bounds', () => {
    const b = new ExponentialBackoff({ retryBackoffMs: 100, retryBackoffMaxMs: 1000 })
    for (let i = 0; i < 50; i++) {
      const d = b.delayMs(1)
      assert.ok(d >= 160 && d < 240, String(d))
    }
  })

  it('rejects invalid options', () => {
    assert.throws(() => new ExponentialBackoff({ retryBackoffMs: -1, retryBackoffMaxMs: 10 }), RangeError)
    assert.throws(() => new ExponentialBackoff({ retryBackoffMs: 1, retryBackoffMaxMs: Number.NaN }), RangeError)
    assert.throws(() => new ExponentialBackoff({ retryBackoffMs: 1, retryBackoffMaxMs: 10, multiplier: 1 }), RangeError)
    assert.throws(() => new ExponentialBackoff({ retryBackoffMs: 1, retryBackoffMaxMs: 10, jitter: 1 }), RangeError)
  })
})
