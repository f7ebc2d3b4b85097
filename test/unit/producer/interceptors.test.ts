import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import { describe, it } from 'node:test'
import type { Logger } from '../../../src/network/logger.js'
import { InterceptorChain } from '../../../src/producer/interceptors.js'
import type { ProducerRecord, RecordMetadata } from '../../../src/producer/types.js'

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  const noop = () => {}
  return { debug: noop, info: noop, error: noop, warn: (m: string) => warnings.push(m), warnings }
}

const md: RecordMetadata = { topic: 't', partition: 0, offset: 5n, timestamp: 1, serializedKeySize: -1, serializedValueSize: 1 }

describe('InterceptorChain', () => {
  it('runs onSend in order, each seeing the previous result', () => {
    const chain = new InterceptorChain(
      [
        { onSend: (r: ProducerRecord) => ({ ...r, value: `${r.value}-a` }) },
        { onSend: (r: ProducerRecord) => ({ ...r, value: `${r.value}-b` }) },
      ],
      recordingLogger(),
    )
    assert.equal(chain.onSend({ topic: 't', value: 'v' }).value, 'v-a-b')
  })

  it('skips a throwing onSend (or one returning no record), reports it, and keeps going', () => {
    const logger = recordingLogger()
    const seen: unknown[] = []
    const listener = (m: unknown) => seen.push(m)
    diagnostics.subscribe('kafkats:producer:interceptor-error', listener)
    try {
      const chain = new InterceptorChain(
        [
          {
            onSend: () => {
              throw new Error('boom')
            },
          },
          { onSend: () => undefined as unknown as ProducerRecord },
          { onSend: (r: ProducerRecord) => ({ ...r, value: 'ok' }) },
        ],
        logger,
      )
      assert.equal(chain.onSend({ topic: 't', value: 'v' }).value, 'ok')
    } finally {
      diagnostics.unsubscribe('kafkats:producer:interceptor-error', listener)
    }
    assert.equal(logger.warnings.length, 2)
    assert.deepEqual(
      seen.map((m) => (m as { hook: string; index: number }).index),
      [0, 1],
    )
  })

  it('calls onAcknowledgement of every interceptor for success and failure, isolating throws', () => {
    const calls: string[] = []
    const logger = recordingLogger()
    const chain = new InterceptorChain(
      [
        {
          onAcknowledgement: () => {
            calls.push('first')
            throw new Error('ack boom')
          },
        },
        { onAcknowledgement: (m, e) => calls.push(m ? `ok ${m.offset}` : `err ${e?.message}`) },
      ],
      logger,
    )
    chain.onAcknowledgement(md, null)
    chain.onAcknowledgement(null, new Error('nope'))
    assert.deepEqual(calls, ['first', 'ok 5', 'first', 'err nope'])
    assert.equal(logger.warnings.length, 2)
  })

  it('close runs on every interceptor even when one throws', () => {
    const closed: number[] = []
    const chain = new InterceptorChain(
      [
        {
          close: () => {
            closed.push(0)
            throw new Error('x')
          },
        },
        { close: () => closed.push(1) },
      ],
      recordingLogger(),
    )
    chain.close()
    assert.deepEqual(closed, [0, 1])
  })

  it('a logger that throws is survived too', () => {
    const bad: Logger = {
      debug() {},
      info() {},
      error() {},
      warn() {
        throw new Error('logger down')
      },
    }
    const chain = new InterceptorChain(
      [
        {
          onSend: () => {
            throw new Error('boom')
          },
        },
      ],
      bad,
    )
    assert.equal(chain.onSend({ topic: 't', value: 'v' }).value, 'v')
  })
})
