// The producer interceptor chain (API.md): onSend runs in order and may replace the record;
// onAcknowledgement runs for every outcome (success and failure); close runs once. A throwing
// interceptor (or an onSend returning a non-record) is reported to the logger and the
// 'kafkats:producer:interceptor-error' channel and skipped: it never fails the send.
// Called synchronously by producer.ts; interceptors must be synchronous.
import { type Logger, safeLog } from '../network/logger.js'
import { type InterceptorErrorMessage, interceptorErrorChannel } from './diagnostics.js'
import type { DefaultKey, DefaultValue, ProducerRecord, RecordMetadata } from './types.js'

export interface ProducerInterceptor<K = DefaultKey, V = DefaultValue> {
  /** may return a replacement record; runs before serialization and partitioning */
  onSend?(record: ProducerRecord<K, V>): ProducerRecord<K, V>
  /** runs once per record: metadata on success, err on failure */
  onAcknowledgement?(metadata: RecordMetadata | null, err: Error | null): void
  close?(): void
}

export class InterceptorChain<K = DefaultKey, V = DefaultValue> {
  readonly #interceptors: readonly ProducerInterceptor<K, V>[]
  readonly #logger: Logger
  readonly #hasAck: boolean

  constructor(interceptors: readonly ProducerInterceptor<K, V>[], logger: Logger) {
    this.#interceptors = interceptors
    this.#logger = logger
    this.#hasAck = interceptors.some((i) => typeof i.onAcknowledgement === 'function')
  }

  get isEmpty(): boolean {
    return this.#interceptors.length === 0
  }

  /** true when some interceptor wants acknowledgements (lets the hot path skip the call). */
  get wantsAcknowledgements(): boolean {
    return this.#hasAck
  }

  onSend(record: ProducerRecord<K, V>): ProducerRecord<K, V> {
    let current = record
    const list = this.#interceptors
    for (let i = 0; i < list.length; i++) {
      const hook = list[i]!.onSend
      if (hook === undefined) continue
      try {
        const next: unknown = hook.call(list[i], current)
        if (typeof next !== 'object' || next === null) {
          this.#report('onSend', i, new TypeError(`interceptor ${i} onSend returned ${next === null ? 'null' : typeof next}`))
        } else {
          current = next as ProducerRecord<K, V>
        }
      } catch (err) {
        this.#report('onSend', i, err)
      }
    }
    return current
  }

  onAcknowledgement(metadata: RecordMetadata | null, err: Error | null): void {
    if (!this.#hasAck) return
    const list = this.#interceptors
    for (let i = 0; i < list.length; i++) {
      const hook = list[i]!.onAcknowledgement
      if (hook === undefined) continue
      try {
        hook.call(list[i], metadata, err)
      } catch (error) {
        this.#report('onAcknowledgement', i, error)
      }
    }
  }

  close(): void {
    const list = this.#interceptors
    for (let i = 0; i < list.length; i++) {
      const hook = list[i]!.close
      if (hook === undefined) continue
      try {
        hook.call(list[i])
      } catch (err) {
        this.#report('close', i, err)
      }
    }
  }

  #report(hook: InterceptorErrorMessage['hook'], index: number, error: unknown): void {
    safeLog(this.#logger, 'warn', `producer interceptor ${index} ${hook} threw; ignored`, { error })
    if (interceptorErrorChannel.hasSubscribers) {
      interceptorErrorChannel.publish({ hook, index, error } satisfies InterceptorErrorMessage)
    }
  }
}
