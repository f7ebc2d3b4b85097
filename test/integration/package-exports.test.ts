// The published surface: after `npm run build` (npm runs it before `npm test`), the package
// resolves by its own name, `import { Kafka } from 'kafkats'` works, and the facade hands out a
// producer, a consumer and an admin client that work together against the reference broker.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startCluster } from '../fixtures/broker/index.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

test("import { Kafka } from 'kafkats' works after the build, and the facade serves all three clients", async () => {
  assert.ok(existsSync(resolve(root, 'dist/src/index.js')), 'dist/ is missing: run `npm run build` (npm test does)')
  const pkg = (await import('kafkats')) as typeof import('../../src/index.js')
  assert.equal(typeof pkg.Kafka, 'function')
  assert.equal(typeof pkg.ProtocolError, 'function')
  assert.throws(() => new pkg.Kafka({ bootstrapServers: [] }), pkg.ConfigError)

  const cluster = await startCluster({ nodes: 1, brokerConfigs: { 'group.initial.rebalance.delay.ms': '0' } })
  const kafka = new pkg.Kafka({ clientId: 'exports-test', bootstrapServers: cluster.bootstrap })
  const admin = kafka.admin()
  try {
    await admin.createTopics([{ name: 'exports', numPartitions: 2, replicationFactor: 1 }])
    assert.ok((await admin.listTopics()).includes('exports'))

    const producer = kafka.producer()
    const md = await new Promise<{ partition: number; offset: bigint }>((ok, fail) => {
      void producer.send({ topic: 'exports', partition: 1, value: 'v' }, (err, m) => (err ? fail(err) : ok(m!)))
    })
    assert.deepEqual([md.partition, md.offset], [1, 0n])
    await producer.close()

    const consumer = kafka.consumer({ groupId: 'exports-g', enableAutoCommit: false, autoOffsetReset: 'earliest' })
    await consumer.subscribe(['exports'])
    let got = 0
    for (let i = 0; i < 20 && got === 0; i++) got += (await consumer.poll(500)).count
    assert.equal(got, 1)
    await consumer.commitSync()
    await consumer.close()
    const offsets = await admin.listConsumerGroupOffsets('exports-g')
    // commitSync() commits every assigned partition's position, as Java's does
    assert.deepEqual(
      offsets.map((o) => [o.topic, o.partition, o.offset]).sort((a, b) => Number(a[1]) - Number(b[1])),
      [
        ['exports', 0, 0n],
        ['exports', 1, 1n],
      ],
    )
  } finally {
    await admin.close()
    await cluster.close()
  }
})
