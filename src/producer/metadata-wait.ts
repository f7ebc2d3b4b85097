// Sends waiting for their topic's metadata, per topic in send order: one refresh at a time per
// topic, retried with exponential backoff until the topic has partitions or the oldest send's
// maxBlockMs passes. Owned by producer.ts (send path, close, transaction abort and fatal errors).
// Invariants: a topic has a wait entry iff some send waits for it; sends leave in FIFO order.
import { ProtocolError } from '../errors.js'
import type { Clock, TimerHandle } from '../util/clock.js'
import type { ProducerCluster, ProducerTopicMetadata } from './cluster-port.js'
import type { ResolvedProducerOptions } from './options.js'
import type { PendingSend } from './pending-send.js'

interface MetadataWait {
  readonly sends: PendingSend[]
  fetching: boolean
  attempts: number
  timer: TimerHandle | undefined
}

export interface MetadataWaitsDeps {
  readonly cluster: ProducerCluster
  readonly clock: Clock
  readonly options: Pick<ResolvedProducerOptions<unknown, unknown>, 'maxBlockMs' | 'retryBackoffMs' | 'retryBackoffMaxMs'>
  /** no metadata fetch starts once the producer is closed */
  readonly isClosed: () => boolean
  /** the topic has partitions now: partition the send and reserve its memory */
  readonly onMetadata: (p: PendingSend, md: ProducerTopicMetadata) => void
}

export class MetadataWaits {
  readonly #d: MetadataWaitsDeps
  readonly #waits = new Map<string, MetadataWait>()

  constructor(deps: MetadataWaitsDeps) {
    this.#d = deps
  }

  /** Does some send wait for this topic's metadata? */
  has(topic: string): boolean {
    return this.#waits.has(topic)
  }

  /** Queues a send until its topic has partitions (or maxBlockMs passes); fetches metadata. */
  add(p: PendingSend): void {
    let wait = this.#waits.get(p.topic)
    if (wait === undefined) {
      wait = { sends: [], fetching: false, attempts: 0, timer: undefined }
      this.#waits.set(p.topic, wait)
    }
    wait.sends.push(p)
    this.#fetch(p.topic, wait)
  }

  #fetch(topic: string, wait: MetadataWait): void {
    if (wait.fetching || this.#d.isClosed()) return
    wait.fetching = true
    if (wait.timer !== undefined) this.#d.clock.clearTimeout(wait.timer)
    wait.timer = undefined
    this.#d.cluster.refreshMetadata([topic]).then(
      (codes) => this.#onMetadata(topic, wait, codes.get(topic) ?? 3, null),
      (err: unknown) => this.#onMetadata(topic, wait, -1, err),
    )
  }

  #onMetadata(topic: string, wait: MetadataWait, code: number, err: unknown): void {
    wait.fetching = false
    if (this.#waits.get(topic) !== wait) return // failed meanwhile (close, abort)
    const md = this.#d.cluster.topicMetadata(topic)
    if (md !== undefined && md.partitionCount > 0) {
      this.#waits.delete(topic)
      for (const p of wait.sends) if (!p.completion.settled) this.#d.onMetadata(p, md)
      return
    }
    const now = this.#d.clock.now()
    const protocolError = code > 0 ? new ProtocolError(code, `topic ${topic}`) : null
    const fatal = protocolError !== null && !protocolError.retriable
    let i = 0
    while (i < wait.sends.length) {
      const p = wait.sends[i]!
      if (fatal || p.memoryDeadlineMs <= now || p.completion.settled) {
        wait.sends.splice(i, 1)
        p.completion.fail(
          fatal
            ? protocolError
            : new ProtocolError(code > 0 ? code : 3, `topic ${topic} not present in metadata after maxBlockMs ${this.#d.options.maxBlockMs}`, {
                cause: err ?? undefined,
              }),
        )
      } else {
        i++
      }
    }
    const head = wait.sends[0]
    if (head === undefined) {
      this.#waits.delete(topic)
      return
    }
    const delay = Math.min(
      Math.min(this.#d.options.retryBackoffMs * 2 ** wait.attempts++, this.#d.options.retryBackoffMaxMs),
      Math.max(0, head.memoryDeadlineMs - now),
    )
    wait.timer = this.#d.clock.setTimeout(() => {
      wait.timer = undefined
      this.#fetch(topic, wait)
    }, delay)
  }

  /** Fails every waiting send (close, abort, fatal). */
  failAll(err: Error): void {
    for (const [topic, wait] of this.#waits) {
      this.#waits.delete(topic)
      if (wait.timer !== undefined) this.#d.clock.clearTimeout(wait.timer)
      for (const p of wait.sends) p.completion.fail(err)
    }
  }
}
