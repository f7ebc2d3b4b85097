// Interop proof: kafka-python 2.0.2 (Debian python3-kafka) against the reference broker, through
// test/interop/python/kafka_python_client.py: creates a topic with its admin client, produces with
// acks='all', consumes as a group member with enable_auto_commit=False and commit() after each
// poll, and a second consumer run of the same group reads nothing new. Script stderr on failure.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type InteropCluster, startInteropCluster } from './helpers/cluster.js'
import { stopAll } from './helpers/process.js'
import { runPythonScript } from './helpers/python.js'
import { assertExactlyOnceInOrder, type ConsumedMessage } from './helpers/verify.js'

const COUNT = 1000
const PARTITIONS = 3
const SCRIPT = 'kafka_python_client.py'
const SCRIPT_TIMEOUT_MS = 60_000

interface ProduceOutput {
  produced: { key: string; value: string; partition: number; offset: number }[]
}

interface ConsumeOutput {
  records: { partition: number; offset: number; key: string | null; value: string | null }[]
  commits: number
  assignment: number[]
  positions: Record<string, number>
  committed: Record<string, number | null>
  endOffsets: Record<string, number>
  finished: boolean
}

function toConsumed(out: ConsumeOutput): ConsumedMessage[] {
  return out.records.map((r) => ({ partition: r.partition, offset: BigInt(r.offset), key: r.key, value: r.value }))
}

describe('kafka-python against the reference broker', { timeout: 240_000 }, () => {
  let cluster: InteropCluster
  const topic = 'kafka-python-interop'
  const group = 'kafka-python-interop-group'
  let produced: ProduceOutput['produced'] = []

  before(async () => {
    cluster = await startInteropCluster(3)
  })

  after(async () => {
    await stopAll()
    await cluster?.close()
  })

  it('creates a topic and produces with acks=all', async () => {
    const common = ['--bootstrap', cluster.bootstrap, '--topic', topic]
    await runPythonScript(
      SCRIPT,
      ['create-topic', ...common, '--partitions', String(PARTITIONS), '--replication', '3'],
      SCRIPT_TIMEOUT_MS,
    )
    const run = await runPythonScript<ProduceOutput>(SCRIPT, ['produce', ...common, '--count', String(COUNT)], SCRIPT_TIMEOUT_MS)
    produced = run.output.produced
    assert.equal(produced.length, COUNT)
    // acks='all' answers carry each record's offset: dense per partition, in send order
    const next = new Map<number, number>()
    for (const m of produced) {
      assert.equal(m.offset, next.get(m.partition) ?? 0, `offset of ${m.value} in partition ${m.partition}`)
      next.set(m.partition, m.offset + 1)
    }
    assert.equal(next.size, PARTITIONS, 'keys spread over every partition')
  })

  it('consumes as a group member with manual commits, exactly once and in order', async () => {
    const run = await runPythonScript<ConsumeOutput>(
      SCRIPT,
      ['consume', '--bootstrap', cluster.bootstrap, '--topic', topic, '--group', group, '--expect', String(COUNT)],
      SCRIPT_TIMEOUT_MS,
    )
    const out = run.output
    assert.ok(out.finished, `read ${out.records.length} of ${COUNT}\n${run.result.stderr}`)
    const report = assertExactlyOnceInOrder(produced, toConsumed(out))
    // where kafka-python found each message is where the produce acks said it was
    const where = new Map(produced.map((m) => [m.value, m]))
    for (const [partition, list] of report.byPartition) {
      for (const m of list) {
        const sent = where.get(m.value!)!
        assert.deepEqual([partition, m.offset], [sent.partition, BigInt(sent.offset)], `position of ${m.value}`)
      }
    }
    assert.deepEqual(out.assignment, [0, 1, 2])
    assert.ok(out.commits > 0, 'committed at least once')
    assert.deepEqual(out.committed, out.endOffsets, 'commits cover every partition')
  })

  it('a second consumer run of the group reads nothing new', async () => {
    const run = await runPythonScript<ConsumeOutput>(
      SCRIPT,
      ['consume', '--bootstrap', cluster.bootstrap, '--topic', topic, '--group', group, '--expect', '0'],
      SCRIPT_TIMEOUT_MS,
    )
    const out = run.output
    assert.deepEqual(out.records, [], 'no records re-read')
    assert.deepEqual(out.assignment, [0, 1, 2])
    assert.deepEqual(out.positions, out.endOffsets, 'resumed at the committed end offsets')
    assert.deepEqual(out.committed, out.endOffsets)
  })
})
