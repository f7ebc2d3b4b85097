// The delivery check shared by the interop tests: every produced message is read back exactly
// once, with its key, and each partition is read in produce order with strictly increasing
// offsets. Inputs are plain records so any client's output (KafkaJS, kcat JSON, kafka-python)
// can be checked the same way. Values must be unique across the produced set.
import assert from 'node:assert/strict'

export interface ProducedMessage {
  readonly key: string
  readonly value: string
}

export interface ConsumedMessage {
  readonly partition: number
  readonly offset: bigint
  readonly key: string | null
  readonly value: string | null
}

export interface DeliveryReport {
  /** partition → messages read from it, in read order */
  readonly byPartition: ReadonlyMap<number, readonly ConsumedMessage[]>
}

/** Make `count` messages over `keyCount` keys with unique values (`<prefix>-<index>`). */
export function makeMessages(prefix: string, count: number, keyCount: number): ProducedMessage[] {
  const out: ProducedMessage[] = []
  for (let i = 0; i < count; i++) out.push({ key: `k${i % keyCount}`, value: `${prefix}-${i}` })
  return out
}

/**
 * Assert that `consumed` (in the order it was read) holds every message of `produced` (in the
 * order it was sent) exactly once, nothing else, and that within each partition offsets strictly
 * increase and messages appear in produce order; also that a key never spans two partitions.
 */
export function assertExactlyOnceInOrder(
  produced: readonly ProducedMessage[],
  consumed: readonly ConsumedMessage[],
): DeliveryReport {
  const indexOf = new Map<string, number>()
  produced.forEach((m, i) => {
    assert.ok(!indexOf.has(m.value), `test bug: produced value ${m.value} is not unique`)
    indexOf.set(m.value, i)
  })
  const seen = new Map<string, ConsumedMessage>()
  const byPartition = new Map<number, ConsumedMessage[]>()
  const partitionOfKey = new Map<string, number>()
  const problems: string[] = []
  for (const m of consumed) {
    const where = `p${m.partition}@${m.offset}`
    if (m.value === null || !indexOf.has(m.value)) {
      problems.push(`unexpected message ${where}: ${m.value}`)
      continue
    }
    const first = seen.get(m.value)
    if (first) {
      problems.push(`duplicate ${m.value}: p${first.partition}@${first.offset} and ${where}`)
      continue
    }
    seen.set(m.value, m)
    const index = indexOf.get(m.value)!
    const expectedKey = produced[index]!.key
    if (m.key !== expectedKey) problems.push(`key of ${m.value} at ${where}: ${m.key}, expected ${expectedKey}`)
    const keyPartition = partitionOfKey.get(expectedKey)
    if (keyPartition === undefined) partitionOfKey.set(expectedKey, m.partition)
    else if (keyPartition !== m.partition) {
      problems.push(`key ${expectedKey} in partitions ${keyPartition} and ${m.partition}`)
    }
    let list = byPartition.get(m.partition)
    if (!list) byPartition.set(m.partition, (list = []))
    const prev = list[list.length - 1]
    if (prev) {
      if (m.offset <= prev.offset) problems.push(`offsets not increasing in p${m.partition}: ${prev.offset} then ${m.offset}`)
      if (index <= indexOf.get(prev.value!)!) problems.push(`order broken in p${m.partition}: ${prev.value} then ${m.value}`)
    }
    list.push(m)
  }
  const missing = produced.filter((m) => !seen.has(m.value))
  if (missing.length > 0) {
    const sample = missing.slice(0, 10).map((m) => m.value)
    problems.push(`${missing.length} of ${produced.length} messages never read, e.g. ${sample.join(', ')}`)
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 30).join('\n')
    assert.fail(`delivery check failed (${problems.length} problems, ${consumed.length} read):\n${shown}`)
  }
  return { byPartition }
}
