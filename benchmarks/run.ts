// `npm run bench`: runs every benchmark, one after the other (never two at once: they measure the
// machine): benchmarks/codec.ts when present (the codec helper's), then benchmarks/producer.ts.
// `npm run bench -- producer` (or `codec`) runs only the named ones. BENCH_RECORDS also sets the
// codec benchmark's record count (its results then go to .build/codec-quick.json). Exits non-zero
// when a benchmark failed.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const all = ['codec', 'producer'] as const
const wanted = process.argv.slice(2)
for (const w of wanted) {
  if (!(all as readonly string[]).includes(w)) {
    console.error(`unknown benchmark '${w}' (known: ${all.join(', ')})`)
    process.exit(2)
  }
}

let failed = false
for (const name of all) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  const file = join(here, `${name}.ts`)
  if (!existsSync(file)) {
    console.log(`[bench] ${name}: ${file} not present, skipped`)
    continue
  }
  // a quick codec run (BENCH_RECORDS) writes next to the quick producer results, not over results/codec.json
  const records = process.env['BENCH_RECORDS']
  const args =
    name === 'codec' && records !== undefined && records !== ''
      ? [records, '--out', join(here, '.build', 'codec-quick.json')]
      : []
  console.log(`[bench] ${name}`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`[bench] ${name} failed (exit ${String(r.status ?? r.signal)})`)
    failed = true
  }
}
process.exit(failed ? 1 : 0)
