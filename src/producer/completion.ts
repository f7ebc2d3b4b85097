// One send()'s outcome: a promise and an optional callback served by the same settle call, so
// they settle exactly once and together. With a callback, the promise gets a handler attached
// so a failure never becomes an unhandled rejection. Created by producer.ts, settled by the
// sender / accumulator / producer; the sink (the producer) hears every settlement.
import { type Logger, safeLog } from '../network/logger.js'
import type { RecordMetadata, SendCallback } from './types.js'

/** Told about every settlement (flush bookkeeping, interceptors). */
export interface CompletionSink {
  onSettled(completion: SendCompletion, metadata: RecordMetadata | null, err: Error | null): void
}

function noop(): void {}

export class SendCompletion {
  readonly promise: Promise<RecordMetadata>
  readonly topic: string
  readonly serializedKeySize: number
  readonly serializedValueSize: number
  #resolve!: (md: RecordMetadata) => void
  #reject!: (err: Error) => void
  #callback: SendCallback | null
  #sink: CompletionSink | null
  #logger: Logger
  #settled = false

  constructor(
    topic: string,
    keySize: number,
    valueSize: number,
    callback: SendCallback | null,
    sink: CompletionSink | null,
    logger: Logger,
  ) {
    this.topic = topic
    this.serializedKeySize = keySize
    this.serializedValueSize = valueSize
    this.#callback = callback
    this.#sink = sink
    this.#logger = logger
    this.promise = new Promise<RecordMetadata>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    if (callback !== null) this.promise.catch(noop)
  }

  get settled(): boolean {
    return this.#settled
  }

  /** Settles with success; false if already settled. */
  succeed(partition: number, offset: bigint, timestamp: number): boolean {
    if (this.#settled) return false
    this.#settled = true
    const md: RecordMetadata = {
      topic: this.topic,
      partition,
      offset,
      timestamp,
      serializedKeySize: this.serializedKeySize,
      serializedValueSize: this.serializedValueSize,
    }
    this.#sink?.onSettled(this, md, null)
    this.#resolve(md)
    this.#runCallback(null, md)
    return true
  }

  /** Settles with an error; false if already settled. */
  fail(err: Error): boolean {
    if (this.#settled) return false
    this.#settled = true
    this.#sink?.onSettled(this, null, err)
    this.#reject(err)
    this.#runCallback(err, null)
    return true
  }

  #runCallback(err: Error | null, md: RecordMetadata | null): void {
    const cb = this.#callback
    if (cb === null) return
    this.#callback = null
    try {
      cb(err, md)
    } catch (error) {
      // a throwing user callback must not break the sender loop
      safeLog(this.#logger, 'error', 'producer send callback threw', { error })
    }
  }
}
