// Pure helpers for settling produce batches: the delivery-timeout and fenced errors, the
// batch diagnostics message and the partition lookup in a Produce response. Called by sender.ts
// only. Invariants: no state, no I/O; publishBatch is called only when the channel has subscribers.
import { FencedError, type ProtocolError } from '../errors.js'
import type { ProduceResponse, ProduceResponsePartitionProduceResponse } from '../protocol/generated/produce.js'
import type { ProducerBatch } from './batch.js'
import { type BatchMessage, batchChannel } from './diagnostics.js'
import { DeliveryTimeoutError } from './errors.js'

export function deliveryTimeout(b: ProducerBatch, deliveryTimeoutMs: number): DeliveryTimeoutError {
  const last = b.errors[b.errors.length - 1]
  const why = last instanceof Error ? `; last error: ${last.message}` : b.attempts === 0 ? '; never sent (no leader or no producer id)' : ''
  return new DeliveryTimeoutError(
    `${b.recordCount} record(s) for ${b.topic}-${b.partition} not acknowledged within deliveryTimeoutMs ${deliveryTimeoutMs}${why}`,
    b.errors,
  )
}

export function fenced(err: ProtocolError): Error {
  return new FencedError(`producer fenced: ${err.message}`, { cause: err })
}

export function publishBatch(b: ProducerBatch, baseOffset: bigint | null, error: unknown): void {
  batchChannel.publish({
    topic: b.topic,
    partition: b.partition,
    recordCount: b.recordCount,
    sizeBytes: b.sizeBytes,
    attempts: b.attempts,
    baseOffset,
    error,
  } satisfies BatchMessage)
}

export function findPartitionResponse(
  res: ProduceResponse,
  topic: string,
  partition: number,
): ProduceResponsePartitionProduceResponse | undefined {
  for (const t of res.responses) {
    if (t.name !== topic) continue
    for (const p of t.partitionResponses) if (p.index === partition) return p
  }
  return undefined
}
