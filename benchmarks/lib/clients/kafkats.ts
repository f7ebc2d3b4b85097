// kafkats side of the benchmarks, through the public facade (`new Kafka(...).producer(...)`, the
// same code `import { Kafka } from 'kafkats'` gives). acks 'all', idempotence off like the rivals
// (BENCH_KAFKATS_IDEMPOTENT=1 turns it on), the Java defaults otherwise (lingerMs 5, batchSize
// 16384) unless the job overrides lingerMs. Throughput calls send(record, callback) per record and
// keeps at most BENCH_KAFKATS_WINDOW records unacknowledged (the harness's stand-in for Java's
// blocking send()), then flush().
import { Kafka } from '../../../src/index.js'
import { type BenchProducer, type ClientAdapter, envInt } from './types.js'

export const window = envInt('BENCH_KAFKATS_WINDOW', 65_536)
const idempotent = process.env['BENCH_KAFKATS_IDEMPOTENT'] === '1'

export const adapter: ClientAdapter = {
  name: 'kafkats',
  label: 'kafkats (this tree)',
  method: `send(record, callback) per record, at most ${window} unacknowledged, then flush()`,
  unsupported: () => null,
  open: async ({ bootstrap, topic, compression, lingerMs }): Promise<BenchProducer> => {
    const kafka = new Kafka({ clientId: 'kafkats-bench', bootstrapServers: bootstrap })
    const producer = kafka.producer({
      acks: 'all',
      enableIdempotence: idempotent,
      compressionType: compression,
      ...(lingerMs === undefined ? {} : { lingerMs }),
    })
    await producer.connect()
    return {
      send: (value, done) => {
        producer.send({ topic, value }, (err) => done(err))
      },
      produceMany: (values, count) =>
        new Promise<void>((resolve, reject) => {
          let sent = 0
          let acked = 0
          let failed = false
          const low = window >>> 1
          const onAck = (err: Error | null): void => {
            acked++
            if (failed) return
            if (err !== null) {
              failed = true
              reject(err)
              return
            }
            if (acked === count) resolve()
            else if (sent < count && sent - acked <= low) pump()
          }
          const pump = (): void => {
            const limit = Math.min(count, acked + window)
            while (sent < limit) {
              const value = values[sent % values.length] ?? null
              sent++
              producer.send({ topic, value }, onAck)
            }
          }
          if (count === 0) resolve()
          else pump()
        }),
      close: () => producer.close(),
    }
  },
}
