// KafkaJS set-up for the interop tests: a Kafka instance whose log is captured in memory (printed
// only when a test fails; DEBUG when KAFKATS_INTEROP_DEBUG=1), and topic creation through the
// KafkaJS admin client (also used by the kcat test, since kcat cannot create topics).
// Invariant: helpers here never leave a connection open (admin clients are disconnected in finally).
import { Kafka, type LogEntry, logLevel } from 'kafkajs'

export interface CapturedKafka {
  readonly kafka: Kafka
  /** the last log lines, oldest first */
  logTail(lines?: number): string
}

const KEEP_LINES = 2000

export function createKafka(brokers: readonly string[], clientId: string): CapturedKafka {
  const lines: string[] = []
  const debug = process.env['KAFKATS_INTEROP_DEBUG'] === '1'
  const kafka = new Kafka({
    clientId,
    brokers: [...brokers],
    connectionTimeout: 5000,
    requestTimeout: 20_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: debug ? logLevel.DEBUG : logLevel.INFO,
    logCreator: () => (entry: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry.log
      lines.push(`${entry.label} [${entry.namespace}] ${message} ${JSON.stringify(extra)}`)
      if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES)
    },
  })
  return {
    kafka,
    logTail: (count = 200) => lines.slice(-count).join('\n'),
  }
}

/** Create a topic through KafkaJS admin and wait for its leaders; throws on failure. */
export async function createTopic(
  brokers: readonly string[],
  topic: string,
  numPartitions: number,
  replicationFactor: number,
): Promise<void> {
  const { kafka, logTail } = createKafka(brokers, 'kafkats-interop-admin')
  const admin = kafka.admin()
  try {
    await admin.connect()
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions, replicationFactor }],
      waitForLeaders: true,
      timeout: 20_000,
    })
    if (!created) throw new Error(`topic ${topic} already existed`)
  } catch (err) {
    throw new Error(`KafkaJS admin could not create ${topic}: ${String(err)}\n${logTail()}`, { cause: err })
  } finally {
    await admin.disconnect()
  }
}
