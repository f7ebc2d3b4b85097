// Java-compatible murmur2 (Kafka's Utils.murmur2) and the default keyed partition choice
// (toPositive(murmur2(key)) % numPartitions). Used by the producer's partitioner; must match the
// Java client bit for bit so keyed records land on the same partition. Pure, allocation-free.

const SEED = 0x9747b28c
const M = 0x5bd1e995
const R = 24

/** murmur2 of `data` as a signed int32, exactly as Kafka's Java client computes it. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    // little-endian 4-byte group
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    k = Math.imul(k, M)
    k ^= k >>> R
    k = Math.imul(k, M)
    h = Math.imul(h, M)
    h ^= k
  }
  // tail of 1-3 bytes (Java's fall-through switch, written as ifs)
  const tail = length & 3
  if (tail === 3) h ^= data[whole + 2]! << 16
  if (tail >= 2) h ^= data[whole + 1]! << 8
  if (tail >= 1) {
    h ^= data[whole]!
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Java's Utils.toPositive: clears the sign bit (not Math.abs, which breaks on INT32_MIN). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Java's default partitioner picks for a non-null key over all numPartitions. */
export function javaPartition(keyBytes: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(keyBytes)) % numPartitions
}
