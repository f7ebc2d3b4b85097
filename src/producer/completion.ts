// One send()'s outcome: a promise and an optional callback served by the same settle call, so
// they settle exactly once and together. With a callback, the promise gets a handler attached
// just before it is rejected, so a failure never becomes an unhandled rejection (and a success
// costs no extra promise or microtask). Created by producer.ts, settled by the sender /
// accumulator / producer; the sink (the producer) hears every settlement.
import { type Logger, safeLog } from '../network/logger.js'
import type { RecordMetadata, SendCallback } from './types.js'

/** Told about every settlement (flush bookkeeping, interceptors). */
export interface CompletionSink {
  onSettled(completion: SendCompletion, metadata: RecordMetadata | null, err: Error | null): void
}

function noop(): void {}

// The promise executor runs synchronously inside `new Promise`: one shared function hands the
// resolving functions over through these slots, so a send allocates no executor closure.
let nextResolve: ((md: RecordMetadata) => void) | null = null
let nextReject: ((err: Error) => void) | null = null
function captureResolvers(resolve: (md: RecordMetadata) => void, reject: (err: Error) => void): void {
  nextResolve = resolve
  nextReject = reject
}

export class SendCompletion {
  readonly promise: Promise<RecordMetadata>
  readonly topic: string
  readonly serializedKeySize: number
  readonly serializedValueSize: number
  readonly #resolve: (md: RecordMetadata) => void
  readonly #reject: (err: Error) => void
  #callback: SendCallback | null
  #sink: CompletionSink | null
  #logger: Logger
  #settled = false
  /** @internal the producer's unsettled-send list (send order); seq 0: not tracked */
  seq = 0
  olderUnsettled: SendCompletion | null = null
  newerUnsettled: SendCompletion | null = null

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
    this.promise = new Promise<RecordMetadata>(captureResolvers)
    this.#resolve = nextResolve!
    this.#reject = nextReject!
    nextResolve = null
    nextReject = null
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
    // the callback is the caller's handler: the unobserved promise must not count as unhandled
    if (this.#callback !== null) this.promise.catch(noop)
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
