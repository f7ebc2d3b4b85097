// Per-item outcomes of multi-item admin calls (Java's per-item futures): the retry loop that runs
// rounds over the still-pending items, and AdminBatchError, which a call rejects with when any item
// failed. Called by topics/configs/groups/offsets. Invariants: every input item gets exactly one
// outcome, in input order; items are retried only while their last verdict asked for it and the
// call's deadline allows (then they fail with their last error); errors not tied to an item
// (AbortError, ClosedError, non-retriable request failures) reject the whole call unchanged.
import type { Cluster } from '../cluster/cluster.js'
import { AbortError, ClosedError, KafkaClientError, RetriesExhaustedError } from '../errors.js'

/** The result of one item: its value, or the typed error it failed with. */
export type ItemOutcome<K, V> =
  | { readonly key: K; readonly label: string; readonly ok: true; readonly value: V }
  | { readonly key: K; readonly label: string; readonly ok: false; readonly error: KafkaClientError }

/**
 * A multi-item admin call in which at least one item failed. `outcomes` lists every item in input
 * order, successes included; `errorFor(label)` finds one item's error (labels: topic name, group id,
 * "topic-partition", "type:name" for config resources, broker id for listGroups).
 */
export class AdminBatchError<K = unknown, V = unknown> extends KafkaClientError {
  readonly operation: string
  readonly outcomes: readonly ItemOutcome<K, V>[]

  constructor(operation: string, outcomes: readonly ItemOutcome<K, V>[]) {
    const failed = outcomes.filter((o) => !o.ok)
    const shown = failed
      .slice(0, 5)
      .map((o) => `${o.label}: ${o.ok ? '' : o.error.message}`)
      .join('; ')
    const more = failed.length > 5 ? `; and ${failed.length - 5} more` : ''
    const first = failed[0]
    super('ADMIN_BATCH_FAILED', `${operation}: ${failed.length} of ${outcomes.length} failed (${shown}${more})`, {
      cause: first === undefined || first.ok ? undefined : first.error,
    })
    this.operation = operation
    this.outcomes = outcomes
  }

  /** Every failed item with its error. */
  get errors(): { readonly key: K; readonly label: string; readonly error: KafkaClientError }[] {
    const out: { key: K; label: string; error: KafkaClientError }[] = []
    for (const o of this.outcomes) if (!o.ok) out.push({ key: o.key, label: o.label, error: o.error })
    return out
  }

  /** The values of the items that succeeded, in input order. */
  get values(): V[] {
    const out: V[] = []
    for (const o of this.outcomes) if (o.ok) out.push(o.value)
    return out
  }

  /** The error of the item with this label, or undefined when it succeeded (or does not exist). */
  errorFor(label: string): KafkaClientError | undefined {
    for (const o of this.outcomes) if (o.label === label && !o.ok) return o.error
    return undefined
  }
}

/** One round's verdict on one item. */
export type Verdict<V> =
  | { readonly kind: 'done'; readonly value: V }
  | { readonly kind: 'fail'; readonly error: KafkaClientError }
  | { readonly kind: 'retry'; readonly error: KafkaClientError }

export function done<V>(value: V): Verdict<V> {
  return { kind: 'done', value }
}
export function fail(error: KafkaClientError): Verdict<never> {
  return { kind: 'fail', error }
}
export function again(error: KafkaClientError): Verdict<never> {
  return { kind: 'retry', error }
}

/** Verdicts keyed by item label. */
export type Verdicts<V> = Map<string, Verdict<V>>

export interface BatchSpec<K, V> {
  readonly operation: string
  readonly keys: readonly K[]
  readonly label: (key: K) => string
  /**
   * One round over the pending items (deduplicated by label). Items left without a verdict are
   * retried. May throw: retriable errors retry the round, others reject the call.
   */
  readonly round: (pending: readonly K[], deadlineMs: number) => Promise<Verdicts<V>>
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

/** Thrown inside the retry loop while items are pending; never escapes runBatch. */
class ItemsPending extends KafkaClientError {
  constructor(readonly last: KafkaClientError) {
    super('ADMIN_ITEMS_PENDING', last.message, { retriable: true, cause: last })
  }
}

function toClientError(err: unknown): KafkaClientError {
  if (err instanceof KafkaClientError) return err
  return new KafkaClientError('UNEXPECTED', err instanceof Error ? err.message : String(err), { cause: err })
}

/**
 * Runs rounds until every item has a final verdict or the deadline passes; returns one outcome per
 * input key, in input order. Items with the same label share one outcome.
 */
export async function runBatch<K, V>(cluster: Cluster, spec: BatchSpec<K, V>): Promise<ItemOutcome<K, V>[]> {
  const final = new Map<string, Verdict<V>>()
  const lastError = new Map<string, KafkaClientError>()
  const firstKey = new Map<string, K>()
  for (const key of spec.keys) {
    const label = spec.label(key)
    if (!firstKey.has(label)) firstKey.set(label, key)
  }
  const deadlineMs = cluster.clock.now() + spec.timeoutMs
  const pendingKeys = (): K[] => {
    const out: K[] = []
    for (const [label, key] of firstKey) if (!final.has(label)) out.push(key)
    return out
  }
  try {
    await cluster.retry(
      async () => {
        if (cluster.closed) throw new ClosedError('admin client closed')
        const pending = pendingKeys()
        if (pending.length === 0) return
        const verdicts = await spec.round(pending, deadlineMs)
        let retryError: KafkaClientError | null = null
        for (const key of pending) {
          const label = spec.label(key)
          const v = verdicts.get(label)
          if (v === undefined) continue
          if (v.kind === 'retry') {
            lastError.set(label, v.error)
            retryError = v.error
          } else {
            final.set(label, v)
          }
        }
        if (final.size < firstKey.size) {
          throw new ItemsPending(retryError ?? new KafkaClientError('ADMIN_NO_ANSWER', `${spec.operation}: no answer for some items`, { retriable: true }))
        }
      },
      {
        timeoutMs: spec.timeoutMs,
        operation: spec.operation,
        ...(spec.signal ? { signal: spec.signal } : {}),
      },
    )
  } catch (err) {
    if (!(err instanceof RetriesExhaustedError)) throw err
    // Out of time: the items still pending fail with their own last error (or the round's).
    const roundError = [...err.errors].reverse().find((e) => !(e instanceof ItemsPending))
    for (const [label] of firstKey) {
      if (final.has(label)) continue
      const error = lastError.get(label) ?? (roundError === undefined ? err : toClientError(roundError))
      final.set(label, fail(error))
    }
  }
  return spec.keys.map((key): ItemOutcome<K, V> => {
    const label = spec.label(key)
    const v = final.get(label)
    if (v !== undefined && v.kind === 'done') return { key, label, ok: true, value: v.value }
    const error = v !== undefined && v.kind === 'fail' ? v.error : new KafkaClientError('ADMIN_NO_ANSWER', `${label}: no answer`)
    return { key, label, ok: false, error }
  })
}

/** The values in input order, or AdminBatchError when any item failed. */
export function settle<K, V>(operation: string, outcomes: readonly ItemOutcome<K, V>[]): V[] {
  const values: V[] = []
  for (const o of outcomes) {
    if (!o.ok) throw new AdminBatchError(operation, outcomes)
    values.push(o.value)
  }
  return values
}

/**
 * Sends one request per target concurrently and merges their verdicts. A target whose request
 * failed gives its items `retry` (retriable error) or `fail` (other errors); AbortError and
 * ClosedError reject the round.
 */
export async function fanOut<T, K, V>(
  targets: ReadonlyMap<T, readonly K[]>,
  label: (key: K) => string,
  send: (target: T, keys: readonly K[]) => Promise<Verdicts<V>>,
  onError?: (target: T, error: KafkaClientError) => void,
): Promise<Verdicts<V>> {
  const entries = [...targets]
  const answers = await Promise.allSettled(entries.map(([target, keys]) => send(target, keys)))
  const merged: Verdicts<V> = new Map()
  for (let i = 0; i < entries.length; i++) {
    const [target, keys] = entries[i]!
    const answer = answers[i]!
    if (answer.status === 'fulfilled') {
      for (const [k, v] of answer.value) merged.set(k, v)
      continue
    }
    const reason: unknown = answer.reason
    if (reason instanceof AbortError || reason instanceof ClosedError) throw reason
    const error = toClientError(reason)
    onError?.(target, error)
    for (const key of keys) merged.set(label(key), error.retriable ? again(error) : fail(error))
  }
  return merged
}

/** Appends `value` to the list under `key`. */
export function pushTo<T, K>(map: Map<T, K[]>, key: T, value: K): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

export function tpLabel(tp: { readonly topic: string; readonly partition: number }): string {
  return `${tp.topic}-${tp.partition}`
}
