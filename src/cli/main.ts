#!/usr/bin/env node
// The `kafkats` command (the package's bin): dispatches the console-tool subcommands (topics,
// produce, consume, groups: src/cli/commands/) and `broker` (src/cli/broker.ts). Contract:
// usage errors print the usage on stderr and exit 2; `--help` prints it on stdout and exits 0.
// main() is exported for in-process tests and runs itself only when this file is the entry point.
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { BROKER_USAGE, runBrokerCommand } from './broker.js'
import { CONSUME_USAGE, runConsumeCommand } from './commands/consume.js'
import { GROUPS_USAGE, runGroupsCommand } from './commands/groups.js'
import { PRODUCE_USAGE, runProduceCommand } from './commands/produce.js'
import { runTopicsCommand, TOPICS_USAGE } from './commands/topics.js'

export const USAGE = `usage: kafkats <command> [options]

commands:
${BROKER_USAGE}
${TOPICS_USAGE}
${PRODUCE_USAGE}
${CONSUME_USAGE}
${GROUPS_USAGE}

  kafkats <command> --help   show a command's options
`

/** Where a command writes (process by default; tests pass collectors). */
export interface CliIo {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
}

/** Run the command line `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = process): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined) {
    io.stderr.write(USAGE)
    return 2
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE)
    return 0
  }
  if (command === 'broker') return runBrokerCommand(rest, io)
  if (command === 'topics') return runTopicsCommand(rest, io)
  if (command === 'produce') return runProduceCommand(rest, io)
  if (command === 'consume') return runConsumeCommand(rest, io)
  if (command === 'groups') return runGroupsCommand(rest, io)
  io.stderr.write(`kafkats: unknown command '${command}'\n\n${USAGE}`)
  return 2
}

function isEntryPoint(): boolean {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`kafkats: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exitCode = 1
    },
  )
}
