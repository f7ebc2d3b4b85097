// `kafkats groups` as a child process against a reference cluster, with a live `kafkats consume
// --group` member: --list, --describe (lag table with the member; --state; --members; unknown
// group exit 1), --reset-offsets refused while the group is active, a dry run that changes nothing,
// --execute to earliest / a clamped --to-offset, and --delete. Every child is killed at the end.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Admin } from '../../../src/admin/index.js'
import { describeRun, stopAll } from '../../interop/helpers/process.js'
import { type Cluster, startCluster } from '../../fixtures/broker/index.js'
import { adminFor, cli, cliInProcess, startCli } from './cli-command-helpers.js'

function rows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('Consumer group'))
    .map((l) => l.trim().split(/\s+/))
}

describe('kafkats groups', () => {
  let broker: Cluster
  let admin: Admin
  let bs: string[]
  before(async () => {
    broker = await startCluster({
      brokerConfigs: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '100' },
      topics: [{ name: 'work', numPartitions: 1, replicationFactor: 1 }],
    })
    bs = ['--bootstrap-server', broker.bootstrap]
    admin = adminFor(broker.bootstrap)
    const r = await cli(['produce', ...bs, '--topic', 'work'], 'a\nb\nc\nd\n')
    assert.equal(r.code, 0, describeRun(r))
  })
  after(async () => {
    await stopAll()
    await admin.close()
    await broker.close()
  })

  it('describes an active group and refuses to reset it', async () => {
    const member = startCli(['consume', ...bs, '--topic', 'work', '--group', 'crew', '--from-beginning'])
    try {
      await member.waitFor((out) => out.split('\n').length > 4, 30_000, 'four records')
      // the member commits after printing: wait until the broker has the commit
      for (let i = 0; i < 100; i++) {
        const offsets = await admin.listConsumerGroupOffsets('crew')
        if (offsets[0]?.offset === 4n) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const list = await cli(['groups', ...bs, '--list'])
      assert.equal(list.code, 0, describeRun(list))
      assert.equal(list.stdout, 'crew\n')

      const d = await cli(['groups', ...bs, '--describe', '--group', 'crew'])
      assert.equal(d.code, 0, describeRun(d))
      const table = rows(d.stdout)
      assert.deepEqual(table[0], ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'])
      assert.deepEqual(table[1]?.slice(0, 6), ['crew', 'work', '0', '4', '4', '0'])
      assert.notEqual(table[1]?.[6], '-')
      assert.equal(table[1]?.[8], 'kafkats-cli')

      const state = await cli(['groups', ...bs, '--describe', '--group', 'crew', '--state'])
      assert.equal(state.code, 0, describeRun(state))
      assert.equal(rows(state.stdout)[1]?.at(-2), 'Stable')
      assert.equal(rows(state.stdout)[1]?.at(-1), '1')

      const refused = await cli(['groups', ...bs, '--reset-offsets', '--group', 'crew', '--topic', 'work', '--to-earliest', '--execute'])
      assert.equal(refused.code, 1, describeRun(refused))
      assert.match(refused.stderr, /can only be reset if the group 'crew' is inactive, but the current state is Stable/)
    } finally {
      const r = await member.stop('SIGTERM')
      assert.equal(r.code, 0, describeRun(r))
    }
  })

  it('resets offsets of the inactive group: dry run first, then --execute', async () => {
    const dry = await cli(['groups', ...bs, '--reset-offsets', '--group', 'crew', '--topic', 'work', '--to-earliest'])
    assert.equal(dry.code, 0, describeRun(dry))
    assert.match(dry.stderr, /No action will be performed as the --execute option is missing/)
    assert.deepEqual(rows(dry.stdout), [
      ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
      ['crew', 'work', '0', '0'],
    ])
    assert.equal((await admin.listConsumerGroupOffsets('crew'))[0]?.offset, 4n)

    const exec = await cli(['groups', ...bs, '--reset-offsets', '--group', 'crew', '--topic', 'work:0', '--to-offset', '99', '--execute'])
    assert.equal(exec.code, 0, describeRun(exec))
    assert.match(exec.stderr, /higher than latest offset .* Value will be set to 4/)
    const early = await cli(['groups', ...bs, '--reset-offsets', '--group', 'crew', '--topic', 'work', '--to-offset', '1', '--execute'])
    assert.equal(early.code, 0, describeRun(early))
    assert.equal((await admin.listConsumerGroupOffsets('crew'))[0]?.offset, 1n)

    const d = await cliInProcess(['groups', ...bs, '--describe', '--group', 'crew'])
    assert.equal(d.code, 0)
    assert.match(d.stdout, /Consumer group 'crew' has no active members\./)
    assert.deepEqual(rows(d.stdout)[1], ['crew', 'work', '0', '1', '4', '3', '-', '-', '-'])
  })

  it('unknown groups are errors; --delete removes a group', async () => {
    const missing = await cliInProcess(['groups', ...bs, '--describe', '--group', 'ghost'])
    assert.equal(missing.code, 1)
    assert.equal(missing.stderr, "Error: Consumer group 'ghost' does not exist.\n")
    const del = await cli(['groups', ...bs, '--delete', '--group', 'crew'])
    assert.equal(del.code, 0, describeRun(del))
    assert.equal(del.stdout, "Deletion of requested consumer groups ('crew') was successful.\n")
    const again = await cliInProcess(['groups', ...bs, '--delete', '--group', 'crew'])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /GROUP_ID_NOT_FOUND/)
    assert.equal((await cliInProcess(['groups', ...bs, '--list'])).stdout, '')
  })

  it('usage errors exit 2', async () => {
    for (const args of [
      ['groups', ...bs],
      ['groups', ...bs, '--describe'],
      ['groups', ...bs, '--reset-offsets', '--group', 'g', '--topic', 't'],
      ['groups', ...bs, '--reset-offsets', '--group', 'g', '--to-latest'],
      ['groups', ...bs, '--reset-offsets', '--group', 'g', '--topic', 't', '--to-latest', '--to-earliest'],
      ['groups', ...bs, '--reset-offsets', '--group', 'g', '--topic', 't', '--to-offset', '-1'],
    ]) {
      const r = await cliInProcess(args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^kafkats groups: /)
    }
  })
})
