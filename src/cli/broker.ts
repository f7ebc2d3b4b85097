// `kafkats broker`: runs the reference broker (test/fixtures/broker, shipped with the package) as a
// process, for tests that SIGKILL/SIGSTOP a real broker and for trying kafkats out. Called by
// src/cli/main.ts. Contract: the FIRST stdout line is the bootstrap list
// (127.0.0.1:9092,127.0.0.1:9093,...); it serves until SIGTERM/SIGINT, then closes the cluster and
// exits 0; bad flags print the usage on stderr and exit 2; a failed start exits 1.
import { startCluster, type StartClusterOptions } from '../../test/fixtures/broker/index.js'

export const BROKER_USAGE = `  kafkats broker [--nodes N] [--port P]
      run the reference broker: N nodes (default 1) on 127.0.0.1 ports P, P+1, ...
      (default 9092; 0 picks free ports). Prints the bootstrap list as its first
      stdout line and serves until SIGTERM or SIGINT.`

const MAX_NODES = 64

export interface BrokerCommandOptions {
  readonly nodes: number
  /** first node's port; 0 = a free port for every node */
  readonly port: number
}

export type BrokerArgs =
  | { readonly kind: 'run'; readonly options: BrokerCommandOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }

interface Io {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
}

function parseInteger(text: string | undefined, name: string, min: number, max: number): number | string {
  if (text === undefined || !/^\d+$/.test(text)) return `${name} needs an integer, got ${text ?? 'nothing'}`
  const n = Number(text)
  if (n < min || n > max) return `${name} must be between ${min} and ${max}, got ${text}`
  return n
}

/** Parse the flags after `kafkats broker` (`--nodes 3`, `--nodes=3`, `--port 0`, `--help`). */
export function parseBrokerArgs(args: readonly string[]): BrokerArgs {
  let nodes = 1
  let port = 9092
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--help' || arg === '-h') return { kind: 'help' }
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    let value: string | undefined
    if (flag === '--nodes' || flag === '--port') {
      value = flag === arg ? args[++i] : arg.slice(eq + 1)
    } else {
      return { kind: 'error', message: `unknown option '${arg}'` }
    }
    const parsed = flag === '--nodes' ? parseInteger(value, '--nodes', 1, MAX_NODES) : parseInteger(value, '--port', 0, 65535)
    if (typeof parsed === 'string') return { kind: 'error', message: parsed }
    if (flag === '--nodes') nodes = parsed
    else port = parsed
  }
  if (port !== 0 && port + nodes - 1 > 65535) {
    return { kind: 'error', message: `ports ${port}..${port + nodes - 1} exceed 65535` }
  }
  return { kind: 'run', options: { nodes, port } }
}

/** The fixed ports of the nodes, or undefined for free ports. */
export function nodePorts(options: BrokerCommandOptions): number[] | undefined {
  if (options.port === 0) return undefined
  return Array.from({ length: options.nodes }, (_, i) => options.port + i)
}

/** How many requests the served broker keeps in control.requests: it may run for days. */
export const REQUEST_LOG_LIMIT = 10_000

/** What `kafkats broker` asks startCluster for. */
export function brokerClusterOptions(options: BrokerCommandOptions): StartClusterOptions {
  const ports = nodePorts(options)
  return { nodes: options.nodes, requestLogLimit: REQUEST_LOG_LIMIT, ...(ports === undefined ? {} : { ports }) }
}

const CLOSE_TIMEOUT_MS = 10_000

/** `kafkats broker ...`: resolves with the exit code once the broker has closed. */
export async function runBrokerCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseBrokerArgs(args)
  if (parsed.kind === 'help') {
    io.stdout.write(`usage:\n${BROKER_USAGE}\n`)
    return 0
  }
  if (parsed.kind === 'error') {
    io.stderr.write(`kafkats broker: ${parsed.message}\n\nusage:\n${BROKER_USAGE}\n`)
    return 2
  }
  const { options } = parsed
  let cluster: Awaited<ReturnType<typeof startCluster>>
  try {
    cluster = await startCluster(brokerClusterOptions(options))
  } catch (err) {
    io.stderr.write(`kafkats broker: could not start: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
  // a second signal while closing ends the process at once
  const force = (): void => process.exit(1)
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal)
      process.off('SIGINT', onSignal)
      process.once('SIGTERM', force)
      process.once('SIGINT', force)
      resolve(signal)
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
  io.stdout.write(`${cluster.bootstrap}\n`)
  io.stderr.write(`kafkats broker: ${options.nodes} node(s) serving; SIGTERM or SIGINT stops\n`)
  const signal = await stopped
  io.stderr.write(`kafkats broker: ${signal}, closing\n`)
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS)
  })
  try {
    const outcome = await Promise.race([cluster.close().then(() => 'closed' as const), timedOut])
    if (outcome === 'timeout') {
      // something still holds the event loop: leave rather than hang
      io.stderr.write(`kafkats broker: close did not finish in ${CLOSE_TIMEOUT_MS} ms\n`)
      process.exit(1)
    }
    return 0
  } catch (err) {
    io.stderr.write(`kafkats broker: close failed: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  } finally {
    clearTimeout(timer)
    process.off('SIGTERM', force)
    process.off('SIGINT', force)
  }
}
