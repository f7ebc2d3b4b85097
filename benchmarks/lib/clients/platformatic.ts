// @platformatic/kafka side of the benchmarks. acks=-1 (ProduceAcks.ALL), idempotence off (it
// forces maxInflights=1 when idempotent), lz4 through its own WebAssembly codec. Throughput hands
// it arrays of records (its send() takes a message list and has no linger/accumulator),
// BENCH_RIVAL_CHUNK records per call, BENCH_RIVAL_WINDOW calls in flight.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { type MessageToProduce, ProduceAcks, Producer } from '@platformatic/kafka'
import { type BenchProducer, type ClientAdapter, envInt, pumpChunks } from './types.js'

const require = createRequire(import.meta.url)
// the package does not export ./package.json: read it next to its resolved entry point
function packageVersion(): string {
  let dir = dirname(require.resolve('@platformatic/kafka'))
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && 'name' in pkg && pkg.name === '@platformatic/kafka')
        return String(pkg.version)
    } catch {
      // not here: go up
    }
  }
  return 'unknown'
}
const version = packageVersion()

export const chunkSize = envInt('BENCH_RIVAL_CHUNK', 1000)
export const window = envInt('BENCH_RIVAL_WINDOW', 5)

// @platformatic/kafka 2.x declares Node >= 22.22; on the path measured here the only newer API it
// calls is Promise.withResolvers (Node 22). On older Node, supply the standard behaviour.
interface WithResolvers {
  withResolvers?: unknown
}
if (typeof (Promise as WithResolvers).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (v: T | PromiseLike<T>) => void
      let reject!: (e: unknown) => void
      const promise = new Promise<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
}
const polyfilled = Number(process.versions.node.split('.')[0]) < 22

type Msg = MessageToProduce<Buffer, Buffer, Buffer, Buffer>

export const adapter: ClientAdapter = {
  name: 'platformatic',
  label: `@platformatic/kafka ${version}`,
  method: `send({ messages }) with ${chunkSize} records per call, ${window} calls in flight`,
  ...(polyfilled
    ? { notes: `declares Node >= 22.22; run on Node ${process.versions.node} with Promise.withResolvers polyfilled` }
    : {}),
  unsupported: () => null,
  open: async ({ bootstrap, topic, compression }): Promise<BenchProducer> => {
    const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      clientId: 'kafkats-bench-platformatic',
      bootstrapBrokers: bootstrap.split(','),
      acks: ProduceAcks.ALL,
      idempotent: false,
      compression,
      autocreateTopics: false,
    })
    await producer.metadata({ topics: [topic] })
    return {
      send: (value, done) => {
        producer.send({ messages: [{ topic, value }] }).then(
          () => done(null),
          (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
        )
      },
      produceMany: (values, count) =>
        pumpChunks(count, chunkSize, window, (from, to) => {
          const messages: Msg[] = new Array(to - from)
          for (let i = from; i < to; i++) messages[i - from] = { topic, value: values[i % values.length] }
          return producer.send({ messages })
        }),
      close: () => producer.close(),
    }
  },
}
