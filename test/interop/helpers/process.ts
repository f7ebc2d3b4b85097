// Child-process helpers for the interop tests (kcat, python3, the `kafkats` CLI): run a command
// with a hard timeout, or start one and read its output as it comes. Used by test/interop/*.test.ts
// and test/unit/cli/*.test.ts. Invariants: every child gets a deadline after which it is
// SIGKILLed, output is captured in full (stdout and stderr), and stopAll() / stop() leave no
// child process behind, so a broken peer can fail a test but never hang the runner.
import { type ChildProcess, spawn } from 'node:child_process'

export interface RunOptions {
  readonly args: readonly string[]
  /** written to stdin, then stdin is closed (stdin is closed at once when absent) */
  readonly input?: string | Buffer
  /** SIGKILL the child after this long */
  readonly timeoutMs: number
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
}

export interface RunResult {
  readonly command: string
  readonly args: readonly string[]
  /** exit code, null when killed by a signal */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** true when the deadline killed it */
  readonly timedOut: boolean
  /** set when the process could not be started at all (ENOENT and such) */
  readonly spawnError: Error | null
}

const TAIL_CHARS = 6000

function tail(text: string): string {
  return text.length <= TAIL_CHARS ? text : `[... ${text.length - TAIL_CHARS} chars cut ...]\n${text.slice(-TAIL_CHARS)}`
}

/** A readable account of a run, for assertion messages: command line, how it ended, stderr. */
export function describeRun(result: RunResult): string {
  const how = result.spawnError
    ? `could not start: ${result.spawnError.message}`
    : result.timedOut
      ? 'killed by its timeout'
      : result.signal
        ? `killed by ${result.signal}`
        : `exit code ${result.code}`
  return [
    `$ ${result.command} ${result.args.join(' ')}`,
    `-> ${how}`,
    `--- stderr ---\n${tail(result.stderr)}`,
    `--- stdout (tail) ---\n${tail(result.stdout).slice(-1500)}`,
  ].join('\n')
}

/**
 * A started child process: output accumulates in `stdout`/`stderr`, `waitFor()` resolves when a
 * predicate over stdout holds, `exited` resolves (never rejects) with the RunResult.
 */
export class ManagedProcess {
  readonly command: string
  readonly args: readonly string[]
  readonly exited: Promise<RunResult>
  #child: ChildProcess
  #stdout = ''
  #stderr = ''
  #timedOut = false
  #spawnError: Error | null = null
  #ended = false
  #deadline: NodeJS.Timeout
  #waiters = new Set<() => void>()

  constructor(command: string, options: RunOptions) {
    this.command = command
    this.args = options.args
    this.#child = spawn(command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    this.#child.stdout?.setEncoding('utf8')
    this.#child.stderr?.setEncoding('utf8')
    this.#child.stdout?.on('data', (chunk: string) => {
      this.#stdout += chunk
      this.#notify()
    })
    this.#child.stderr?.on('data', (chunk: string) => {
      this.#stderr += chunk
    })
    // A peer that exits early closes its stdin: ignore EPIPE on our side.
    this.#child.stdin?.on('error', () => {})
    if (options.input === undefined) this.#child.stdin?.end()
    else this.#child.stdin?.end(options.input)
    this.#deadline = setTimeout(() => {
      this.#timedOut = true
      this.#child.kill('SIGKILL')
    }, options.timeoutMs)
    this.exited = new Promise<RunResult>((resolve) => {
      let settled = false
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return
        settled = true
        this.#ended = true
        clearTimeout(this.#deadline)
        this.#notify()
        resolve({
          command: this.command,
          args: this.args,
          code,
          signal,
          stdout: this.#stdout,
          stderr: this.#stderr,
          timedOut: this.#timedOut,
          spawnError: this.#spawnError,
        })
      }
      this.#child.on('error', (err) => {
        this.#spawnError = err
        // 'close' does not follow a failed spawn
        if (this.#child.pid === undefined) finish(null, null)
      })
      this.#child.on('close', (code, signal) => finish(code, signal))
    })
    LIVE.add(this)
    void this.exited.then(() => LIVE.delete(this))
  }

  get pid(): number | undefined {
    return this.#child.pid
  }

  get stdout(): string {
    return this.#stdout
  }

  get stderr(): string {
    return this.#stderr
  }

  get ended(): boolean {
    return this.#ended
  }

  /** Send a signal (no-op once the process has ended). */
  signal(sig: NodeJS.Signals): void {
    if (!this.#ended) this.#child.kill(sig)
  }

  /**
   * Resolve when `predicate(stdout)` holds; reject when the process ends first or after timeoutMs
   * (the process keeps running then: stop it yourself).
   */
  waitFor(predicate: (stdout: string) => boolean, timeoutMs: number, what = 'expected output'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (predicate(this.#stdout)) {
          done()
          resolve()
        } else if (this.#ended) {
          done()
          reject(new Error(`process ended before ${what}\n${this.#summary()}`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.#summary()}`))
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(check)
      }
      this.#waiters.add(check)
      check()
    })
  }

  /** The first complete stdout line (without its newline). */
  async firstLine(timeoutMs: number): Promise<string> {
    await this.waitFor((out) => out.includes('\n'), timeoutMs, 'a first stdout line')
    return this.#stdout.slice(0, this.#stdout.indexOf('\n'))
  }

  /** SIGTERM (or `sig`), then SIGKILL after graceMs; resolves with the RunResult. */
  async stop(sig: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<RunResult> {
    if (this.#ended) return this.exited
    this.signal(sig)
    // a stopped process does not act on SIGTERM until continued
    if (sig !== 'SIGKILL') this.signal('SIGCONT')
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs)
    const result = await this.exited
    clearTimeout(timer)
    return result
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }

  #summary(): string {
    return `$ ${this.command} ${this.args.join(' ')}\n--- stderr ---\n${tail(this.#stderr)}\n--- stdout (tail) ---\n${tail(this.#stdout).slice(-1500)}`
  }
}

const LIVE = new Set<ManagedProcess>()

/** Start a child process (see ManagedProcess). */
export function startProcess(command: string, options: RunOptions): ManagedProcess {
  return new ManagedProcess(command, options)
}

/** Run a command to completion (or to its timeout); never rejects. */
export function runProcess(command: string, options: RunOptions): Promise<RunResult> {
  return new ManagedProcess(command, options).exited
}

/** SIGKILL every child these helpers started that is still running, and wait for them. */
export async function stopAll(): Promise<void> {
  const live = [...LIVE]
  await Promise.all(live.map((p) => p.stop('SIGKILL')))
}
