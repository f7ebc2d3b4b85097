// Runs the kafka-python interop scripts (test/interop/python/*.py). Finds a python3 that can
// `import kafka` (Debian's python3-kafka lives under /usr/bin/python3, which a pyenv or venv
// python3 earlier on PATH does not see); KAFKATS_PYTHON overrides the search. A script prints
// one JSON object as its last stdout line; runPythonScript() parses it. Every run has a timeout.
import { fileURLToPath } from 'node:url'
import { describeRun, type RunResult, runProcess } from './process.js'

const SCRIPTS_DIR = fileURLToPath(new URL('../python/', import.meta.url))

let found: Promise<string> | undefined

/** The path of a python3 interpreter with kafka-python; rejects with what was tried. */
export function findPython(): Promise<string> {
  found ??= (async () => {
    const override = process.env['KAFKATS_PYTHON']
    const candidates = override ? [override] : ['/usr/bin/python3', 'python3', 'python']
    const failures: string[] = []
    for (const candidate of candidates) {
      const result = await runProcess(candidate, {
        args: ['-c', 'import kafka, sys; print(kafka.__version__)'],
        timeoutMs: 20_000,
      })
      if (result.code === 0) return candidate
      failures.push(`${candidate}: ${result.spawnError?.message ?? result.stderr.trim().split('\n').pop()}`)
    }
    throw new Error(`no python3 with kafka-python (Debian python3-kafka) found:\n${failures.join('\n')}`)
  })()
  return found
}

export interface PythonRun<T> {
  readonly result: RunResult
  /** the parsed last stdout line */
  readonly output: T
}

/**
 * Run test/interop/python/<script> with args; rejects (with the script's stderr) when it fails,
 * times out or prints no JSON. The script must print its JSON result as its last stdout line.
 */
export async function runPythonScript<T>(script: string, args: readonly string[], timeoutMs: number): Promise<PythonRun<T>> {
  const python = await findPython()
  const result = await runProcess(python, {
    args: ['-u', SCRIPTS_DIR + script, ...args],
    timeoutMs,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  })
  if (result.code !== 0) throw new Error(`python script failed\n${describeRun(result)}`)
  const lines = result.stdout.trimEnd().split('\n')
  const last = lines[lines.length - 1] ?? ''
  let output: unknown
  try {
    output = JSON.parse(last)
  } catch {
    throw new Error(`python script printed no JSON result\n${describeRun(result)}`)
  }
  return { result, output: output as T }
}
