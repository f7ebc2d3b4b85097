// The demo behind `npm run demo`: starts the embedded reference broker (3 nodes), then shows the
// two jobs kafkats is for. A producer with callbacks (batching, keyed partitioning, acks=all,
// idempotence on by default) and a consumer in a group with manual commit (poll, process,
// commitSync), and a second consumer run that resumes from the committed offsets.
import { Kafka, stringDeserializer } from '../index.js'
import { startCluster } from '../../test/fixtures/broker/index.js'

const TOPIC = 'orders'
const GROUP = 'billing'
const COUNT = 30

async function main(): Promise<void> {
  const cluster = await startCluster({
    nodes: 3,
    brokerConfigs: { 'group.initial.rebalance.delay.ms': '0' },
    topics: [{ name: TOPIC, numPartitions: 3, replicationFactor: 3 }],
  })
  console.log(`reference broker: 3 nodes at ${cluster.bootstrap}`)
  const kafka = new Kafka({ clientId: 'demo', bootstrapServers: cluster.bootstrap })
  try {
    // ---- producer with callbacks ------------------------------------------------------------
    const producer = kafka.producer({ lingerMs: 5 })
    let acked = 0
    for (let i = 0; i < COUNT; i++) {
      const key = `customer-${i % 5}`
      producer.send({ topic: TOPIC, key, value: JSON.stringify({ order: i, amount: 10 + i }) }, (err, md) => {
        if (err) console.error(`  send ${i} failed: ${err.message}`)
        else if (md) {
          acked++
          if (i < 5) console.log(`  acked ${key} -> partition ${md.partition} offset ${md.offset}`)
        }
      })
    }
    await producer.flush()
    console.log(`producer: ${acked}/${COUNT} records acknowledged (callbacks shown for the first 5)`)
    await producer.close()

    // ---- consumer with manual commit --------------------------------------------------------
    const read = await consumeAndCommit(kafka, 20)
    console.log(`consumer: read ${read} records, committed after each poll`)
    const again = await consumeAndCommit(kafka, COUNT)
    console.log(`consumer (restarted in the same group): read ${again} more records — resumed from the commits`)
  } finally {
    await cluster.close()
  }
}

/** Polls until `limit` records were read or the topic is drained, committing after each poll. */
async function consumeAndCommit(kafka: Kafka, limit: number): Promise<number> {
  const consumer = kafka.consumer({
    groupId: GROUP,
    enableAutoCommit: false,
    autoOffsetReset: 'earliest',
    maxPollRecords: 10,
    keyDeserializer: stringDeserializer,
    valueDeserializer: stringDeserializer,
  })
  let read = 0
  let idlePolls = 0
  try {
    await consumer.subscribe([TOPIC], {
      onPartitionsAssigned: async (tps) => console.log(`  assigned ${tps.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}`),
    })
    while (read < limit && idlePolls < 3) {
      const records = await consumer.poll(1000)
      if (records.count === 0) {
        idlePolls++
        continue
      }
      idlePolls = 0
      for (const r of records) {
        read++
        if (read <= 3) console.log(`  ${r.topic}-${r.partition}@${r.offset} ${r.key}: ${r.value}`)
      }
      await consumer.commitSync()
    }
  } finally {
    await consumer.close()
  }
  return read
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
