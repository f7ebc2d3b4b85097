// `kafkats consume`: kafka-console-consumer.sh for kafkats. Prints each record's value (and, with
// --property print.*, its timestamp, partition, offset, headers and key) one per line. With
// --group it subscribes and commits what it printed; without, it reads the topic's partitions
// directly (no group left behind). Called by src/cli/main.ts. Contract: stops after
// --max-messages, after --timeout-ms without a record, or on SIGINT/SIGTERM, then prints
// "Processed a total of N messages" on stderr and exits 0; errors exit 1, bad flags 2.
import { Kafka } from '../../client.js'
import { type ClientOptions, fromJavaProperties } from '../../client-options.js'
import { type Consumer, type ConsumerOptions, type ConsumerRecord, WakeupError } from '../../consumer/index.js'
import { clientInput, type CommandIo, createAdmin, type ParsedFlags, runCommand, UsageError } from './common.js'

export const CONSUME_USAGE = `  kafkats consume --bootstrap-server H:P --topic T [--from-beginning] [--group G]
      [--max-messages N] [--timeout-ms MS] [--partition P [--offset earliest|latest|N]]
      [--isolation-level read_committed|read_uncommitted]
      [--command-config FILE | --consumer.config FILE] [--consumer-property k=v]...
      [--property print.key=true] [--property print.timestamp=true] [--property print.partition=true]
      [--property print.offset=true] [--property print.headers=true] [--property key.separator=SEP]
      prints each record's value on its own line until stopped (Ctrl-C)`

const SPEC = {
  values: ['--topic', '--group', '--max-messages', '--timeout-ms', '--partition', '--offset', '--property', '--consumer-property', '--consumer.config', '--isolation-level'],
  switches: ['--from-beginning'],
}

const POLL_MS = 500

interface Format {
  readonly key: boolean
  readonly timestamp: boolean
  readonly partition: boolean
  readonly offset: boolean
  readonly headers: boolean
  readonly separator: string
}

function formatOf(flags: ParsedFlags): Format {
  const props = new Map<string, string>()
  for (const p of flags.values('--property')) {
    const eq = p.indexOf('=')
    if (eq <= 0) throw new UsageError(`--property needs name=value, got '${p}'`)
    props.set(p.slice(0, eq), p.slice(eq + 1))
  }
  const on = (name: string) => props.get(name)?.toLowerCase() === 'true'
  return {
    key: on('print.key'),
    timestamp: on('print.timestamp'),
    partition: on('print.partition'),
    offset: on('print.offset'),
    headers: on('print.headers'),
    separator: props.get('key.separator') ?? '\t',
  }
}

const text = (b: Buffer | null): string => (b === null ? 'null' : b.toString('utf8'))

function formatRecord(r: ConsumerRecord<Buffer | null, Buffer | null>, f: Format): string {
  let out = ''
  if (f.timestamp) out += `${r.timestampType === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime'}:${r.timestamp}${f.separator}`
  if (f.partition) out += `Partition:${r.partition}${f.separator}`
  if (f.offset) out += `Offset:${r.offset}${f.separator}`
  if (f.headers) out += `${r.headers.length === 0 ? 'NO_HEADERS' : r.headers.map((h) => `${h.key}:${text(h.value)}`).join(',')}${f.separator}`
  if (f.key) out += `${text(r.key)}${f.separator}`
  return `${out}${text(r.value)}\n`
}

function consumerProperties(flags: ParsedFlags): Record<string, unknown> {
  const lines = flags.values('--consumer-property').map((p) => {
    if (p.indexOf('=') <= 0) throw new UsageError(`--consumer-property needs name=value, got '${p}'`)
    return p
  })
  return lines.length === 0 ? {} : fromJavaProperties(lines.join('\n'))
}

/** Assigns the topic's partitions (or --partition) and applies --offset. */
async function assignDirectly(consumer: Consumer<Buffer | null, Buffer | null>, input: Record<string, unknown>, topic: string, partition: number | undefined, offset: string | undefined): Promise<void> {
  let partitions: number[]
  if (partition !== undefined) partitions = [partition]
  else {
    const admin = createAdmin(input)
    try {
      const [t] = await admin.describeTopics([topic])
      partitions = (t?.partitions ?? []).map((p) => p.partition)
    } finally {
      await admin.close()
    }
  }
  const tps = partitions.map((p) => ({ topic, partition: p }))
  consumer.assign(tps)
  if (offset === 'earliest') consumer.seekToBeginning(tps)
  else if (offset === 'latest') consumer.seekToEnd(tps)
  else if (offset !== undefined) for (const tp of tps) consumer.seek(tp, BigInt(offset))
}

async function consumeBody(flags: ParsedFlags, io: CommandIo): Promise<number> {
  const topic = flags.required('--topic')
  const group = flags.value('--group')
  const maxMessages = flags.int('--max-messages', 1)
  const timeoutMs = flags.int('--timeout-ms', 0)
  const partition = flags.int('--partition', 0)
  const offset = flags.value('--offset')
  if (offset !== undefined && !/^(earliest|latest|\d+)$/.test(offset)) throw new UsageError(`--offset must be earliest, latest or a non-negative number, got '${offset}'`)
  if (offset !== undefined && partition === undefined) throw new UsageError('--offset needs --partition')
  if (group !== undefined && partition !== undefined) throw new UsageError('--group cannot be combined with --partition')
  const isolation = flags.value('--isolation-level')
  if (isolation !== undefined && isolation !== 'read_committed' && isolation !== 'read_uncommitted') {
    throw new UsageError(`--isolation-level must be read_committed or read_uncommitted, got '${isolation}'`)
  }
  const format = formatOf(flags)
  const input = { ...clientInput(flags, ['--command-config', '--consumer.config']), ...consumerProperties(flags) }
  const options: ConsumerOptions<Buffer | null, Buffer | null> = {
    ...(input as ConsumerOptions<Buffer | null, Buffer | null>),
    autoOffsetReset: flags.has('--from-beginning') ? 'earliest' : 'latest',
    enableAutoCommit: false,
    ...(group !== undefined ? { groupId: group } : {}),
    ...(isolation !== undefined ? { isolationLevel: isolation } : {}),
  }
  if (group === undefined) delete (options as { groupId?: string }).groupId
  const consumer = new Kafka(input as unknown as ClientOptions).consumer<Buffer | null, Buffer | null>(options)
  let stopping = false
  const stop = (): void => {
    stopping = true
    consumer.wakeup()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  let count = 0
  try {
    if (group !== undefined) consumer.subscribe([topic])
    else await assignDirectly(consumer, input, topic, partition, offset)
    let lastRecordMs = Date.now()
    while (!stopping && (maxMessages === undefined || count < maxMessages)) {
      const waitMs = timeoutMs === undefined ? POLL_MS : Math.min(POLL_MS, Math.max(0, lastRecordMs + timeoutMs - Date.now()))
      let records: Iterable<ConsumerRecord<Buffer | null, Buffer | null>>
      try {
        records = await consumer.poll(waitMs)
      } catch (err) {
        if (err instanceof WakeupError) continue
        throw err
      }
      const printed: ConsumerRecord<Buffer | null, Buffer | null>[] = []
      for (const r of records) {
        if (maxMessages !== undefined && count >= maxMessages) break
        io.stdout.write(formatRecord(r, format))
        printed.push(r)
        count++
      }
      if (printed.length > 0) {
        lastRecordMs = Date.now()
        if (group !== undefined) await consumer.commitSync(printed)
      } else if (timeoutMs !== undefined && Date.now() - lastRecordMs >= timeoutMs) {
        break
      }
    }
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await consumer.close()
  }
  io.stderr.write(`Processed a total of ${count} messages\n`)
  return 0
}

/** Runs `kafkats consume ...`; resolves with the exit code. */
export function runConsumeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand('consume', `usage:\n${CONSUME_USAGE}`, args, SPEC, io, (flags) => consumeBody(flags, io))
}
