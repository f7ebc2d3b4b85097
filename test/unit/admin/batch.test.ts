// Unit tests of the admin per-item machinery (src/admin/batch.ts) on a Cluster that never
// connects: runBatch rounds (retry until done, final failures, deadlines ending with each item's
// last error, items without a verdict, whole-call errors), settle/AdminBatchError accessors, and
// fanOut's handling of failed targets.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { Admin } from '../../../src/admin/index.js'
import { AdminBatchError, again, done, fail, fanOut, runBatch, settle, type Verdicts } from '../../../src/admin/batch.js'
import { resolveClientOptions } from '../../../src/client-options.js'
import { Cluster } from '../../../src/cluster/cluster.js'
import { AbortError, ClosedError, ConfigError, ConnectionError, ProtocolError } from '../../../src/errors.js'
import { ErrorCode } from '../../../src/protocol/generated/error-table.js'

const options = resolveClientOptions({ bootstrapServers: '127.0.0.1:1', retryBackoffMs: 1, retryBackoffMaxMs: 2 })
const cluster = new Cluster(options)
after(() => cluster.close())

const label = (k: string) => k

describe('runBatch', () => {
  it('returns one outcome per key in input order; duplicate labels share one verdict', async () => {
    const rounds: string[][] = []
    const outcomes = await runBatch<string, number>(cluster, {
      operation: 'op',
      keys: ['b', 'a', 'b'],
      label,
      timeoutMs: 1000,
      round: async (pending) => {
        rounds.push([...pending])
        return new Map(pending.map((k) => [k, done(k.charCodeAt(0))]))
      },
    })
    assert.deepEqual(rounds, [['b', 'a']])
    assert.deepEqual(
      outcomes.map((o) => [o.label, o.ok && o.value]),
      [
        ['b', 98],
        ['a', 97],
        ['b', 98],
      ],
    )
  })

  it('retries only the items that asked for it, and items left without a verdict', async () => {
    const rounds: string[][] = []
    const outcomes = await runBatch<string, string>(cluster, {
      operation: 'op',
      keys: ['x', 'y', 'z'],
      label,
      timeoutMs: 5000,
      round: async (pending) => {
        rounds.push([...pending])
        const v: Verdicts<string> = new Map()
        if (rounds.length === 1) {
          v.set('x', done('x1'))
          v.set('y', again(new ProtocolError(ErrorCode.NOT_CONTROLLER)))
          // z: no verdict
        } else {
          for (const k of pending) v.set(k, done(`${k}${rounds.length}`))
        }
        return v
      },
    })
    assert.deepEqual(rounds, [['x', 'y', 'z'], ['y', 'z']])
    assert.deepEqual(settle('op', outcomes), ['x1', 'y2', 'z2'])
  })

  it('fails items still retrying at the deadline with their own last error', async () => {
    const outcomes = await runBatch<string, string>(cluster, {
      operation: 'op',
      keys: ['ok', 'stuck'],
      label,
      timeoutMs: 30,
      round: async (pending) =>
        new Map(pending.map((k) => [k, k === 'ok' ? done('fine') : again(new ProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, k))])),
    })
    assert.equal(outcomes[0]?.ok, true)
    const stuck = outcomes[1]
    assert.ok(stuck !== undefined && !stuck.ok)
    assert.ok(stuck.error instanceof ProtocolError)
    assert.equal(stuck.error.errorCode, ErrorCode.LEADER_NOT_AVAILABLE)
  })

  it('a round that keeps failing with a retriable error fails every item with it at the deadline', async () => {
    const outcomes = await runBatch<string, string>(cluster, {
      operation: 'op',
      keys: ['a'],
      label,
      timeoutMs: 30,
      round: async () => {
        throw new ConnectionError('down')
      },
    })
    const a = outcomes[0]
    assert.ok(a !== undefined && !a.ok)
    assert.ok(a.error instanceof ConnectionError)
  })

  it('a non-retriable round error rejects the call unchanged', async () => {
    const boom = new ConfigError('bad')
    await assert.rejects(
      runBatch(cluster, {
        operation: 'op',
        keys: ['a'],
        label,
        timeoutMs: 1000,
        round: async () => {
          throw boom
        },
      }),
      (err) => err === boom,
    )
  })

  it('an abort rejects with AbortError', async () => {
    const controller = new AbortController()
    const running = runBatch<string, string>(cluster, {
      operation: 'op',
      keys: ['a'],
      label,
      timeoutMs: 60_000,
      signal: controller.signal,
      round: async (pending) => {
        controller.abort()
        return new Map(pending.map((k) => [k, again(new ProtocolError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS))]))
      },
    })
    await assert.rejects(running, AbortError)
  })
})

describe('settle and AdminBatchError', () => {
  it('returns the values when every item succeeded', () => {
    assert.deepEqual(settle('op', [{ key: 1, label: '1', ok: true, value: 'one' }]), ['one'])
  })

  it('throws AdminBatchError with every outcome, the errors and the successes', () => {
    const e1 = new ProtocolError(ErrorCode.TOPIC_ALREADY_EXISTS, "topic 'a'")
    const outcomes = [
      { key: 'a', label: 'a', ok: false as const, error: e1 },
      { key: 'b', label: 'b', ok: true as const, value: 2 },
    ]
    assert.throws(
      () => settle('createTopics', outcomes),
      (err: unknown) => {
        assert.ok(err instanceof AdminBatchError)
        assert.equal(err.code, 'ADMIN_BATCH_FAILED')
        assert.equal(err.operation, 'createTopics')
        assert.match(err.message, /createTopics: 1 of 2 failed \(a: TOPIC_ALREADY_EXISTS/)
        assert.equal(err.errorFor('a'), e1)
        assert.equal(err.errorFor('b'), undefined)
        assert.deepEqual(err.values, [2])
        assert.deepEqual(
          err.errors.map((x) => x.label),
          ['a'],
        )
        assert.equal(err.cause, e1)
        assert.equal(err.retriable, false)
        return true
      },
    )
  })
})

describe('fanOut', () => {
  it('turns a failed target into retry (retriable) or fail verdicts for its items', async () => {
    const targets = new Map<number, string[]>([
      [1, ['a']],
      [2, ['b', 'c']],
      [3, ['d']],
    ])
    const failedTargets: number[] = []
    const v = await fanOut(
      targets,
      label,
      async (t, keys) => {
        if (t === 2) throw new ConnectionError('lost')
        if (t === 3) throw new ConfigError('nope')
        return new Map(keys.map((k) => [k, done(k)]))
      },
      (t) => failedTargets.push(t),
    )
    assert.equal(v.get('a')?.kind, 'done')
    assert.equal(v.get('b')?.kind, 'retry')
    assert.equal(v.get('c')?.kind, 'retry')
    assert.equal(v.get('d')?.kind, 'fail')
    assert.deepEqual(failedTargets.sort(), [2, 3])
  })

  it('lets ClosedError through', async () => {
    await assert.rejects(
      fanOut(new Map([[1, ['a']]]), label, async () => {
        throw new ClosedError()
      }),
      ClosedError,
    )
  })

  it('verdict helpers', () => {
    const e = new ProtocolError(ErrorCode.NOT_CONTROLLER)
    assert.deepEqual(done(1), { kind: 'done', value: 1 })
    assert.deepEqual(fail(e), { kind: 'fail', error: e })
    assert.deepEqual(again(e), { kind: 'retry', error: e })
  })
})

describe('Admin construction', () => {
  it('validates defaultApiTimeoutMs', () => {
    const c = new Cluster(options)
    assert.throws(() => new Admin(c, options, { defaultApiTimeoutMs: -1 }), ConfigError)
    void c.close()
  })

  it('rejects calls on a closed admin and closes its cluster once', async () => {
    const c = new Cluster(options)
    const admin = new Admin(c, options)
    await admin.close()
    await admin.close()
    assert.equal(c.closed, true)
    await assert.rejects(admin.describeCluster(), ClosedError)
    await assert.rejects(admin.listGroups(), ClosedError)
  })
})
