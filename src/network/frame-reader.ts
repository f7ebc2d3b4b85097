// Splits a TCP byte stream into Kafka frames (int32 size + payload). Used by connection.ts.
// Invariants: no allocation is sized by an unchecked length (bytes are only copied once a
// whole frame has arrived); a frame inside one chunk is returned as a zero-copy view; a size
// below `minFrameBytes` (or negative) is reported, after which the stream is unusable.

export class FrameReader {
  readonly #minFrameBytes: number
  #chunks: Buffer[] = []
  #buffered = 0
  #frameSize = -1

  constructor(minFrameBytes = 0) {
    this.#minFrameBytes = minFrameBytes
  }

  /** Bytes received and not yet returned as frames. */
  get buffered(): number {
    return this.#buffered + (this.#frameSize >= 0 ? 4 : 0)
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
  }

  /**
   * The next complete frame's payload (without the size prefix), or null when more bytes are
   * needed. Throws RangeError for an invalid size.
   */
  next(): Buffer | null {
    if (this.#frameSize < 0) {
      if (this.#buffered < 4) return null
      const size = this.#take(4).readInt32BE(0)
      if (size < this.#minFrameBytes) throw new RangeError(`invalid frame size ${size}`)
      this.#frameSize = size
    }
    if (this.#buffered < this.#frameSize) return null
    const frame = this.#take(this.#frameSize)
    this.#frameSize = -1
    return frame
  }

  reset(): void {
    this.#chunks = []
    this.#buffered = 0
    this.#frameSize = -1
  }

  /** Removes and returns the next n buffered bytes (a view when they sit in one chunk). */
  #take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0)
    this.#buffered -= n
    const first = this.#chunks[0]!
    if (first.length === n) {
      this.#chunks.shift()
      return first
    }
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const chunk = this.#chunks[0]!
      const need = n - filled
      if (chunk.length <= need) {
        chunk.copy(out, filled)
        filled += chunk.length
        this.#chunks.shift()
      } else {
        chunk.copy(out, filled, 0, need)
        this.#chunks[0] = chunk.subarray(need)
        filled = n
      }
    }
    return out
  }
}
