// Array-backed FIFO queue (a growable ring buffer) for hot paths: in-flight requests per
// connection, pending batches, waiting callers. push/shift/peek are O(1) amortised and allocate
// only when the capacity doubles; Array.prototype.shift is O(n). Shifted slots are cleared so
// the queue never keeps a removed item alive. Capacity is always a power of two.

export class Fifo<T> implements Iterable<T> {
  #items: (T | undefined)[]
  #head = 0
  #length = 0
  #mask: number

  constructor(initialCapacity = 16) {
    let cap = 4
    while (cap < initialCapacity) cap *= 2
    this.#items = new Array<T | undefined>(cap)
    this.#mask = cap - 1
  }

  get length(): number {
    return this.#length
  }

  isEmpty(): boolean {
    return this.#length === 0
  }

  /** Appends at the tail. */
  push(item: T): void {
    if (this.#length === this.#items.length) this.#grow()
    this.#items[(this.#head + this.#length) & this.#mask] = item
    this.#length++
  }

  /** Removes and returns the head, or undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) & this.#mask
    this.#length--
    return item
  }

  /** The head without removing it, or undefined when empty. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head]
  }

  /** The tail without removing it, or undefined when empty. */
  peekLast(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[(this.#head + this.#length - 1) & this.#mask]
  }

  /** The i-th item from the head (0 = head), or undefined when out of range. */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.#length) return undefined
    return this.#items[(this.#head + index) & this.#mask]
  }

  /** Removes every item and returns them head first. */
  drain(): T[] {
    const out = this.toArray()
    this.clear()
    return out
  }

  clear(): void {
    this.#items.fill(undefined)
    this.#head = 0
    this.#length = 0
  }

  toArray(): T[] {
    const out = new Array<T>(this.#length)
    for (let i = 0; i < this.#length; i++) out[i] = this.#items[(this.#head + i) & this.#mask] as T
    return out
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#items[(this.#head + i) & this.#mask] as T
  }

  #grow(): void {
    const next = new Array<T | undefined>(this.#items.length * 2)
    for (let i = 0; i < this.#length; i++) next[i] = this.#items[(this.#head + i) & this.#mask]
    this.#items = next
    this.#head = 0
    this.#mask = next.length - 1
  }
}
