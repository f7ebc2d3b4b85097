// Bundles one worker per client library with esbuild into benchmarks/.build/worker-<client>.mjs:
// worker.ts + clients/<client>.ts (+ kafkats's src for the kafkats worker), with npm packages left
// external (loaded from benchmarks/node_modules, then the root's). Called by producer.ts before
// any measurement. Invariant: a client whose bundle fails to build is reported with the reason
// and skipped; the others still run.
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { ClientName } from './clients/types.js'

const LIB = dirname(fileURLToPath(import.meta.url))
export const BUILD_DIR = join(LIB, '..', '.build')

export type WorkerBuild = { readonly ok: true; readonly file: string } | { readonly ok: false; readonly error: string }

export async function buildWorker(client: ClientName): Promise<WorkerBuild> {
  mkdirSync(BUILD_DIR, { recursive: true })
  const file = join(BUILD_DIR, `worker-${client}.mjs`)
  try {
    await build({
      stdin: {
        contents: `import { adapter } from './clients/${client}.ts'\nimport { runWorker } from './worker.ts'\nrunWorker(adapter)\n`,
        resolveDir: LIB,
        sourcefile: `worker-${client}.ts`,
        loader: 'ts',
      },
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
    })
    return { ok: true, file }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}
