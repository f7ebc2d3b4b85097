// A small seeded pseudo-random generator (mulberry32): uniform floats in [0, 1), the same sequence
// for the same seed on every platform. For deterministic tests and fuzzers (the codec fuzzers,
// the reference broker's fuzz test) and the `random` options that take a () => number.
// Not cryptographic; never used for anything that must be unpredictable.

/** mulberry32 seeded with `seed` (any number; its low 32 bits count). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
