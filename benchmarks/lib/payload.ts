// Record values for the producer benchmarks: a pool of distinct JSON-like values of exactly
// `valueBytes` bytes (realistic text: repeated field names, varying digits), built from a fixed
// seed so every client and every run sends the same bytes. Used by worker.ts. Invariant: every
// value has the requested length; values are never mutated after creation (clients may hold them).
const EVENTS = ['click', 'view', 'purchase', 'signup', 'logout', 'search'] as const

/** xorshift32: tiny deterministic PRNG (benchmark data only) */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
}

export function makeValues(count: number, valueBytes: number, seed = 20241121): Buffer[] {
  const next = rng(seed)
  const out: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const event = EVENTS[next() % EVENTS.length] ?? 'click'
    let text =
      `{"id":${next() % 10_000_000},"user":"user-${next() % 100_000}","event":"${event}",` +
      `"ts":${1_700_000_000_000 + (next() % 1_000_000_000)},"amount":${next() % 100_000},"pad":"`
    while (text.length < valueBytes - 2) text += String.fromCharCode(97 + (next() % 26))
    text = `${text.slice(0, valueBytes - 2)}"}`
    const b = Buffer.alloc(valueBytes)
    b.write(text, 'latin1')
    out.push(b)
  }
  return out
}
