// Tests for `kafkats broker` (src/cli/broker.ts through src/cli/main.ts): flag parsing in
// process, and the real command as a child process (through tsx): the first stdout line is the
// bootstrap list, the nodes answer Kafka requests (a raw ApiVersions v0 and KafkaJS's
// describeCluster), SIGTERM/SIGINT close it with exit 0, SIGKILL leaves nothing listening,
// SIGSTOP freezes it until SIGCONT, and bad usage exits 2. Every child is killed at the end.
import assert from 'node:assert/strict'
import { createServer, type Server, Socket } from 'node:net'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { brokerClusterOptions, nodePorts, parseBrokerArgs, REQUEST_LOG_LIMIT } from '../../../src/cli/broker.js'
import { main } from '../../../src/cli/main.js'
import { createKafka } from '../../interop/helpers/kafkajs.js'
import { describeRun, type ManagedProcess, runProcess, startProcess, stopAll } from '../../interop/helpers/process.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url))
const CHILD_TIMEOUT_MS = 60_000
const LINE_TIMEOUT_MS = 30_000
const BOOTSTRAP_LINE = /^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$/

function cliArgs(args: readonly string[]): string[] {
  return ['--import', 'tsx', MAIN, ...args]
}

function startBroker(args: readonly string[]): ManagedProcess {
  return startProcess(process.execPath, { args: cliArgs(['broker', ...args]), timeoutMs: CHILD_TIMEOUT_MS, cwd: ROOT })
}

function portsOf(line: string): number[] {
  return line.split(',').map((hp) => Number(hp.slice(hp.lastIndexOf(':') + 1)))
}

/** Send ApiVersions v0 on `socket` and resolve with (correlation id, error code) of the answer. */
function askApiVersions(socket: Socket, correlationId: number): Promise<{ correlationId: number; errorCode: number }> {
  const frame = Buffer.alloc(14)
  frame.writeInt32BE(10, 0) // size
  frame.writeInt16BE(18, 4) // api key: ApiVersions
  frame.writeInt16BE(0, 6) // version 0
  frame.writeInt32BE(correlationId, 8)
  frame.writeInt16BE(-1, 12) // null client id
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk])
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        socket.off('data', onData)
        socket.off('error', reject)
        resolve({ correlationId: got.readInt32BE(4), errorCode: got.readInt16BE(8) })
      }
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.write(frame)
  })
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket()
    socket.once('error', reject)
    socket.connect(port, '127.0.0.1', () => {
      socket.off('error', reject)
      resolve(socket)
    })
  })
}

async function apiVersionsOk(port: number, correlationId: number): Promise<void> {
  const socket = await connect(port)
  try {
    assert.deepEqual(await askApiVersions(socket, correlationId), { correlationId, errorCode: 0 })
  } finally {
    socket.destroy()
  }
}

async function refused(port: number): Promise<boolean> {
  try {
    const socket = await connect(port)
    socket.destroy()
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ECONNREFUSED'
  }
}

function listen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(null))
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

/** Find `count` consecutive free ports (free when probed; the caller binds them right after). */
async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listen(0)
    assert.ok(first)
    const base = (first.address() as { port: number }).port
    const held: Server[] = [first]
    let ok = base + count - 1 <= 65535
    for (let i = 1; ok && i < count; i++) {
      const s = await listen(base + i)
      if (s) held.push(s)
      else ok = false
    }
    await Promise.all(held.map(closeServer))
    if (ok) return base
  }
  throw new Error(`no ${count} consecutive free ports found`)
}

class Sink {
  text = ''
  write(chunk: string): boolean {
    this.text += chunk
    return true
  }
}

async function runMain(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink()
  const stderr = new Sink()
  const code = await main(argv, { stdout, stderr })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('kafkats broker: arguments', () => {
  it('parses --nodes and --port in both spellings, with defaults', () => {
    assert.deepEqual(parseBrokerArgs([]), { kind: 'run', options: { nodes: 1, port: 9092 } })
    assert.deepEqual(parseBrokerArgs(['--nodes', '3', '--port', '0']), { kind: 'run', options: { nodes: 3, port: 0 } })
    assert.deepEqual(parseBrokerArgs(['--nodes=2', '--port=19092']), { kind: 'run', options: { nodes: 2, port: 19092 } })
    assert.deepEqual(parseBrokerArgs(['--help']), { kind: 'help' })
  })

  it('rejects unknown flags, missing and out-of-range values', () => {
    for (const args of [
      ['--bogus'],
      ['3'],
      ['--nodes'],
      ['--nodes', 'x'],
      ['--nodes', '0'],
      ['--nodes', '-1'],
      ['--nodes', '1.5'],
      ['--port', '65536'],
      ['--nodes', '3', '--port', '65534'],
      ['--port='],
    ]) {
      const parsed = parseBrokerArgs(args)
      assert.equal(parsed.kind, 'error', `${args.join(' ')} → ${JSON.stringify(parsed)}`)
    }
  })

  it('maps --port to consecutive node ports, or free ports for 0', () => {
    assert.deepEqual(nodePorts({ nodes: 3, port: 9092 }), [9092, 9093, 9094])
    assert.equal(nodePorts({ nodes: 3, port: 0 }), undefined)
  })

  it('bounds the served broker\'s request log', () => {
    assert.equal(REQUEST_LOG_LIMIT, 10_000)
    assert.deepEqual(brokerClusterOptions({ nodes: 2, port: 0 }), { nodes: 2, requestLogLimit: REQUEST_LOG_LIMIT })
    assert.deepEqual(brokerClusterOptions({ nodes: 2, port: 9092 }), { nodes: 2, requestLogLimit: REQUEST_LOG_LIMIT, ports: [9092, 9093] })
  })

  it('prints the usage on stderr and exits 2 for bad usage, on stdout with 0 for --help', async () => {
    for (const argv of [[], ['nope'], ['broker', '--bogus'], ['broker', '--nodes', 'zero']]) {
      const r = await runMain(argv)
      assert.equal(r.code, 2, `${argv.join(' ')}`)
      assert.match(r.stderr, /usage/)
      assert.equal(r.stdout, '')
    }
    for (const argv of [['--help'], ['broker', '--help']]) {
      const r = await runMain(argv)
      assert.equal(r.code, 0)
      assert.match(r.stdout, /kafkats broker/)
      assert.equal(r.stderr, '')
    }
  })
})

describe('kafkats broker: as a child process', { timeout: 180_000 }, () => {
  after(stopAll)

  it('prints the bootstrap list first, serves Kafka requests, and closes on SIGTERM with exit 0', async () => {
    const broker = startBroker(['--nodes', '3', '--port', '0'])
    const line = await broker.firstLine(LINE_TIMEOUT_MS)
    assert.match(line, BOOTSTRAP_LINE)
    const ports = portsOf(line)
    assert.equal(ports.length, 3)
    assert.equal(new Set(ports).size, 3)
    for (const [i, port] of ports.entries()) await apiVersionsOk(port, 100 + i)
    const { kafka, logTail } = createKafka(line.split(','), 'kafkats-cli-test')
    const admin = kafka.admin()
    try {
      await admin.connect()
      const described = await admin.describeCluster()
      const seen = described.brokers.map((b) => `${b.host}:${b.port}`).sort()
      assert.deepEqual(seen, line.split(',').sort(), logTail(50))
    } finally {
      await admin.disconnect()
    }
    const result = await broker.stop('SIGTERM', 15_000)
    assert.deepEqual([result.code, result.signal], [0, null], describeRun(result))
    for (const port of ports) assert.ok(await refused(port), `port ${port} closed after exit`)
  })

  it('uses consecutive fixed ports from --port and closes on SIGINT', async () => {
    const base = await freeConsecutivePorts(2)
    const broker = startBroker(['--nodes', '2', '--port', String(base)])
    const line = await broker.firstLine(LINE_TIMEOUT_MS)
    assert.equal(line, `127.0.0.1:${base},127.0.0.1:${base + 1}`)
    await apiVersionsOk(base + 1, 7)
    const result = await broker.stop('SIGINT', 15_000)
    assert.deepEqual([result.code, result.signal], [0, null], describeRun(result))
  })

  it('exits 1 with a message when a port is taken', async () => {
    const taken = await listen(0)
    assert.ok(taken)
    try {
      const port = (taken.address() as { port: number }).port
      const result = await runProcess(process.execPath, {
        args: cliArgs(['broker', '--port', String(port)]),
        timeoutMs: CHILD_TIMEOUT_MS,
        cwd: ROOT,
      })
      assert.equal(result.code, 1, describeRun(result))
      assert.equal(result.stdout, '')
      assert.match(result.stderr, /could not start/)
    } finally {
      await closeServer(taken)
    }
  })

  it('dies on SIGKILL leaving no port open', async () => {
    const broker = startBroker(['--nodes', '1', '--port', '0'])
    const line = await broker.firstLine(LINE_TIMEOUT_MS)
    const [port] = portsOf(line)
    await apiVersionsOk(port!, 1)
    const result = await broker.stop('SIGKILL')
    assert.equal(result.signal, 'SIGKILL')
    assert.ok(await refused(port!), 'nothing listens after SIGKILL')
  })

  it('answers nothing while SIGSTOPped and answers the pending request after SIGCONT', async () => {
    const broker = startBroker(['--nodes', '1', '--port', '0'])
    const line = await broker.firstLine(LINE_TIMEOUT_MS)
    const [port] = portsOf(line)
    const socket = await connect(port!)
    try {
      await askApiVersions(socket, 1)
      broker.signal('SIGSTOP')
      let answered = false
      const pending = askApiVersions(socket, 2).then((r) => {
        answered = true
        return r
      })
      // a stopped process cannot write: nothing may arrive while it is stopped
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.equal(answered, false)
      broker.signal('SIGCONT')
      assert.deepEqual(await pending, { correlationId: 2, errorCode: 0 })
    } finally {
      socket.destroy()
    }
    const result = await broker.stop('SIGTERM', 15_000)
    assert.deepEqual([result.code, result.signal], [0, null], describeRun(result))
  })

  it('rejects an unknown subcommand and an unknown flag with usage and exit code 2', async () => {
    for (const args of [['frobnicate'], ['broker', '--nodes', '2', '--colour']]) {
      const result = await runProcess(process.execPath, { args: cliArgs(args), timeoutMs: CHILD_TIMEOUT_MS, cwd: ROOT })
      assert.equal(result.code, 2, describeRun(result))
      assert.match(result.stderr, /usage:/)
      assert.equal(result.stdout, '')
    }
  })
})
