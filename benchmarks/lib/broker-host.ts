// Child-process entry that runs the reference broker (test/fixtures/broker startCluster, 1 node)
// for the whole benchmark run, so every client is measured against the same broker on its own
// core. Answers createTopic / deleteTopic / topicStats / close calls from broker.ts. Invariant:
// the request log that tests use is cleared every second (a benchmark would otherwise keep every
// decoded Produce request in memory); the process exits after close.
import { startCluster } from '../../test/fixtures/broker/index.js'
import { type Json, numberField, serveCalls, stringField } from './child.js'

const cluster = await startCluster({ nodes: 1, autoCreateTopics: false })
const state = cluster.control.state
const logClear = setInterval(() => cluster.control.clearRequests(), 1000)

serveCalls(async (op, msg): Promise<Json> => {
  switch (op) {
    case 'createTopic': {
      const name = stringField(msg, 'topic')
      cluster.createTopic(name, { numPartitions: numberField(msg, 'partitions'), replicationFactor: 1 })
      return null
    }
    case 'deleteTopic':
      state.deleteTopic(stringField(msg, 'topic'))
      cluster.control.clearRequests()
      return null
    case 'topicStats': {
      const name = stringField(msg, 'topic')
      const t = state.topic(name)
      if (t === undefined) throw new Error(`no topic ${name}`)
      let records = 0
      let bytes = 0
      for (let i = 0; i < t.partitionCount; i++) {
        const log = state.partitionState(name, i)?.leaderLog
        if (log === undefined) continue
        records += Number(log.logEndOffset)
        bytes += log.sizeBytes
      }
      return { records, bytes }
    }
    case 'close':
      clearInterval(logClear)
      await cluster.close()
      setImmediate(() => process.exit(0))
      return null
    default:
      throw new Error(`unknown op ${op}`)
  }
})

process.send?.({ type: 'ready', bootstrap: cluster.bootstrap })
