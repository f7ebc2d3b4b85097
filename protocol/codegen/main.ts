// `npm run generate`: regenerates src/protocol/generated/ from every protocol/*.schema (plus
// the error table from protocol/errors.schema through ./error-table.ts). With `--check` nothing
// is written: it exits 1 listing every file that differs from, is missing from or is extra in
// the committed tree. Deterministic: the same schemas always give the same bytes.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type GeneratedFile, generateFile, generateIndex } from './emit.js'
import { parseSchema } from './parse.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..')
const schemaDir = join(root, 'protocol')
const outDir = join(root, 'src', 'protocol', 'generated')
const ERROR_TABLE_FILE = 'error-table.ts'

interface Outcome {
  readonly files: Map<string, string>
  readonly failures: string[]
  readonly errorTableSkipped: boolean
}

async function errorTable(): Promise<string | undefined> {
  const modulePath = join(here, 'error-table.ts')
  const schemaPath = join(schemaDir, 'errors.schema')
  if (!existsSync(modulePath) || !existsSync(schemaPath)) {
    console.warn('warning: protocol/codegen/error-table.ts or protocol/errors.schema is missing; error-table.ts skipped')
    return undefined
  }
  const mod: unknown = await import('./error-table.js')
  const fn = (mod as { generateErrorTable?: unknown }).generateErrorTable
  if (typeof fn !== 'function') {
    console.warn('warning: protocol/codegen/error-table.ts exports no generateErrorTable(); error-table.ts skipped')
    return undefined
  }
  const text: unknown = fn(readFileSync(schemaPath, 'utf8'))
  if (typeof text !== 'string') throw new Error('generateErrorTable() did not return a string')
  return text
}

export async function generateAll(): Promise<Outcome> {
  const files = new Map<string, string>()
  const failures: string[] = []
  const generated: GeneratedFile[] = []
  const names = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.schema') && f !== 'errors.schema')
    .sort()
  for (const n of names) {
    const path = join('protocol', n)
    try {
      const schema = parseSchema(readFileSync(join(schemaDir, n), 'utf8'), path)
      const g = generateFile(schema)
      if (files.has(g.name)) throw new Error(`${path}: generates ${g.name}, which another schema generates too`)
      files.set(g.name, g.text)
      generated.push(g)
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e))
    }
  }
  const table = await errorTable()
  if (table !== undefined) files.set(ERROR_TABLE_FILE, table)
  files.set('index.ts', generateIndex(generated, table !== undefined ? [ERROR_TABLE_FILE] : []))
  return { files, failures, errorTableSkipped: table === undefined }
}

function existing(): Map<string, string> {
  const out = new Map<string, string>()
  if (!existsSync(outDir)) return out
  for (const n of readdirSync(outDir).sort()) {
    if (n.endsWith('.ts')) out.set(n, readFileSync(join(outDir, n), 'utf8'))
  }
  return out
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check')
  const { files, failures, errorTableSkipped } = await generateAll()
  for (const f of failures) console.error(`error: ${f}`)
  const have = existing()
  const changed: string[] = []
  for (const [n, text] of files) if (have.get(n) !== text) changed.push(have.has(n) ? `${n} (differs)` : `${n} (missing)`)
  const extra = [...have.keys()].filter((n) => !files.has(n) && !(errorTableSkipped && n === ERROR_TABLE_FILE))
  if (check) {
    for (const c of changed) console.error(`stale: src/protocol/generated/${c}`)
    for (const x of extra) console.error(`stale: src/protocol/generated/${x} (extra)`)
    if (changed.length > 0 || extra.length > 0 || failures.length > 0) {
      console.error('generated code is out of date: run `npm run generate`')
      return 1
    }
    console.log(`generated code is up to date (${files.size} files)`)
    return 0
  }
  mkdirSync(outDir, { recursive: true })
  for (const [n, text] of files) if (have.get(n) !== text) writeFileSync(join(outDir, n), text)
  // A schema that failed leaves its committed module alone (it would look "extra" otherwise).
  const removable = failures.length > 0 ? [] : extra
  for (const x of removable) rmSync(join(outDir, x))
  if (removable.length < extra.length) console.warn(`warning: kept ${extra.join(', ')} because some schemas failed`)
  console.log(`generated ${files.size} files (${changed.length} written, ${removable.length} removed)`)
  return failures.length > 0 ? 1 : 0
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      console.error(e)
      process.exitCode = 1
    },
  )
}
