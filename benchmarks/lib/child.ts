// Child processes of the benchmark runner: fork a TypeScript entry (through tsx) with an IPC
// channel, answer-by-id calls, and the "first message of a type" wait. Used by broker.ts (the
// broker host) and worker-pool.ts (one process per client run). Invariant: every child is killed
// by its owner (kill() is idempotent) and a child that exits early rejects every pending call.
import { type ChildProcess, fork } from 'node:child_process'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function field(v: unknown, name: string): unknown {
  return isRecord(v) ? v[name] : undefined
}

export function numberField(v: unknown, name: string): number {
  const f = field(v, name)
  if (typeof f !== 'number') throw new TypeError(`expected a number in '${name}', got ${typeof f}`)
  return f
}

export function stringField(v: unknown, name: string): string {
  const f = field(v, name)
  if (typeof f !== 'string') throw new TypeError(`expected a string in '${name}', got ${typeof f}`)
  return f
}

interface Pending {
  resolve(v: unknown): void
  reject(e: Error): void
}

export interface ChildOptions {
  readonly args?: readonly string[]
  readonly env?: Readonly<Record<string, string>>
  /** run a .ts entry through tsx (default true); false for bundled JavaScript */
  readonly tsx?: boolean
  /** extra node flags, e.g. --cpu-prof */
  readonly execArgv?: readonly string[]
  /** the node binary (default: this process's) */
  readonly execPath?: string
}

export class Child {
  readonly #proc: ChildProcess
  readonly #pending = new Map<number, Pending>()
  readonly #typeWaiters = new Map<string, Pending[]>()
  readonly #exited: Promise<number | null>
  #nextId = 1
  #exitCode: number | null | undefined

  constructor(entry: string, o: ChildOptions = {}) {
    this.#proc = fork(entry, [...(o.args ?? [])], {
      execArgv: [
        ...(o.tsx === false ? [] : ['--import', 'tsx']),
        '--max-old-space-size=4096',
        ...(o.execArgv ?? []),
      ],
      execPath: o.execPath ?? process.execPath,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.#proc.on('message', (m: unknown) => this.#onMessage(m))
    this.#exited = new Promise((resolve) => {
      // 'close', not 'exit': it comes after the IPC channel is drained, so a result sent just
      // before exiting is never lost to the race
      this.#proc.on('close', (code) => {
        this.#exitCode = code
        const err = new Error(`${entry} exited with code ${String(code)}`)
        for (const p of this.#pending.values()) p.reject(err)
        this.#pending.clear()
        for (const list of this.#typeWaiters.values()) for (const p of list) p.reject(err)
        this.#typeWaiters.clear()
        resolve(code)
      })
    })
  }

  #onMessage(m: unknown): void {
    const id = field(m, 'id')
    if (typeof id === 'number') {
      const p = this.#pending.get(id)
      if (p === undefined) return
      this.#pending.delete(id)
      if (field(m, 'ok') === true) p.resolve(field(m, 'result'))
      else p.reject(new Error(String(field(m, 'error'))))
      return
    }
    const type = field(m, 'type')
    if (typeof type !== 'string') return
    const waiters = this.#typeWaiters.get(type)
    if (waiters === undefined || waiters.length === 0) return
    this.#typeWaiters.delete(type)
    for (const w of waiters) w.resolve(m)
  }

  /** the next message with this `type` field */
  waitFor(type: string): Promise<unknown> {
    if (this.#exitCode !== undefined) return Promise.reject(new Error(`child already exited (${String(this.#exitCode)})`))
    return new Promise((resolve, reject) => {
      const list = this.#typeWaiters.get(type) ?? []
      list.push({ resolve, reject })
      this.#typeWaiters.set(type, list)
    })
  }

  call(op: string, payload: { [key: string]: Json } = {}): Promise<unknown> {
    if (this.#exitCode !== undefined) return Promise.reject(new Error(`child already exited (${String(this.#exitCode)})`))
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#proc.send({ id, op, ...payload })
    })
  }

  /** resolves with the exit code */
  get exited(): Promise<number | null> {
    return this.#exited
  }

  kill(): Promise<number | null> {
    if (this.#exitCode === undefined) this.#proc.kill('SIGKILL')
    return this.#exited
  }
}

/** Child side: answer calls from the parent. The handler's result must be JSON-serialisable. */
export function serveCalls(handler: (op: string, msg: Record<string, unknown>) => Promise<Json>): void {
  process.on('message', (m: unknown) => {
    if (!isRecord(m)) return
    const id = m['id']
    const op = m['op']
    if (typeof id !== 'number' || typeof op !== 'string') return
    handler(op, m).then(
      (result) => process.send?.({ id, ok: true, result }),
      (err: unknown) => process.send?.({ id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
    )
  })
}
