// The send loop's metadata refresher: collects topics whose leaders are unknown or were reported
// wrong and refreshes them in one request. Owned by sender.ts (loop and produce error paths).
// Invariants: at most one refresh on the wire and at most one per retryBackoffMs (no metadata
// storm while leaders move); topics of a failed refresh go back into the stale set.
import { type Logger, safeLog } from '../network/logger.js'
import type { Clock } from '../util/clock.js'
import type { ProducerCluster } from './cluster-port.js'

export interface MetadataRefreshDeps {
  readonly cluster: ProducerCluster
  readonly clock: Clock
  readonly logger: Logger
  readonly retryBackoffMs: number
  /** schedules a send-loop run */
  readonly wakeup: () => void
}

export class MetadataRefresh {
  readonly #d: MetadataRefreshDeps
  /** topics whose leaders a broker said are wrong: refreshed on the next loop */
  readonly staleTopics = new Set<string>()
  #metadataRequest = false
  #metadataRetryAtMs = 0

  constructor(deps: MetadataRefreshDeps) {
    this.#d = deps
  }

  /** Is a refresh on the wire? */
  get inFlight(): boolean {
    return this.#metadataRequest
  }

  /** Not before this clock time may the next refresh go out. */
  get retryAtMs(): number {
    return this.#metadataRetryAtMs
  }

  /** Refreshes every stale topic unless a refresh is on the wire or its backoff has not passed. */
  refresh(now: number): void {
    if (this.#metadataRequest || now < this.#metadataRetryAtMs) return
    this.#metadataRequest = true
    const topics = [...this.staleTopics]
    this.staleTopics.clear()
    const done = () => {
      this.#metadataRequest = false
      // at most one refresh per retryBackoffMs: no metadata storm while leaders move
      this.#metadataRetryAtMs = this.#d.clock.now() + this.#d.retryBackoffMs
      this.#d.wakeup()
    }
    this.#d.cluster.refreshMetadata(topics).then(done, (err: unknown) => {
      safeLog(this.#d.logger, 'warn', 'metadata refresh failed', { error: err, topics })
      for (const t of topics) this.staleTopics.add(t)
      done()
    })
  }
}
