// `kafkats produce` as a child process against a reference cluster: stdin lines become records
// (plain values, and key:value with parse.key/key.separator), read back with the admin client and
// the consume command; a line without the separator exits 1 after flushing the lines before it;
// usage errors exit 2. Every child is killed at the end.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Admin } from '../../../src/admin/index.js'
import { describeRun, stopAll } from '../../interop/helpers/process.js'
import { type Cluster, startCluster } from '../../fixtures/broker/index.js'
import { adminFor, cli, cliInProcess } from './cli-command-helpers.js'

describe('kafkats produce', () => {
  let broker: Cluster
  let admin: Admin
  let bs: string[]
  before(async () => {
    broker = await startCluster({
      topics: [
        { name: 'lines', numPartitions: 1, replicationFactor: 1 },
        { name: 'keyed', numPartitions: 1, replicationFactor: 1 },
        { name: 'broken', numPartitions: 1, replicationFactor: 1 },
      ],
    })
    bs = ['--bootstrap-server', broker.bootstrap]
    admin = adminFor(broker.bootstrap)
  })
  after(async () => {
    await stopAll()
    await admin.close()
    await broker.close()
  })

  it('sends each stdin line as a record', async () => {
    const r = await cli(['produce', ...bs, '--topic', 'lines'], 'one\ntwo\n\nthree')
    assert.equal(r.code, 0, describeRun(r))
    assert.equal(r.stdout, '')
    const [end] = await admin.listOffsets([{ topic: 'lines', partition: 0 }])
    assert.equal(end?.offset, 4n)
    const back = await cli(['consume', ...bs, '--topic', 'lines', '--from-beginning', '--max-messages', '4'])
    assert.equal(back.code, 0, describeRun(back))
    assert.equal(back.stdout, 'one\ntwo\n\nthree\n')
  })

  it('splits keys at key.separator with parse.key=true', async () => {
    const r = await cli(['produce', ...bs, '--topic', 'keyed', '--property', 'parse.key=true', '--property', 'key.separator=:'], 'k1:v1\nk2:v:2\n')
    assert.equal(r.code, 0, describeRun(r))
    const back = await cli(['consume', ...bs, '--topic', 'keyed', '--from-beginning', '--max-messages', '2', '--property', 'print.key=true', '--property', 'key.separator=|'])
    assert.equal(back.code, 0, describeRun(back))
    assert.equal(back.stdout, 'k1|v1\nk2|v:2\n')
  })

  it('a line without the key separator is an error (the lines before it are sent)', async () => {
    const r = await cli(['produce', ...bs, '--topic', 'broken', '--property', 'parse.key=true'], 'a\tb\nno separator here\nc\td\n')
    assert.equal(r.code, 1, describeRun(r))
    assert.match(r.stderr, /No key separator found on line number 2/)
    const [end] = await admin.listOffsets([{ topic: 'broken', partition: 0 }])
    assert.equal(end?.offset, 1n)
  })

  it('usage errors exit 2', async () => {
    for (const args of [['produce', ...bs], ['produce', '--topic', 't'], ['produce', ...bs, '--topic', 't', '--property', 'parse.key']]) {
      const r = await cliInProcess(args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^kafkats produce: /)
    }
  })
})
