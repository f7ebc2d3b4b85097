// Metadata the consumer's subscription needs beyond what it names: the topics a group leader must
// know before assigning (MemberHost.refreshTopics), and the topics a RegExp subscription matches,
// listed again every metadataMaxAgeMs (Java's pattern subscription). Owned by consumer.ts, which
// calls maybeRefreshPattern() from poll(). Invariants: one topic listing at a time; a change of
// the matched set updates the subscription and asks the group for a rejoin; errors are logged.
import type { Cluster } from '../cluster/cluster.js'
import { type Logger, safeLog } from '../network/logger.js'
import type { Clock } from '../util/clock.js'
import type { SubscriptionState } from './subscription-state.js'

export interface TopicDiscoveryOptions {
  readonly excludeInternalTopics: boolean
  readonly retryBackoffMs: number
}

export class TopicDiscovery {
  readonly #cluster: Cluster
  readonly #subs: SubscriptionState
  readonly #o: TopicDiscoveryOptions
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #onMatchedChange: (reason: string) => void
  #nextPatternRefreshMs = 0
  #patternRefresh: Promise<void> | null = null

  constructor(
    cluster: Cluster,
    subs: SubscriptionState,
    options: TopicDiscoveryOptions,
    clock: Clock,
    logger: Logger,
    onMatchedChange: (reason: string) => void,
  ) {
    this.#cluster = cluster
    this.#subs = subs
    this.#o = options
    this.#clock = clock
    this.#logger = logger
    this.#onMatchedChange = onMatchedChange
  }

  /** Adds the topics to metadata and waits for a refresh (never rejects). */
  async refreshTopics(topics: ReadonlySet<string>): Promise<void> {
    this.#cluster.metadata.addTopics(topics)
    try {
      await this.#cluster.metadata.refresh()
    } catch (err) {
      safeLog(this.#logger, 'warn', 'metadata refresh for the group assignment failed', { error: String(err) })
    }
  }

  /** A new pattern: list topics at the next poll(). */
  refreshPatternSoon(): void {
    this.#nextPatternRefreshMs = 0
  }

  async maybeRefreshPattern(): Promise<void> {
    const now = this.#clock.now()
    if (now < this.#nextPatternRefreshMs && this.#patternRefresh === null) return
    this.#patternRefresh ??= (async () => {
      try {
        const all = await this.#cluster.metadata.fetchAllTopics()
        const pattern = this.#subs.pattern
        if (pattern === null) return
        const matched = all
          .filter((t) => !(this.#o.excludeInternalTopics && t.isInternal))
          .map((t) => t.name)
          .filter((name) => {
            pattern.lastIndex = 0
            return pattern.test(name)
          })
        this.#nextPatternRefreshMs = this.#clock.now() + this.#cluster.options.metadataMaxAgeMs
        if (this.#subs.setMatchedTopics(matched)) {
          this.#cluster.metadata.addTopics(matched)
          this.#onMatchedChange('the topics matching the subscription pattern changed')
        }
      } catch (err) {
        this.#nextPatternRefreshMs = this.#clock.now() + this.#o.retryBackoffMs
        safeLog(this.#logger, 'warn', 'listing topics for the pattern subscription failed', { error: String(err) })
      } finally {
        this.#patternRefresh = null
      }
    })()
    await this.#patternRefresh
  }
}
