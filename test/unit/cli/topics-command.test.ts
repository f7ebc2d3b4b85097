// `kafkats topics` as a child process against a reference cluster: --create (and a duplicate:
// exit 1 with Kafka's message shape), --list, --describe (Kafka's layout with dynamic configs),
// --alter --partitions (and a decrease: exit 1), --delete, plus usage errors (exit 2) and --help
// checked in process. Every child is killed at the end.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { describeRun, stopAll } from '../../interop/helpers/process.js'
import { type Cluster, startCluster } from '../../fixtures/broker/index.js'
import { cli, cliInProcess } from './cli-command-helpers.js'

describe('kafkats topics', () => {
  let broker: Cluster
  let bs: string[]
  before(async () => {
    broker = await startCluster({ nodes: 2, topics: [{ name: 'existing', numPartitions: 1, replicationFactor: 1 }] })
    bs = ['--bootstrap-server', broker.bootstrap]
  })
  after(async () => {
    await stopAll()
    await broker.close()
  })

  it('creates a topic, then refuses to create it again', async () => {
    const r = await cli(['topics', ...bs, '--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '2', '--config', 'retention.ms=60000'])
    assert.equal(r.code, 0, describeRun(r))
    assert.equal(r.stdout, 'Created topic orders.\n')
    assert.equal(broker.control.state.topic('orders')?.partitionCount, 3)
    const again = await cli(['topics', ...bs, '--create', '--topic', 'orders', '--partitions', '1'])
    assert.equal(again.code, 1, describeRun(again))
    assert.match(again.stderr, /^Error: orders: TOPIC_ALREADY_EXISTS/)
    assert.equal(again.stdout, '')
    const quiet = await cli(['topics', ...bs, '--create', '--topic', 'orders', '--if-not-exists'])
    assert.equal(quiet.code, 0, describeRun(quiet))
  })

  it('lists and describes topics in Kafka layout', async () => {
    const list = await cli(['topics', ...bs, '--list'])
    assert.equal(list.code, 0, describeRun(list))
    assert.deepEqual(list.stdout.split('\n').filter(Boolean), ['existing', 'orders'])
    const d = await cli(['topics', ...bs, '--describe', '--topic', 'orders'])
    assert.equal(d.code, 0, describeRun(d))
    const lines = d.stdout.trimEnd().split('\n')
    assert.match(lines[0]!, /^Topic: orders\tTopicId: \S{22}\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: retention.ms=60000$/)
    assert.equal(lines.length, 4)
    for (const [i, line] of lines.slice(1).entries()) {
      assert.match(line, new RegExp(`^\\tTopic: orders\\tPartition: ${i}\\tLeader: \\d\\tReplicas: \\d,\\d\\tIsr: \\d,\\d$`))
    }
    const missing = await cli(['topics', ...bs, '--describe', '--topic', 'nope'])
    assert.equal(missing.code, 1, describeRun(missing))
    assert.equal(missing.stderr, "Error: Topic 'nope' does not exist as expected\n")
  })

  it('alters the partition count and rejects a decrease', async () => {
    const up = await cli(['topics', ...bs, '--alter', '--topic', 'orders', '--partitions', '5'])
    assert.equal(up.code, 0, describeRun(up))
    assert.equal(broker.control.state.topic('orders')?.partitionCount, 5)
    const down = await cli(['topics', ...bs, '--alter', '--topic', 'orders', '--partitions', '2'])
    assert.equal(down.code, 1, describeRun(down))
    assert.match(down.stderr, /INVALID_PARTITIONS/)
  })

  it('deletes a topic; an unknown one is an error unless --if-exists', async () => {
    const del = await cli(['topics', ...bs, '--delete', '--topic', 'orders'])
    assert.equal(del.code, 0, describeRun(del))
    assert.equal(broker.control.state.topic('orders'), undefined)
    const missing = await cliInProcess(['topics', ...bs, '--delete', '--topic', 'orders'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /does not exist/)
    assert.equal((await cliInProcess(['topics', ...bs, '--delete', '--topic', 'orders', '--if-exists'])).code, 0)
  })

  it('usage errors exit 2 with the usage on stderr; --help exits 0', async () => {
    const cases: string[][] = [
      ['topics', '--list'],
      ['topics', ...bs],
      ['topics', ...bs, '--list', '--create'],
      ['topics', ...bs, '--create'],
      ['topics', ...bs, '--create', '--topic', 'x', '--partitions', 'many'],
      ['topics', ...bs, '--alter', '--topic', 'x'],
      ['topics', ...bs, '--list', '--bogus'],
      ['topics', '--bootstrap-server', 'no-port', '--list'],
    ]
    for (const args of cases) {
      const r = await cliInProcess(args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^kafkats topics: .*\n\nusage:\n/)
      assert.equal(r.stdout, '')
    }
    const help = await cliInProcess(['topics', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /kafkats topics --bootstrap-server/)
    const top = await cliInProcess(['--help'])
    assert.match(top.stdout, /kafkats groups --bootstrap-server/)
  })
})
