// Shared pieces of the console-tool command tests (topics/produce/consume/groups): run
// `node --import tsx src/cli/main.ts ...` as a child with a bounded timeout, run main() in process
// for fast usage checks, and build an Admin on a reference-cluster bootstrap for assertions.
import { fileURLToPath } from 'node:url'
import { Admin } from '../../../src/admin/index.js'
import { main } from '../../../src/cli/main.js'
import { resolveClientOptions } from '../../../src/client-options.js'
import { Cluster } from '../../../src/cluster/cluster.js'
import { type ManagedProcess, type RunResult, runProcess, startProcess } from '../../interop/helpers/process.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url))
export const CHILD_TIMEOUT_MS = 60_000

/** Runs the CLI to completion (SIGKILLed after CHILD_TIMEOUT_MS); never rejects. */
export function cli(args: readonly string[], input?: string): Promise<RunResult> {
  return runProcess(process.execPath, {
    args: ['--import', 'tsx', MAIN, ...args],
    timeoutMs: CHILD_TIMEOUT_MS,
    cwd: ROOT,
    ...(input !== undefined ? { input } : {}),
  })
}

/** Starts the CLI and leaves it running (stop it with .stop()). */
export function startCli(args: readonly string[]): ManagedProcess {
  return startProcess(process.execPath, { args: ['--import', 'tsx', MAIN, ...args], timeoutMs: CHILD_TIMEOUT_MS, cwd: ROOT })
}

/** main() in this process with collected output. */
export async function cliInProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  })
  return { code, stdout, stderr }
}

export function adminFor(bootstrap: string): Admin {
  const options = resolveClientOptions({ bootstrapServers: bootstrap, retryBackoffMs: 20, retryBackoffMaxMs: 100 })
  return new Admin(new Cluster({ ...options, allowAutoTopicCreation: false }), options)
}
