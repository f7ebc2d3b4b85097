// Parent side of the benchmark broker: starts broker-host.ts in a child process and exposes topic
// creation, deletion and per-topic stats (records = sum of log end offsets, stored bytes). Used by
// producer.ts. Invariant: close() ends the child even when the broker fails to close cleanly.
import { fileURLToPath } from 'node:url'
import { Child, numberField, stringField } from './child.js'

export interface TopicStats {
  readonly records: number
  readonly bytes: number
}

export interface BenchBroker {
  readonly bootstrap: string
  createTopic(topic: string, partitions: number): Promise<void>
  deleteTopic(topic: string): Promise<void>
  topicStats(topic: string): Promise<TopicStats>
  close(): Promise<void>
}

const HOST = fileURLToPath(new URL('./broker-host.ts', import.meta.url))

export async function startBenchBroker(): Promise<BenchBroker> {
  const prof = process.env['BENCH_BROKER_PROFILE_DIR']
  const child = new Child(HOST, prof === undefined ? {} : { execArgv: ['--cpu-prof', `--cpu-prof-dir=${prof}`] })
  let bootstrap: string
  try {
    bootstrap = stringField(await child.waitFor('ready'), 'bootstrap')
  } catch (err) {
    await child.kill()
    throw err
  }
  return {
    bootstrap,
    createTopic: async (topic, partitions) => {
      await child.call('createTopic', { topic, partitions })
    },
    deleteTopic: async (topic) => {
      await child.call('deleteTopic', { topic })
    },
    topicStats: async (topic) => {
      const r = await child.call('topicStats', { topic })
      return { records: numberField(r, 'records'), bytes: numberField(r, 'bytes') }
    },
    close: async () => {
      const timer = setTimeout(() => void child.kill(), 5000)
      try {
        await child.call('close').catch(() => undefined)
        await child.exited
      } finally {
        clearTimeout(timer)
      }
    },
  }
}
