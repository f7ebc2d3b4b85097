// Runs one measurement job in a fresh worker process (the bundle build.ts made for its client)
// and returns what the worker reported. Used by producer.ts. Invariant: the worker process is
// always ended before runJob settles (result, failure, early exit or timeout).
import { Child, field, isRecord } from './child.js'
import type { Job } from './worker.js'

export type JobOutcome =
  | { readonly ok: true; readonly result: Record<string, unknown> }
  | { readonly ok: false; readonly error: string }

export async function runJob(workerFile: string, job: Job, timeoutMs: number): Promise<JobOutcome> {
  const nodeBinary = process.env['BENCH_NODE']
  const prof = process.env['BENCH_WORKER_PROFILE_DIR']
  const child = new Child(workerFile, {
    args: [JSON.stringify(job)],
    tsx: false,
    ...(prof === undefined || prof === '' ? {} : { execArgv: ['--cpu-prof', `--cpu-prof-dir=${prof}`] }),
    ...(nodeBinary === undefined || nodeBinary === '' ? {} : { execPath: nodeBinary }),
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<JobOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no result within ${timeoutMs} ms` }), timeoutMs)
  })
  const reported = Promise.race([
    child.waitFor('result').then((m): JobOutcome => {
      const result = field(m, 'result')
      return isRecord(result) ? { ok: true, result } : { ok: false, error: 'malformed result' }
    }),
    child.waitFor('failed').then((m): JobOutcome => ({ ok: false, error: String(field(m, 'error')) })),
    child.exited.then((code): JobOutcome => ({ ok: false, error: `worker exited with code ${String(code)} before reporting` })),
  ]).catch((err: unknown): JobOutcome => ({ ok: false, error: String(err) }))
  try {
    return await Promise.race([reported, timedOut])
  } finally {
    clearTimeout(timer)
    // the worker exits by itself after reporting (and writes its CPU profile then): give it a moment
    let grace: NodeJS.Timeout | undefined
    await Promise.race([child.exited, new Promise((resolve) => (grace = setTimeout(resolve, 5000)))])
    clearTimeout(grace)
    await child.kill()
  }
}
