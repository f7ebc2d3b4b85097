// Shared plumbing of the console-tool commands (topics, produce, consume, groups): flag parsing in
// Kafka's style (`--flag value`, `--flag=value`, repeatable flags), client options from
// --bootstrap-server and --command-config, the Admin the admin commands use, and the exit-code
// contract: usage errors print the message and usage on stderr and give 2, runtime errors print
// "Error: ..." on stderr and give 1, --help prints the usage on stdout and gives 0.
import { readFileSync } from 'node:fs'
import { Admin, AdminBatchError } from '../../admin/index.js'
import { fromJavaProperties, resolveClientOptions } from '../../client-options.js'
import { Cluster } from '../../cluster/cluster.js'
import { ConfigError } from '../../errors.js'

/** Where a command reads and writes (process by default; tests pass collectors). */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
  readonly stdin?: NodeJS.ReadableStream
}

/** Bad flags or flag combinations: exit 2 with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface FlagSpec {
  /** flags taking a value (repeatable: every value is kept) */
  readonly values: readonly string[]
  /** flags without a value */
  readonly switches: readonly string[]
}

export class ParsedFlags {
  readonly #values: Map<string, string[]>
  readonly #switches: Set<string>

  constructor(values: Map<string, string[]>, switches: Set<string>) {
    this.#values = values
    this.#switches = switches
  }

  has(flag: string): boolean {
    return this.#switches.has(flag) || this.#values.has(flag)
  }

  /** the last value given for `flag` */
  value(flag: string): string | undefined {
    const list = this.#values.get(flag)
    return list === undefined ? undefined : list[list.length - 1]
  }

  values(flag: string): readonly string[] {
    return this.#values.get(flag) ?? []
  }

  required(flag: string, why = ''): string {
    const v = this.value(flag)
    if (v === undefined) throw new UsageError(`missing required option ${flag}${why}`)
    return v
  }

  /** an integer flag in [min, max], or undefined when absent */
  int(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.value(flag)
    if (v === undefined) return undefined
    if (!/^-?\d+$/.test(v)) throw new UsageError(`${flag} needs an integer, got '${v}'`)
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${v}`)
    return n
  }
}

const COMMON_VALUES = ['--bootstrap-server', '--command-config']

/** Parses `args` against `spec` (plus --bootstrap-server, --command-config and --help). */
export function parseFlags(args: readonly string[], spec: FlagSpec): ParsedFlags | 'help' {
  const valueFlags = new Set([...COMMON_VALUES, ...spec.values])
  const switchFlags = new Set(spec.switches)
  const values = new Map<string, string[]>()
  const switches = new Set<string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--help' || arg === '-h') return 'help'
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    if (valueFlags.has(flag)) {
      const value = flag === arg ? args[++i] : arg.slice(eq + 1)
      if (value === undefined) throw new UsageError(`option ${flag} needs a value`)
      const list = values.get(flag)
      if (list === undefined) values.set(flag, [value])
      else list.push(value)
    } else if (switchFlags.has(flag) && flag === arg) {
      switches.add(flag)
    } else {
      throw new UsageError(arg.startsWith('-') ? `unknown option '${arg}'` : `unexpected argument '${arg}'`)
    }
  }
  return new ParsedFlags(values, switches)
}

/** Exactly one of `actions` must be given; returns it. */
export function oneAction<T extends string>(flags: ParsedFlags, actions: readonly T[]): T {
  const given = actions.filter((a) => flags.has(a))
  if (given.length !== 1) throw new UsageError(`exactly one of ${actions.join(', ')} is required${given.length > 1 ? ` (got ${given.join(' ')})` : ''}`)
  return given[0]!
}

/** Client options from --bootstrap-server and the --command-config properties file. */
export function clientInput(flags: ParsedFlags, configFlags: readonly string[] = ['--command-config']): Record<string, unknown> {
  const bootstrap = flags.required('--bootstrap-server')
  let props: Record<string, unknown> = {}
  for (const flag of configFlags) {
    const path = flags.value(flag)
    if (path === undefined) continue
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      throw new UsageError(`cannot read ${flag} file '${path}': ${(err as Error).message}`)
    }
    props = { ...props, ...fromJavaProperties(text) }
  }
  return { clientId: 'kafkats-cli', ...props, bootstrapServers: bootstrap }
}

/** An Admin over its own Cluster (no auto-creation), with default.api.timeout.ms from the config. */
export function createAdmin(input: Record<string, unknown>): Admin {
  const resolved = resolveClientOptions(input)
  const timeout = input['defaultApiTimeoutMs']
  return new Admin(new Cluster({ ...resolved, allowAutoTopicCreation: false }), resolved, typeof timeout === 'number' ? { defaultApiTimeoutMs: timeout } : {})
}

/** One "Error: ..." line per failed item of an AdminBatchError, else the error's message. */
export function formatError(err: unknown): string {
  if (err instanceof AdminBatchError) return err.errors.map((e) => `Error: ${e.label}: ${e.error.message}\n`).join('')
  return `Error: ${err instanceof Error ? err.message : String(err)}\n`
}

/**
 * Runs a command body with the exit-code contract. `body` returns the exit code (0 normally);
 * UsageError and ConfigError (bad flags, bad --command-config values) give 2, anything else 1.
 */
export async function runCommand(
  name: string,
  usage: string,
  args: readonly string[],
  spec: FlagSpec,
  io: CommandIo,
  body: (flags: ParsedFlags) => Promise<number>,
): Promise<number> {
  let flags: ParsedFlags | 'help'
  try {
    flags = parseFlags(args, spec)
    if (flags === 'help') {
      io.stdout.write(`${usage}\n`)
      return 0
    }
    return await body(flags)
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr.write(`kafkats ${name}: ${err.message}\n\n${usage}\n`)
      return 2
    }
    io.stderr.write(formatError(err))
    return 1
  }
}

/** Left-aligned columns, Kafka's tools style: each column as wide as its widest cell plus a space. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 1)))
      .join('')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}
