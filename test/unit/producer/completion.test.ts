import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { NOOP_LOGGER } from '../../../src/network/logger.js'
import { SendCompletion } from '../../../src/producer/completion.js'
import type { RecordMetadata } from '../../../src/producer/types.js'

describe('SendCompletion', () => {
  it('settles the promise and the callback once, with the same metadata', async () => {
    const calls: Array<[Error | null, RecordMetadata | null]> = []
    const settled: string[] = []
    const c = new SendCompletion('t', 3, 5, (e, m) => calls.push([e, m]), { onSettled: (_c, m) => settled.push(m ? 'ok' : 'err') }, NOOP_LOGGER)
    assert.equal(c.succeed(2, 10n, 99), true)
    assert.equal(c.fail(new Error('late')), false)
    assert.equal(c.succeed(2, 11n, 99), false)
    const md = await c.promise
    assert.deepEqual(md, { topic: 't', partition: 2, offset: 10n, timestamp: 99, serializedKeySize: 3, serializedValueSize: 5 })
    assert.deepEqual(calls, [[null, md]])
    assert.deepEqual(settled, ['ok'])
  })

  it('a failure with a callback does not surface as an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      let got: Error | null = null
      const c = new SendCompletion('t', -1, -1, (e) => {
        got = e
      }, null, NOOP_LOGGER)
      c.fail(new Error('boom'))
      await new Promise((r) => setImmediate(r))
      await new Promise((r) => setImmediate(r))
      assert.equal((got as Error | null)?.message, 'boom')
      await assert.rejects(c.promise, /boom/)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    assert.deepEqual(unhandled, [])
  })

  it('a throwing callback is contained', () => {
    const c = new SendCompletion('t', -1, -1, () => {
      throw new Error('user bug')
    }, null, NOOP_LOGGER)
    assert.doesNotThrow(() => c.succeed(0, 0n, 0))
  })
})
