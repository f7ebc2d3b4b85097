// The producer scenarios against librdkafka's mock cluster (../shared/peers/rdkafka-mock), a
// broker we did not write, in both flavours: Debian's 2.0.2 (no flexible versions: Produce v7,
// Metadata v2, InitProducerId v4; proves version negotiation downwards) and 2.15.1 "modern"
// (flexible Produce v10 / Metadata v12; proves our flexible encoding). Fault injection goes through
// the mock's stdin language. Records written with each compression codec are read back by kcat.
// Mock quirks honoured here: acks=0 still gets a response there (so acks=0 is not exercised), it
// lists no aborted transactions in Fetch (read_committed cannot be checked), the modern flavour
// writes transaction markers with a zero CRC (the read-back of that test skips CRC checks), and
// per-partition errors exist only in the modern flavour.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Kafka } from '../../src/client.js'
import { resolveClientOptions } from '../../src/client-options.js'
import { Cluster } from '../../src/cluster/cluster.js'
import { ClosedError, ProtocolError } from '../../src/errors.js'
import { DeliveryTimeoutError, type Producer, type ProducerOptions, type RecordMetadata } from '../../src/producer/index.js'
import { javaPartition } from '../../src/util/murmur2.js'
import { assertAckedExactlyOnceInOrder, readPartition, type StoredRecord } from '../integration/producer-helpers.js'
import { runKcat } from './helpers/kcat.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const RUN_SH = resolve(HERE, '../../../shared/peers/rdkafka-mock/run.sh')

type Flavor = 'debian' | 'modern'

/** One mock cluster process: bootstrap list, stdin commands, stop(). */
class MockCluster {
  readonly bootstrap: string
  readonly #child: ChildProcess
  readonly #lines: AsyncIterator<string>
  #exited: Promise<void>

  private constructor(child: ChildProcess, lines: AsyncIterator<string>, bootstrap: string, exited: Promise<void>) {
    this.#child = child
    this.#lines = lines
    this.bootstrap = bootstrap
    this.#exited = exited
  }

  static async start(flavor: Flavor, args: readonly string[]): Promise<MockCluster> {
    const env = { ...process.env, RDKAFKA_MOCK_FLAVOR: flavor }
    const child = spawn('bash', [RUN_SH, '-e', '-q', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env })
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000)
    })
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
    const first = await Promise.race([
      lines.next(),
      exited.then(() => ({ done: true, value: undefined }) as IteratorResult<string>),
      // a cold build of the modern flavour takes 1-2 minutes
      new Promise<IteratorResult<string>>((r) => setTimeout(() => r({ done: true, value: undefined }), 240_000).unref()),
    ])
    if (first.done || typeof first.value !== 'string' || !first.value.includes(':')) {
      child.kill('SIGKILL')
      throw new Error(`rdkafka mock (${flavor}) did not start: ${stderr}`)
    }
    return new MockCluster(child, lines, first.value.trim(), exited)
  }

  get brokers(): string[] {
    return this.bootstrap.split(',')
  }

  /** One stdin command; resolves with the reply, rejects on ERR. */
  async cmd(command: string): Promise<string> {
    this.#child.stdin!.write(`${command}\n`)
    const reply = await this.#lines.next()
    const text = reply.value ?? ''
    if (!text.startsWith('OK')) throw new Error(`mock: ${command} -> ${text}`)
    return text
  }

  async stop(): Promise<void> {
    this.#child.stdin!.end()
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 3000)
    await this.#exited
    clearTimeout(killer)
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

for (const flavor of ['debian', 'modern'] as const) {
  describe(`producer against librdkafka's mock cluster (${flavor})`, () => {
    let mock: MockCluster
    let kafka: Kafka
    let reader: Cluster
    const producers: Producer[] = []
    let topicSeq = 0

    before(async () => {
      mock = await MockCluster.start(flavor, ['-b', '3', '-t', 'probe:1'])
      const options = { clientId: `kafkats-mock-${flavor}`, bootstrapServers: mock.bootstrap, retryBackoffMs: 10, retryBackoffMaxMs: 100 }
      kafka = new Kafka(options)
      reader = new Cluster(resolveClientOptions(options))
      // fail fast (instead of every test waiting maxBlockMs) when we cannot even read metadata
      await reader.metadata.ensureTopics(['probe'], { timeoutMs: 10_000 })
    })

    after(async () => {
      for (const p of producers) await p.close({ timeoutMs: 0 }).catch(() => {})
      await reader?.close()
      await mock?.stop()
    })

    /** A fresh topic with leaders pinned to brokers 1..3 round-robin. */
    async function topic(partitions: number): Promise<string> {
      const name = `t${++topicSeq}-${flavor}`
      await mock.cmd(`topic ${name} ${partitions} 3`)
      for (let p = 0; p < partitions; p++) await mock.cmd(`leader ${name} ${p} ${(p % 3) + 1}`)
      return name
    }

    function producer(options: ProducerOptions = {}): Producer {
      const p = kafka.producer({ lingerMs: 1, maxBlockMs: 15_000, ...options })
      producers.push(p)
      return p
    }

    async function logs(name: string, partitions: number): Promise<Map<number, StoredRecord[]>> {
      const out = new Map<number, StoredRecord[]>()
      for (let p = 0; p < partitions; p++) out.set(p, await readPartition(reader, name, p))
      return out
    }

    it('happy path with callbacks; keyed records placed as the Java client places them', async () => {
      const name = await topic(3)
      const p = producer()
      const acked: Array<{ value: string; md: RecordMetadata }> = []
      let callbacks = 0
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const value = `h-${i}`
          return p
            .send({ topic: name, key: `key-${i % 11}`, value }, (err) => {
              assert.equal(err, null)
              callbacks++
            })
            .then((md) => acked.push({ value, md }))
        }),
      )
      assert.equal(callbacks, 200)
      for (const a of acked) assert.equal(a.md.partition, javaPartition(Buffer.from(`key-${Number(a.value.slice(2)) % 11}`), 3))
      await p.flush()
      assertAckedExactlyOnceInOrder(acked, await logs(name, 3))
    })

    for (const acks of [1, 'all'] as const) {
      it(`acks=${acks}`, async () => {
        const name = await topic(2)
        const p = producer({ acks })
        const mds = await Promise.all(Array.from({ length: 20 }, (_, i) => p.send({ topic: name, partition: i % 2, value: `a-${i}` })))
        assertAckedExactlyOnceInOrder(
          mds.map((md, i) => ({ value: `a-${i}`, md })),
          await logs(name, 2),
        )
      })
    }

    it('leader moves every 100 ms during an idempotent acks=all stream', async () => {
      const name = await topic(3)
      const p = producer({ batchSize: 512 })
      let round = 0
      const mover = setInterval(() => {
        round++
        for (let part = 0; part < 3; part++) mock.cmd(`leader ${name} ${part} ${((part + round) % 3) + 1}`).catch(() => {})
      }, 100)
      const acked: Array<{ value: string; md: RecordMetadata }> = []
      const failures: unknown[] = []
      try {
        for (let wave = 0; wave < 8; wave++) {
          await Promise.all(
            Array.from({ length: 40 }, (_, i) => {
              const n = wave * 40 + i
              const value = `m-${n}`
              return p.send({ topic: name, partition: n % 3, value }).then(
                (md) => acked.push({ value, md }),
                (err: unknown) => failures.push(err),
              )
            }),
          )
          await sleep(40)
        }
      } finally {
        clearInterval(mover)
      }
      await sleep(20) // let the last leader command's reply arrive before the next command
      assert.deepEqual(failures, [])
      assert.ok(round >= 3, `leaders moved ${round} times`)
      assertAckedExactlyOnceInOrder(acked, await logs(name, 3))
    })

    it('injected NOT_LEADER_OR_FOLLOWER, transport failure and REQUEST_TIMED_OUT: retried, exactly once', async () => {
      const name = await topic(1)
      const p = producer()
      await p.send({ topic: name, value: 'e-0' })
      await mock.cmd('errors Produce NOT_LEADER_OR_FOLLOWER _TRANSPORT REQUEST_TIMED_OUT NOT_ENOUGH_REPLICAS')
      const mds = await Promise.all(Array.from({ length: 10 }, (_, i) => p.send({ topic: name, value: `e-${i + 1}` })))
      const acked = mds.map((md, i) => ({ value: `e-${i + 1}`, md }))
      assertAckedExactlyOnceInOrder(acked, await logs(name, 1))
      assert.equal((await readPartition(reader, name, 0)).length, 11)
    })

    if (flavor === 'modern') {
      it('MESSAGE_TOO_LARGE on one partition fails only that batch', async () => {
        const name = await topic(2)
        await mock.cmd(`leader ${name} 1 1`)
        const p = producer({ lingerMs: 30 })
        await mock.cmd(`partition_errors ${name} 1 Produce MSG_SIZE_TOO_LARGE`) // librdkafka's name for MESSAGE_TOO_LARGE
        const ok = p.send({ topic: name, partition: 0, value: 's-0' })
        const bad = p.send({ topic: name, partition: 1, value: 's-1' })
        await p.flush()
        await assert.rejects(bad, (e: unknown) => e instanceof ProtocolError && e.errorName === 'MESSAGE_TOO_LARGE')
        assert.equal((await ok).offset, 0n)
      })
    }

    it('close during a full outage settles every promise', async () => {
      const name = await topic(2)
      const p = producer({ requestTimeoutMs: 200, lingerMs: 0 })
      await p.send({ topic: name, value: 'o-0' })
      await mock.cmd('down -1')
      try {
        const errors: unknown[] = []
        const sends = Array.from({ length: 10 }, (_, i) => p.send({ topic: name, partition: i % 2, value: `o-${i + 1}` }, (err) => errors.push(err)))
        await sleep(200)
        await p.close({ timeoutMs: 200 })
        const results = await Promise.allSettled(sends)
        assert.equal(errors.length, 10)
        assert.ok(results.every((r) => r.status === 'rejected' && (r.reason instanceof ClosedError || r.reason instanceof DeliveryTimeoutError)))
      } finally {
        await mock.cmd('up -1')
      }
    })

    it('transactions: commit and abort end with the coordinator, the batches are transactional', async () => {
      const name = await topic(1)
      const p = producer({ transactionalId: `tx-${flavor}`, lingerMs: 0 })
      await p.initTransactions()
      p.beginTransaction()
      await p.send({ topic: name, value: 'c-0' })
      await p.commitTransaction()
      p.beginTransaction()
      await p.send({ topic: name, value: 'a-0' })
      await p.abortTransaction()
      p.beginTransaction()
      await p.send({ topic: name, value: 'c-1' })
      await p.commitTransaction()
      // the mock stores both markers; read_uncommitted sees every data record in order
      assert.deepEqual(
        (await readPartition(reader, name, 0, 'read_uncommitted', { verifyCrc: false })).map((r) => r.value),
        ['c-0', 'a-0', 'c-1'],
      )
    })

    for (const compressionType of ['gzip', 'snappy', 'lz4'] as const) {
      it(`records compressed with ${compressionType} are read back by kcat`, async () => {
        const name = await topic(1)
        const p = producer({ compressionType, lingerMs: 20 })
        const values = Array.from({ length: 50 }, (_, i) => `${compressionType}-${i}-${'z'.repeat(i)}`)
        await Promise.all(values.map((value, i) => p.send({ topic: name, key: `k${i}`, value })))
        const run = await runKcat(['-b', mock.bootstrap, '-C', '-t', name, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n'], {
          timeoutMs: 20_000,
        })
        assert.deepEqual(
          run.stdout.trim().split('\n'),
          values.map((v, i) => `k${i}=${v}`),
        )
      })
    }
  })
}
