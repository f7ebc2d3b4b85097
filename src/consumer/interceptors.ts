// The consumer interceptor chain (API.md): onConsume runs in order before poll() returns and may
// replace the records; onCommit runs after every successful commit; close runs once. A throwing
// interceptor (or an onConsume returning something that is not ConsumerRecords) is reported to the
// logger and the 'kafkats:consumer:interceptor-error' channel and skipped: never fatal.
// Called synchronously by consumer.ts; interceptors must be synchronous.
import diagnostics from 'node:diagnostics_channel'
import { type Logger, safeLog } from '../network/logger.js'
import { ConsumerRecords } from './consumer-records.js'
import type { TopicPartitionMap } from './topic-partition-map.js'
import type { DefaultKey, DefaultValue, OffsetAndMetadata } from './types.js'

export interface ConsumerInterceptor<K = DefaultKey, V = DefaultValue> {
  /** may return replacement records; runs before poll() returns them */
  onConsume?(records: ConsumerRecords<K, V>): ConsumerRecords<K, V>
  /** the offsets a commit has just stored */
  onCommit?(offsets: TopicPartitionMap<OffsetAndMetadata>): void
  close?(): void
}

/** Published when an interceptor throws. */
export const consumerInterceptorErrorChannel = diagnostics.channel('kafkats:consumer:interceptor-error')

export interface ConsumerInterceptorErrorMessage {
  readonly hook: 'onConsume' | 'onCommit' | 'close'
  readonly index: number
  readonly error: unknown
}

export class ConsumerInterceptorChain<K = DefaultKey, V = DefaultValue> {
  readonly #interceptors: readonly ConsumerInterceptor<K, V>[]
  readonly #logger: Logger

  constructor(interceptors: readonly ConsumerInterceptor<K, V>[], logger: Logger) {
    this.#interceptors = interceptors
    this.#logger = logger
  }

  onConsume(records: ConsumerRecords<K, V>): ConsumerRecords<K, V> {
    let current = records
    for (let i = 0; i < this.#interceptors.length; i++) {
      const it = this.#interceptors[i]!
      if (typeof it.onConsume !== 'function') continue
      try {
        const next: unknown = it.onConsume(current)
        if (next instanceof ConsumerRecords) current = next as ConsumerRecords<K, V>
        else this.#report('onConsume', i, new TypeError(`interceptor ${i} onConsume did not return ConsumerRecords`))
      } catch (err) {
        this.#report('onConsume', i, err)
      }
    }
    return current
  }

  onCommit(offsets: TopicPartitionMap<OffsetAndMetadata>): void {
    for (let i = 0; i < this.#interceptors.length; i++) {
      const it = this.#interceptors[i]!
      if (typeof it.onCommit !== 'function') continue
      try {
        it.onCommit(offsets)
      } catch (err) {
        this.#report('onCommit', i, err)
      }
    }
  }

  close(): void {
    for (let i = 0; i < this.#interceptors.length; i++) {
      const it = this.#interceptors[i]!
      if (typeof it.close !== 'function') continue
      try {
        it.close()
      } catch (err) {
        this.#report('close', i, err)
      }
    }
  }

  #report(hook: ConsumerInterceptorErrorMessage['hook'], index: number, error: unknown): void {
    safeLog(this.#logger, 'warn', `consumer interceptor ${index} ${hook} threw; ignored`, { error: String(error) })
    if (consumerInterceptorErrorChannel.hasSubscribers) {
      const message: ConsumerInterceptorErrorMessage = { hook, index, error }
      consumerInterceptorErrorChannel.publish(message)
    }
  }
}
