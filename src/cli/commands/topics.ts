// `kafkats topics`: kafka-topics.sh for kafkats (--list, --create, --describe, --delete, --alter
// --partitions) over the Admin client, with Kafka's output formats. Called by src/cli/main.ts.
// Contract: success prints what Kafka's tool prints and exits 0; failures print "Error: ..." per
// failed topic on stderr and exit 1; bad flags exit 2 (see common.ts).
import type { Admin, ConfigDescription, TopicDescription } from '../../admin/index.js'
import { AdminBatchError } from '../../admin/index.js'
import { ProtocolError } from '../../errors.js'
import { ErrorCode } from '../../protocol/generated/error-table.js'
import { clientInput, type CommandIo, createAdmin, oneAction, type ParsedFlags, runCommand, UsageError } from './common.js'

export const TOPICS_USAGE = `  kafkats topics --bootstrap-server H:P [--command-config FILE]
      --list [--exclude-internal]
    | --create --topic T [--partitions N] [--replication-factor R] [--config k=v]... [--if-not-exists]
    | --describe [--topic T] [--exclude-internal]
    | --delete --topic T [--if-exists]
    | --alter --topic T --partitions N`

const SPEC = {
  values: ['--topic', '--partitions', '--replication-factor', '--config'],
  switches: ['--list', '--create', '--describe', '--delete', '--alter', '--if-not-exists', '--if-exists', '--exclude-internal'],
}

const ACTIONS = ['--list', '--create', '--describe', '--delete', '--alter'] as const

function parseConfigs(flags: ParsedFlags): Record<string, string> {
  const out: Record<string, string> = {}
  for (const c of flags.values('--config')) {
    const eq = c.indexOf('=')
    if (eq <= 0) throw new UsageError(`--config needs name=value, got '${c}'`)
    out[c.slice(0, eq)] = c.slice(eq + 1)
  }
  return out
}

/** true when the only failures of `err` carry `code` (e.g. --if-exists on an unknown topic). */
function onlyFailedWith(err: unknown, code: number): boolean {
  if (err instanceof ProtocolError) return err.errorCode === code
  return err instanceof AdminBatchError && err.errors.every((e) => e.error instanceof ProtocolError && e.error.errorCode === code)
}

function describeLines(t: TopicDescription, configs: ConfigDescription | undefined): string {
  const rf = t.partitions[0]?.replicas.length ?? 0
  const dynamic = (configs?.configs ?? [])
    .filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG')
    .map((c) => `${c.name}=${c.value ?? ''}`)
    .join(',')
  let out = `Topic: ${t.name}\tTopicId: ${t.topicId ?? ''}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${dynamic}\n`
  for (const p of t.partitions) {
    out += `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`
    if (p.offlineReplicas.length > 0) out += `\tOffline: ${p.offlineReplicas.join(',')}`
    out += '\n'
  }
  return out
}

async function describe(admin: Admin, flags: ParsedFlags, io: CommandIo): Promise<number> {
  const topic = flags.value('--topic')
  let topics: TopicDescription[]
  if (topic !== undefined) {
    try {
      topics = await admin.describeTopics([topic])
    } catch (err) {
      if (onlyFailedWith(err, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) {
        io.stderr.write(`Error: Topic '${topic}' does not exist as expected\n`)
        return 1
      }
      throw err
    }
  } else {
    topics = (await admin.describeTopics()).filter((t) => !(flags.has('--exclude-internal') && t.isInternal))
  }
  const configs = new Map<string, ConfigDescription>()
  if (topics.length > 0) {
    let described: ConfigDescription[]
    try {
      described = await admin.describeConfigs(topics.map((t) => ({ type: 'topic' as const, name: t.name })))
    } catch (err) {
      // a topic deleted meanwhile: show the others with their configs
      if (!(err instanceof AdminBatchError)) throw err
      described = (err as AdminBatchError<unknown, ConfigDescription>).values
    }
    for (const d of described) configs.set(d.name, d)
  }
  for (const t of topics) io.stdout.write(describeLines(t, configs.get(t.name)))
  return 0
}

async function topicsBody(flags: ParsedFlags, io: CommandIo): Promise<number> {
  const action = oneAction(flags, ACTIONS)
  const input = clientInput(flags)
  const needsTopic = action === '--create' || action === '--delete' || action === '--alter'
  const topic = needsTopic ? flags.required('--topic', ` with ${action}`) : undefined
  const partitions = flags.int('--partitions', 1)
  const replicationFactor = flags.int('--replication-factor', 1, 32767)
  if (action === '--alter' && partitions === undefined) throw new UsageError('--alter needs --partitions N')
  const configs = parseConfigs(flags)
  const admin = createAdmin(input)
  try {
    switch (action) {
      case '--list': {
        const names = await admin.listTopics({ includeInternal: !flags.has('--exclude-internal') })
        for (const name of names) io.stdout.write(`${name}\n`)
        return 0
      }
      case '--create': {
        try {
          await admin.createTopics([
            { name: topic!, numPartitions: partitions ?? -1, replicationFactor: replicationFactor ?? -1, configs },
          ])
        } catch (err) {
          if (flags.has('--if-not-exists') && onlyFailedWith(err, ErrorCode.TOPIC_ALREADY_EXISTS)) return 0
          throw err
        }
        io.stdout.write(`Created topic ${topic}.\n`)
        return 0
      }
      case '--describe':
        return await describe(admin, flags, io)
      case '--delete': {
        try {
          await admin.deleteTopics([topic!])
        } catch (err) {
          if (onlyFailedWith(err, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) {
            if (flags.has('--if-exists')) return 0
            io.stderr.write(`Error: Topic '${topic}' does not exist as expected\n`)
            return 1
          }
          throw err
        }
        return 0
      }
      case '--alter': {
        await admin.createPartitions({ [topic!]: partitions! })
        return 0
      }
    }
  } finally {
    await admin.close()
  }
}

/** Runs `kafkats topics ...`; resolves with the exit code. */
export function runTopicsCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand('topics', `usage:\n${TOPICS_USAGE}`, args, SPEC, io, (flags) => topicsBody(flags, io))
}
