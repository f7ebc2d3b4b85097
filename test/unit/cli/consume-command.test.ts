// `kafkats consume` as a child process against a reference cluster: --from-beginning with
// --max-messages and print.* properties, --partition/--offset, --group committing exactly what it
// printed, --timeout-ms ending an idle run, SIGTERM ending a running consumer with exit 0, an
// unknown topic (exit 1) and usage errors (exit 2). Every child is killed at the end.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Admin } from '../../../src/admin/index.js'
import { describeRun, stopAll } from '../../interop/helpers/process.js'
import { type Cluster, startCluster } from '../../fixtures/broker/index.js'
import { adminFor, cli, cliInProcess, startCli } from './cli-command-helpers.js'

describe('kafkats consume', () => {
  let broker: Cluster
  let admin: Admin
  let bs: string[]
  before(async () => {
    broker = await startCluster({
      brokerConfigs: { 'group.initial.rebalance.delay.ms': '0' },
      topics: [
        { name: 'feed', numPartitions: 2, replicationFactor: 1 },
        { name: 'quiet', numPartitions: 1, replicationFactor: 1 },
      ],
    })
    bs = ['--bootstrap-server', broker.bootstrap]
    admin = adminFor(broker.bootstrap)
    const r = await cli(['produce', ...bs, '--topic', 'feed', '--property', 'parse.key=true', '--property', 'key.separator=='], 'a=1\nb=2\nc=3\nd=4\ne=5\nf=6\n')
    assert.equal(r.code, 0, describeRun(r))
  })
  after(async () => {
    await stopAll()
    await admin.close()
    await broker.close()
  })

  it('reads from the beginning up to --max-messages, with print.* fields', async () => {
    const r = await cli(['consume', ...bs, '--topic', 'feed', '--from-beginning', '--max-messages', '6', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.key=true'])
    assert.equal(r.code, 0, describeRun(r))
    const lines = r.stdout.trimEnd().split('\n')
    assert.equal(lines.length, 6)
    for (const line of lines) assert.match(line, /^Partition:[01]\tOffset:\d+\t[a-f]\t[1-6]$/)
    assert.deepEqual(lines.map((l) => l.slice(-1)).sort(), ['1', '2', '3', '4', '5', '6'])
    assert.match(r.stderr, /Processed a total of 6 messages\n$/)
  })

  it('reads one partition from an offset', async () => {
    const ends = await admin.listOffsets([{ topic: 'feed', partition: 0 }])
    const count = Number(ends[0]!.offset)
    assert.ok(count >= 1)
    const r = await cli(['consume', ...bs, '--topic', 'feed', '--partition', '0', '--offset', String(count - 1), '--max-messages', '1', '--property', 'print.offset=true'])
    assert.equal(r.code, 0, describeRun(r))
    assert.match(r.stdout, new RegExp(`^Offset:${count - 1}\\t\\d\\n$`))
  })

  it('with --group commits exactly what it printed', async () => {
    const r = await cli(['consume', ...bs, '--topic', 'feed', '--group', 'readers', '--from-beginning', '--max-messages', '6'])
    assert.equal(r.code, 0, describeRun(r))
    const committed = await admin.listConsumerGroupOffsets('readers')
    const ends = await admin.listOffsets([{ topic: 'feed', partition: 0 }, { topic: 'feed', partition: 1 }])
    assert.deepEqual(
      committed.map((c) => [c.partition, c.offset]),
      ends.filter((e) => e.offset > 0n).map((e) => [e.partition, e.offset]),
    )
    // a second run of the group has nothing left to read
    const again = await cli(['consume', ...bs, '--topic', 'feed', '--group', 'readers', '--timeout-ms', '1500'])
    assert.equal(again.code, 0, describeRun(again))
    assert.equal(again.stdout, '')
    assert.match(again.stderr, /Processed a total of 0 messages/)
  })

  it('ends on SIGTERM with exit 0', async () => {
    const p = startCli(['consume', ...bs, '--topic', 'feed', '--from-beginning'])
    await p.waitFor((out) => out.split('\n').length > 6, 30_000, 'six records')
    const r = await p.stop('SIGTERM')
    assert.equal(r.code, 0, describeRun(r))
    assert.match(r.stderr, /Processed a total of 6 messages/)
  })

  it('an unknown topic is a runtime error; bad flags are usage errors', async () => {
    const r = await cliInProcess(['consume', ...bs, '--topic', 'nope', '--timeout-ms', '100'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: nope: UNKNOWN_TOPIC_OR_PARTITION/)
    for (const args of [
      ['consume', ...bs],
      ['consume', ...bs, '--topic', 'quiet', '--offset', '3'],
      ['consume', ...bs, '--topic', 'quiet', '--max-messages', '0'],
      ['consume', ...bs, '--topic', 'quiet', '--group', 'g', '--partition', '0'],
    ]) {
      const u = await cliInProcess(args)
      assert.equal(u.code, 2, `${args.join(' ')}: ${u.stderr}`)
      assert.match(u.stderr, /^kafkats consume: /)
    }
  })
})
