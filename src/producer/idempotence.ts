// Producer id/epoch and per-partition sequence numbers (NOTES §h.1, Java TransactionManager's
// idempotent half). Sequences are assigned when a batch is first drained and kept across
// retries and leader moves; a retry goes out only when it is the lowest unacknowledged batch of
// its partition. KIP-360: a real sequence gap or a lost producer state bumps the epoch locally
// (new producer id past Short.MAX) and rewrites that partition's queued batches from sequence 0
// once none of them is on the wire; other partitions adopt the new epoch when idle.
// Invariant: every batch in a partition's `inflight` list carries that partition's id/epoch.
import { producerIdChannel } from './diagnostics.js'
import type { PartitionQueue } from './accumulator.js'
import type { ProducerBatch } from './batch.js'

export const MAX_PRODUCER_EPOCH = 32767
const SEQUENCE_MODULUS = 0x80000000

/** (a - b) mod 2^31, as a distance along the sequence ring. */
function sequenceDistance(a: number, b: number): number {
  return (((a - b) % SEQUENCE_MODULUS) + SEQUENCE_MODULUS) % SEQUENCE_MODULUS
}

/** a + n wrapped to [0, 2^31) as the broker expects. */
export function addSequence(a: number, n: number): number {
  return (a + n) % SEQUENCE_MODULUS
}

export class PartitionSequences {
  producerId = -1n
  producerEpoch = -1
  nextSequence = 0
  lastAckedSequence = -1
  /** sequenced, unsettled batches (queued for retry or on the wire), in sequence order */
  readonly inflight: ProducerBatch[] = []
  /** this partition's sequences must restart at 0 under the current epoch */
  needsReset = false

  /** The sequence the broker expects next for this partition. */
  get expectedSequence(): number {
    return addSequence(this.lastAckedSequence, 1)
  }

  remove(batch: ProducerBatch): void {
    const i = this.inflight.indexOf(batch)
    if (i >= 0) this.inflight.splice(i, 1)
  }
}

/** What to do with a batch after a sequence-related broker error. */
export type SequenceErrorAction = 'retry' | 'bump-and-retry' | 'abortable' | 'fatal'

export class IdempotenceManager {
  readonly transactional: boolean
  #producerId = -1n
  #producerEpoch = -1
  readonly #states = new Map<string, Map<number, PartitionSequences>>()
  #bumpPending = false

  constructor(transactional: boolean) {
    this.transactional = transactional
  }

  get producerId(): bigint {
    return this.#producerId
  }

  get producerEpoch(): number {
    return this.#producerEpoch
  }

  hasProducerId(): boolean {
    return this.#producerId >= 0n
  }

  /** After InitProducerId (or a reset): partitions adopt it as they go idle. */
  setProducerIdAndEpoch(producerId: bigint, producerEpoch: number, reason: string): void {
    this.#producerId = producerId
    this.#producerEpoch = producerEpoch
    if (producerIdChannel.hasSubscribers) producerIdChannel.publish({ producerId, producerEpoch, reason })
  }

  /** Forgets the producer id so the sender obtains a new one (epoch overflow, fatal loss). */
  resetProducerId(): void {
    this.#producerId = -1n
    this.#producerEpoch = -1
  }

  state(topic: string, partition: number): PartitionSequences {
    let byPartition = this.#states.get(topic)
    if (byPartition === undefined) {
      byPartition = new Map()
      this.#states.set(topic, byPartition)
    }
    let st = byPartition.get(partition)
    if (st === undefined) {
      st = new PartitionSequences()
      byPartition.set(partition, st)
    }
    return st
  }

  /** true when an epoch bump was requested and not yet applied */
  get bumpPending(): boolean {
    return this.#bumpPending
  }

  /** Requests a KIP-360 epoch bump on behalf of one partition (idempotent producers only). */
  requestEpochBump(topic: string, partition: number): void {
    this.state(topic, partition).needsReset = true
    this.#bumpPending = true
  }

  /**
   * Applies a pending bump: epoch + 1, or forget the producer id when the epoch would pass
   * Short.MAX (the caller then sends InitProducerId). Called by the sender before draining.
   */
  applyPendingBump(): void {
    if (!this.#bumpPending) return
    this.#bumpPending = false
    if (!this.hasProducerId()) return
    if (this.#producerEpoch >= MAX_PRODUCER_EPOCH) {
      this.resetProducerId()
      return
    }
    this.setProducerIdAndEpoch(this.#producerId, this.#producerEpoch + 1, 'epoch bump (KIP-360)')
  }

  /**
   * The drain gate: may `batch` (the first of `queue`) go out now? Assigns the sequence of a
   * new batch; rewrites a reset partition's queued batches first.
   */
  canDrain(queue: PartitionQueue, batch: ProducerBatch): boolean {
    if (!this.hasProducerId()) return false
    const st = this.state(queue.topic, queue.partition)
    const current = st.producerId === this.#producerId && st.producerEpoch === this.#producerEpoch
    if (st.needsReset) {
      // wait for the bump itself, then for this partition's requests on the wire
      if (current) return false
      for (const b of st.inflight) if (b.inFlight) return false
      this.#rewrite(queue, st)
    }
    if (!batch.hasSequence) {
      if (st.producerId !== this.#producerId || st.producerEpoch !== this.#producerEpoch) {
        if (st.inflight.length > 0) return false
        this.#adopt(st)
      }
      batch.setProducerState(this.#producerId, this.#producerEpoch, st.nextSequence)
      st.nextSequence = addSequence(st.nextSequence, batch.recordCount)
      st.inflight.push(batch)
      return true
    }
    return st.inflight[0] === batch
  }

  /** The broker appended (or deduplicated) the batch. */
  onAcknowledged(batch: ProducerBatch): void {
    if (!batch.hasSequence) return
    const st = this.state(batch.topic, batch.partition)
    if (!st.inflight.includes(batch)) return
    st.remove(batch)
    const last = batch.lastSequence
    if (st.lastAckedSequence < 0 || sequenceDistance(last, st.lastAckedSequence) < SEQUENCE_MODULUS / 2) {
      st.lastAckedSequence = last
    }
  }

  /**
   * The batch will not be retried (non-retriable error, delivery timeout, abort). Its sequence
   * leaves a gap (or an unknown outcome): an idempotent producer bumps the epoch for this
   * partition; a transactional one must abort (returns true).
   */
  onFailed(batch: ProducerBatch): boolean {
    if (!batch.hasSequence) return false
    const st = this.state(batch.topic, batch.partition)
    if (!st.inflight.includes(batch)) return false
    st.remove(batch)
    if (this.transactional) return true
    this.requestEpochBump(batch.topic, batch.partition)
    return false
  }

  /**
   * Classifies OUT_OF_ORDER_SEQUENCE_NUMBER (45), UNKNOWN_PRODUCER_ID (59),
   * INVALID_PRODUCER_EPOCH (47) and PRODUCER_FENCED (90) for `batch` (Java canRetry).
   */
  classify(batch: ProducerBatch, errorCode: number, logStartOffset: bigint): SequenceErrorAction {
    if (errorCode === 90) return 'fatal'
    if (errorCode === 47) return this.transactional ? 'fatal' : 'bump-and-retry'
    const st = this.state(batch.topic, batch.partition)
    if (errorCode === 59 && logStartOffset === -1n) return 'retry'
    // an error caused by an earlier batch's failure: retry once that one is resolved
    if (errorCode === 45 && batch.hasSequence && batch.baseSequence !== st.expectedSequence) return 'retry'
    return this.transactional ? 'abortable' : 'bump-and-retry'
  }

  /** Drops every partition's bookkeeping (after a transaction ends with all batches settled). */
  clearInflight(): void {
    for (const byPartition of this.#states.values()) for (const st of byPartition.values()) st.inflight.length = 0
  }

  #adopt(st: PartitionSequences): void {
    st.producerId = this.#producerId
    st.producerEpoch = this.#producerEpoch
    st.nextSequence = 0
    st.lastAckedSequence = -1
    st.needsReset = false
  }

  /** Restarts the partition at sequence 0: its queued sequenced batches get new sequences, in order. */
  #rewrite(queue: PartitionQueue, st: PartitionSequences): void {
    this.#adopt(st)
    st.inflight.length = 0
    for (const b of queue.batches) {
      if (!b.hasSequence) break
      b.setProducerState(this.#producerId, this.#producerEpoch, st.nextSequence)
      st.nextSequence = addSequence(st.nextSequence, b.recordCount)
      st.inflight.push(b)
    }
  }
}
