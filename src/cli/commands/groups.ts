// `kafkats groups`: kafka-consumer-groups.sh for kafkats (--list, --describe [--members|--state],
// --reset-offsets, --delete) over the Admin client, with Kafka's table formats. Called by
// src/cli/main.ts. Contract: offsets are reset only for an inactive group and only with
// --execute (otherwise a dry run with a warning); an unknown group is an error (exit 1).
import type { Admin, GroupDescription, TopicPartition } from '../../admin/index.js'
import { AdminBatchError } from '../../admin/index.js'
import { ProtocolError } from '../../errors.js'
import { ErrorCode } from '../../protocol/generated/error-table.js'
import { clientInput, type CommandIo, createAdmin, formatTable, oneAction, type ParsedFlags, runCommand, UsageError } from './common.js'

export const GROUPS_USAGE = `  kafkats groups --bootstrap-server H:P [--command-config FILE]
      --list
    | --describe --group G [--members | --state]
    | --reset-offsets --group G --topic T[:P,P...] (--to-earliest | --to-latest | --to-offset N)
        [--execute | --dry-run]
    | --delete --group G`

const SPEC = {
  values: ['--group', '--topic', '--to-offset'],
  switches: ['--list', '--describe', '--reset-offsets', '--delete', '--members', '--state', '--to-earliest', '--to-latest', '--execute', '--dry-run'],
}

const ACTIONS = ['--list', '--describe', '--reset-offsets', '--delete'] as const

const dash = (v: string | bigint | number | null | undefined): string => (v === null || v === undefined || v === '' ? '-' : String(v))

function notFound(err: unknown): boolean {
  const e = err instanceof AdminBatchError ? err.errors[0]?.error : err
  return e instanceof ProtocolError && e.errorCode === ErrorCode.GROUP_ID_NOT_FOUND
}

/** The group's description, or null when it does not exist. */
async function describeOne(admin: Admin, group: string): Promise<GroupDescription | null> {
  try {
    const [d] = await admin.describeGroups([group])
    return d ?? null
  } catch (err) {
    if (notFound(err)) return null
    throw err
  }
}

async function describe(admin: Admin, group: string, flags: ParsedFlags, io: CommandIo): Promise<number> {
  const d = await describeOne(admin, group)
  if (d === null) {
    io.stderr.write(`Error: Consumer group '${group}' does not exist.\n`)
    return 1
  }
  if (d.state === 'PreparingRebalance' || d.state === 'CompletingRebalance') io.stderr.write(`Warning: Consumer group '${group}' is rebalancing.\n`)
  if (flags.has('--state')) {
    const coordinator = `${d.coordinator.host}:${d.coordinator.port} (${d.coordinator.nodeId})`
    io.stdout.write(`\n${formatTable(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], [[group, coordinator, dash(d.protocol), d.state, String(d.members.length)]])}`)
    return 0
  }
  if (flags.has('--members')) {
    if (d.members.length === 0) io.stdout.write(`\nConsumer group '${group}' has no active members.\n`)
    const rows = d.members.map((m) => [group, m.memberId, m.clientHost, m.clientId, String(m.assignment.length)])
    io.stdout.write(`\n${formatTable(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'], rows)}`)
    return 0
  }
  const lag = await admin.consumerGroupLag(group)
  if (d.members.length === 0) io.stdout.write(`\nConsumer group '${group}' has no active members.\n`)
  const rows = lag.map((l) => [group, l.topic, String(l.partition), dash(l.committedOffset), dash(l.endOffset), dash(l.lag), dash(l.memberId), dash(l.host), dash(l.clientId)])
  io.stdout.write(`\n${formatTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows)}`)
  return 0
}

/** `T` (every partition) or `T:0,2`. */
async function partitionsOf(admin: Admin, spec: string): Promise<TopicPartition[]> {
  const colon = spec.lastIndexOf(':')
  if (colon > 0) {
    const topic = spec.slice(0, colon)
    const list = spec.slice(colon + 1).split(',')
    if (!list.every((p) => /^\d+$/.test(p))) throw new UsageError(`--topic ${spec}: partitions must be numbers (T:0,1,2)`)
    return list.map((p) => ({ topic, partition: Number(p) }))
  }
  const [t] = await admin.describeTopics([spec])
  return (t?.partitions ?? []).map((p) => ({ topic: spec, partition: p.partition }))
}

async function resetOffsets(admin: Admin, group: string, flags: ParsedFlags, io: CommandIo): Promise<number> {
  const to = oneAction(flags, ['--to-earliest', '--to-latest', '--to-offset'] as const)
  const target = to === '--to-offset' ? flags.int('--to-offset', 0) : undefined
  const topics = flags.values('--topic')
  if (topics.length === 0) throw new UsageError('--reset-offsets needs --topic T')
  if (flags.has('--execute') && flags.has('--dry-run')) throw new UsageError('--execute and --dry-run exclude each other')
  const d = await describeOne(admin, group)
  if (d !== null && d.state !== 'Empty') {
    io.stderr.write(`Error: Assignments can only be reset if the group '${group}' is inactive, but the current state is ${d.state}.\n`)
    return 1
  }
  const partitions = (await Promise.all(topics.map((t) => partitionsOf(admin, t)))).flat()
  const earliest = await admin.listOffsets(partitions.map((tp) => ({ ...tp, spec: 'earliest' as const })))
  const latest = await admin.listOffsets(partitions.map((tp) => ({ ...tp, spec: 'latest' as const })))
  const changes = partitions.map((tp, i) => {
    const low = earliest[i]!.offset
    const high = latest[i]!.offset
    let offset = to === '--to-earliest' ? low : to === '--to-latest' ? high : BigInt(target!)
    if (offset < low) {
      io.stderr.write(`WARN: New offset (${offset}) is lower than earliest offset for topic partition ${tp.topic}-${tp.partition}. Value will be set to ${low}\n`)
      offset = low
    } else if (offset > high) {
      io.stderr.write(`WARN: New offset (${offset}) is higher than latest offset for topic partition ${tp.topic}-${tp.partition}. Value will be set to ${high}\n`)
      offset = high
    }
    return { ...tp, offset }
  })
  if (flags.has('--execute')) await admin.alterConsumerGroupOffsets(group, changes)
  else if (!flags.has('--dry-run')) io.stderr.write('WARN: No action will be performed as the --execute option is missing. Add --execute to reset the offsets, or --dry-run to only show them.\n')
  const rows = changes.map((c) => [group, c.topic, String(c.partition), String(c.offset)])
  io.stdout.write(`\n${formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows)}`)
  return 0
}

async function groupsBody(flags: ParsedFlags, io: CommandIo): Promise<number> {
  const action = oneAction(flags, ACTIONS)
  const input = clientInput(flags)
  const group = action === '--list' ? undefined : flags.required('--group', ` with ${action}`)
  const admin = createAdmin(input)
  try {
    switch (action) {
      case '--list': {
        const groups = await admin.listGroups()
        for (const g of groups) if (g.protocolType === 'consumer' || g.protocolType === '') io.stdout.write(`${g.groupId}\n`)
        return 0
      }
      case '--describe':
        return await describe(admin, group!, flags, io)
      case '--reset-offsets':
        return await resetOffsets(admin, group!, flags, io)
      case '--delete': {
        try {
          await admin.deleteGroups([group!])
        } catch (err) {
          const e = err instanceof AdminBatchError ? err.errors[0]?.error : err
          if (!(e instanceof ProtocolError)) throw err
          const why = e.errorCode === ErrorCode.NON_EMPTY_GROUP ? 'The group is not empty.' : e.errorCode === ErrorCode.GROUP_ID_NOT_FOUND ? 'The group id does not exist.' : e.message
          io.stderr.write(`Error: Deletion of some consumer groups failed:\n* Group '${group}' could not be deleted due to: ${e.errorName}: ${why}\n`)
          return 1
        }
        io.stdout.write(`Deletion of requested consumer groups ('${group}') was successful.\n`)
        return 0
      }
    }
  } finally {
    await admin.close()
  }
}

/** Runs `kafkats groups ...`; resolves with the exit code. */
export function runGroupsCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand('groups', `usage:\n${GROUPS_USAGE}`, args, SPEC, io, (flags) => groupsBody(flags, io))
}
