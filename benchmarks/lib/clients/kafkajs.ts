// KafkaJS 2.2.4 side of the benchmarks. acks=-1, idempotence off (KafkaJS forces one request in
// flight when idempotent), lz4 through the kafkajs-lz4 codec plugin (on the `lz4` package, the same
// one kafkats uses). Throughput hands KafkaJS arrays of records (its send() takes a message list;
// it has no linger/accumulator), BENCH_RIVAL_CHUNK records per call, BENCH_RIVAL_WINDOW calls in flight.
import { createRequire } from 'node:module'
import kafkajs, { type CompressionTypes, type Message } from 'kafkajs'
import { type BenchProducer, type ClientAdapter, type Compression, envInt, pumpChunks } from './types.js'

// KafkaJS is CommonJS: its named exports are read from the default export
const { CompressionCodecs, CompressionTypes: Types, Kafka, logLevel } = kafkajs
const require = createRequire(import.meta.url)
const version = String((require('kafkajs/package.json') as { version?: unknown }).version)

// kafkajs-lz4 replaces module.exports with its class (its typings describe an ES default export)
const LZ4Codec = require('kafkajs-lz4') as new () => { codec: (typeof CompressionCodecs)[CompressionTypes.LZ4] }
CompressionCodecs[Types.LZ4] = new LZ4Codec().codec

const CODEC: Record<Compression, CompressionTypes> = { none: Types.None, lz4: Types.LZ4 }

export const chunkSize = envInt('BENCH_RIVAL_CHUNK', 1000)
export const window = envInt('BENCH_RIVAL_WINDOW', 5)

export const adapter: ClientAdapter = {
  name: 'kafkajs',
  label: `kafkajs ${version}`,
  method: `send({ messages }) with ${chunkSize} records per call, ${window} calls in flight`,
  unsupported: () => null,
  open: async ({ bootstrap, topic, compression }): Promise<BenchProducer> => {
    const kafka = new Kafka({ clientId: 'kafkats-bench-kafkajs', brokers: bootstrap.split(','), logLevel: logLevel.ERROR })
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false })
    await producer.connect()
    const codec = CODEC[compression]
    return {
      send: (value, done) => {
        producer.send({ topic, acks: -1, compression: codec, messages: [{ value }] }).then(
          () => done(null),
          (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
        )
      },
      produceMany: (values, count) =>
        pumpChunks(count, chunkSize, window, (from, to) => {
          const messages: Message[] = new Array(to - from)
          for (let i = from; i < to; i++) messages[i - from] = { value: values[i % values.length] ?? null }
          return producer.send({ topic, acks: -1, compression: codec, messages })
        }),
      close: () => producer.disconnect(),
    }
  },
}
