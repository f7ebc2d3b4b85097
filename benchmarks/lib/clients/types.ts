// The contract between the benchmark worker and one client library: open a producer for a topic
// with acks=all and a compression, send single records (latency) or many (throughput), close.
// Implemented by kafkats.ts, kafkajs.ts and platformatic.ts; used by ../worker.ts. Invariant: a
// producer never chooses partitions itself: each library's own partitioner spreads keyless records.

export type Compression = 'none' | 'lz4'

export const CLIENT_NAMES = ['kafkats', 'kafkajs', 'platformatic'] as const
export type ClientName = (typeof CLIENT_NAMES)[number]

export interface OpenOptions {
  readonly bootstrap: string
  readonly topic: string
  readonly compression: Compression
  /** linger override for clients that batch on a timer (kafkats); others ignore it */
  readonly lingerMs?: number
}

export interface BenchProducer {
  /** send one record (value only, no key); `done` runs once, when it is acked or failed */
  send(value: Buffer, done: (err: Error | null) => void): void
  /** produce `count` records cycling through `values`; resolves when every record is acked */
  produceMany(values: readonly Buffer[], count: number): Promise<void>
  close(): Promise<void>
}

export interface ClientAdapter {
  readonly name: ClientName
  /** library name and version, for the report */
  readonly label: string
  /** how records are handed to the library in produceMany (for the report) */
  readonly method: string
  /** anything a reader of the results must know (e.g. a polyfill) */
  readonly notes?: string
  /** null when the compression works with this library, else why it cannot be measured */
  unsupported(compression: Compression): string | null
  open(o: OpenOptions): Promise<BenchProducer>
}

/** env integer with a default (benchmark knobs) */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive integer, got '${raw}'`)
  return n
}

/**
 * Drive chunked sends (for libraries whose send takes an array): chunks of `chunkSize` records,
 * at most `window` chunks in flight. Resolves when all are acked; rejects on the first failure.
 */
export function pumpChunks(
  count: number,
  chunkSize: number,
  window: number,
  sendChunk: (from: number, to: number) => Promise<unknown>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0
    let inFlight = 0
    let failed = false
    const onDone = (): void => {
      inFlight--
      if (failed) return
      if (next >= count && inFlight === 0) resolve()
      else pump()
    }
    const onFail = (err: unknown): void => {
      if (failed) return
      failed = true
      reject(err instanceof Error ? err : new Error(String(err)))
    }
    const pump = (): void => {
      while (!failed && inFlight < window && next < count) {
        const from = next
        const to = Math.min(count, from + chunkSize)
        next = to
        inFlight++
        sendChunk(from, to).then(onDone, onFail)
      }
    }
    if (count === 0) resolve()
    else pump()
  })
}
