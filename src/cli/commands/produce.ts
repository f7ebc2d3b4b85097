// `kafkats produce`: kafka-console-producer.sh for kafkats. Reads stdin line by line and sends
// each line as one record (key and value split at key.separator with parse.key=true) through the
// Producer, then flushes and closes. Called by src/cli/main.ts. Contract: exit 0 when every
// record was acknowledged; a failed record or a line without the separator prints an error on
// stderr and exits 1 (after the records before it were flushed); bad flags exit 2.
import { createInterface } from 'node:readline'
import { Kafka } from '../../client.js'
import { type ClientOptions, fromJavaProperties } from '../../client-options.js'
import type { ProducerOptions } from '../../producer/index.js'
import { clientInput, type CommandIo, type ParsedFlags, runCommand, UsageError } from './common.js'

export const PRODUCE_USAGE = `  kafkats produce --bootstrap-server H:P --topic T [--command-config FILE | --producer.config FILE]
      [--producer-property k=v]... [--property parse.key=true] [--property key.separator=:]
      [--property null.marker=M]
      sends each stdin line as a record (key and value split at key.separator, default TAB)`

const SPEC = {
  values: ['--topic', '--property', '--producer-property', '--producer.config'],
  switches: [],
}

/** --property k=v pairs (Kafka's LineMessageReader properties). */
function readerProperties(flags: ParsedFlags): Map<string, string> {
  const out = new Map<string, string>()
  for (const p of flags.values('--property')) {
    const eq = p.indexOf('=')
    if (eq <= 0) throw new UsageError(`--property needs name=value, got '${p}'`)
    out.set(p.slice(0, eq), p.slice(eq + 1))
  }
  return out
}

function producerProperties(flags: ParsedFlags): Record<string, unknown> {
  const lines = flags.values('--producer-property').map((p) => {
    if (p.indexOf('=') <= 0) throw new UsageError(`--producer-property needs name=value, got '${p}'`)
    return p
  })
  return lines.length === 0 ? {} : fromJavaProperties(lines.join('\n'))
}

async function produceBody(flags: ParsedFlags, io: CommandIo): Promise<number> {
  const topic = flags.required('--topic')
  const props = readerProperties(flags)
  const parseKey = props.get('parse.key')?.toLowerCase() === 'true'
  const separator = props.get('key.separator') ?? '\t'
  if (separator.length === 0) throw new UsageError('key.separator must not be empty')
  const nullMarker = props.get('null.marker')
  const input = { ...clientInput(flags, ['--command-config', '--producer.config']), ...producerProperties(flags) }
  const kafka = new Kafka(input as unknown as ClientOptions)
  const producer = kafka.producer(input as ProducerOptions)
  const stdin = io.stdin ?? process.stdin
  const prompt = (stdin as { isTTY?: boolean }).isTTY === true
  const lines = createInterface({ input: stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false })
  let failed = 0
  let lineNumber = 0
  let badLine: string | null = null
  const sends: Promise<unknown>[] = []
  try {
    if (prompt) io.stdout.write('>')
    for await (const line of lines) {
      lineNumber++
      let key: string | null = null
      let value: string | null = line
      if (parseKey) {
        const at = line.indexOf(separator)
        if (at < 0) {
          badLine = `No key separator found on line number ${lineNumber}: '${line}'`
          break
        }
        key = line.slice(0, at)
        value = line.slice(at + separator.length)
        if (nullMarker !== undefined && key === nullMarker) key = null
      }
      if (nullMarker !== undefined && value === nullMarker) value = null
      const size = value === null ? 0 : Buffer.byteLength(value)
      sends.push(
        producer.send({ topic, key, value }).catch((err: unknown) => {
          failed++
          io.stderr.write(
            `Error when sending message to topic ${topic} with key: ${key === null ? 'null' : `${Buffer.byteLength(key)} bytes`}, value: ${size} bytes with error: ${err instanceof Error ? err.message : String(err)}\n`,
          )
        }),
      )
      if (prompt) io.stdout.write('>')
    }
    await producer.flush()
    await Promise.all(sends)
  } finally {
    lines.close()
    await producer.close()
  }
  if (badLine !== null) {
    io.stderr.write(`Error: ${badLine}\n`)
    return 1
  }
  return failed === 0 ? 0 : 1
}

/** Runs `kafkats produce ...`; resolves with the exit code. */
export function runProduceCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand('produce', `usage:\n${PRODUCE_USAGE}`, args, SPEC, io, (flags) => produceBody(flags, io))
}
