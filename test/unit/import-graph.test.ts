// Checks every import in src/**/*.ts and test/fixtures/broker/**/*.ts against the layer graph of
// notes/common.md and ARCHITECTURE.md: util ← protocol ← network ← cluster ← producer|consumer|admin
// ← client ← index ← cli; errors and instrumentation importable everywhere; the reference broker
// imports only src/protocol, src/util, src/errors, node built-ins and its own files. The checker is
// a pure function over (file, specifier) edges, also run on a synthetic bad list so it can fail.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, sep } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

// ---- layers ----------------------------------------------------------------------------------

type Layer =
  | 'util'
  | 'protocol'
  | 'network'
  | 'cluster'
  | 'options'
  | 'producer'
  | 'consumer'
  | 'admin'
  | 'client'
  | 'index'
  | 'cli'
  | 'errors'
  | 'instrumentation'
  | 'broker'

/** Rank in the one-way chain: a layer may import only layers of strictly lower rank (or itself). */
const RANK: Partial<Record<Layer, number>> = {
  util: 0,
  protocol: 1,
  network: 2,
  cluster: 3,
  // src/client-options.ts: shared option validation, built on network (addresses, logger, SASL
  // types) and used by producer/consumer/admin and the facade, so it sits just above cluster.
  options: 3.5,
  producer: 4,
  consumer: 4,
  admin: 4,
  client: 5,
  index: 6,
  cli: 7,
}

const SRC_DIR_LAYERS: ReadonlySet<string> = new Set([
  'util',
  'protocol',
  'network',
  'cluster',
  'producer',
  'consumer',
  'admin',
  'cli',
  'client',
  'instrumentation',
])

/** The layer of a repository-relative path (forward slashes), or undefined if it has none. */
export function layerOf(path: string): Layer | undefined {
  if (path.startsWith('test/fixtures/broker/')) return 'broker'
  if (!path.startsWith('src/')) return undefined
  const rest = path.slice(4)
  const slash = rest.indexOf('/')
  if (slash >= 0) {
    const dir = rest.slice(0, slash)
    return SRC_DIR_LAYERS.has(dir) ? (dir as Layer) : undefined
  }
  switch (rest) {
    case 'errors.ts':
      return 'errors'
    case 'index.ts':
      return 'index'
    case 'client.ts':
      return 'client'
    case 'client-options.ts':
      return 'options'
    case 'instrumentation.ts':
      return 'instrumentation'
    default:
      return undefined
  }
}

// errors.ts imports only the generated error table (it must stay importable from every layer).
const ERRORS_MAY_IMPORT: ReadonlySet<string> = new Set(['src/protocol/generated/error-table.ts'])
const BROKER_MAY_IMPORT: ReadonlySet<Layer> = new Set(['protocol', 'util', 'errors', 'broker'])
const INSTRUMENTATION_MAY_IMPORT: ReadonlySet<Layer> = new Set(['util', 'errors', 'instrumentation'])

/** One import statement: `from` imports `specifier`; `target` is the resolved repo path (relative specifiers only). */
export interface ImportEdge {
  readonly from: string
  readonly specifier: string
  readonly target?: string | undefined
}

const BUILTINS: ReadonlySet<string> = new Set(builtinModules)

function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier)
}

/** Returns one message per edge that breaks the layer rules; [] when all are fine. */
export function checkEdges(edges: readonly ImportEdge[], runtimeDependencies: ReadonlySet<string>): string[] {
  const out: string[] = []
  for (const e of edges) {
    const fromLayer = layerOf(e.from)
    const where = `${e.from} imports '${e.specifier}'`
    if (fromLayer === undefined) {
      out.push(`${e.from}: file belongs to no layer (add it to the layer map or move it)`)
      continue
    }
    const relativeSpec = e.specifier.startsWith('./') || e.specifier.startsWith('../')
    if (!relativeSpec) {
      if (e.specifier.startsWith('node:') || BUILTINS.has(e.specifier)) {
        if (!e.specifier.startsWith('node:')) out.push(`${where}: use the node: prefix for built-ins`)
        continue
      }
      if (fromLayer === 'broker') out.push(`${where}: the reference broker imports no npm packages`)
      else if (!runtimeDependencies.has(packageName(e.specifier)))
        out.push(`${where}: '${packageName(e.specifier)}' is not in package.json dependencies`)
      continue
    }
    if (!e.specifier.endsWith('.js')) out.push(`${where}: relative imports end in .js`)
    if (e.target === undefined) continue
    const toLayer = layerOf(e.target)
    if (toLayer === undefined) {
      out.push(`${where}: ${e.target} belongs to no layer`)
      continue
    }
    if (!allowed(fromLayer, toLayer, e.target)) out.push(`${where}: layer ${fromLayer} may not import ${toLayer}`)
  }
  return out
}

function allowed(from: Layer, to: Layer, target: string): boolean {
  if (from === to) return true
  if (from === 'broker') return BROKER_MAY_IMPORT.has(to)
  // `kafkats broker` serves the reference broker, which ships in the package for that reason.
  if (from === 'cli' && to === 'broker') return true
  if (from === 'errors') return ERRORS_MAY_IMPORT.has(target)
  if (from === 'instrumentation') return INSTRUMENTATION_MAY_IMPORT.has(to)
  if (to === 'errors' || to === 'instrumentation') return true
  const a = RANK[from]
  const b = RANK[to]
  return a !== undefined && b !== undefined && b < a
}

// ---- source scanning -------------------------------------------------------------------------

/**
 * Blanks out comments and replaces every string or template literal by a numbered placeholder
 * ('0', '1', ...) whose text is kept in `strings`, so no regex can match inside a literal.
 */
export function tokenize(src: string): { code: string; strings: string[] } {
  const strings: string[] = []
  let code = ''
  let i = 0
  while (i < src.length) {
    const c = src[i]
    const next = src[i + 1]
    if (c === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') i++
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2)
      i = end < 0 ? src.length : end + 2
      code += ' '
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1
      code += `${c}${strings.length}${c}`
      strings.push(src.slice(i + 1, j))
      i = j + 1
    } else {
      code += c
      i++
    }
  }
  return { code, strings }
}

const STATIC_FROM = /(?:^|[^\w$.])(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*(['"])(\d+)\1/g
const SIDE_EFFECT = /(?:^|[^\w$.])import\s*(['"])(\d+)\1/g
const DYNAMIC = /(?:^|[^\w$.])import\s*\(\s*(['"])(\d+)\1\s*\)/g

/** Every module specifier a TypeScript source imports or re-exports (static, side-effect, dynamic). */
export function importSpecifiers(src: string): string[] {
  const { code, strings } = tokenize(src)
  const found: string[] = []
  for (const re of [STATIC_FROM, SIDE_EFFECT, DYNAMIC]) {
    for (const m of code.matchAll(re)) found.push(strings[Number(m[2])]!)
  }
  return found
}

function walk(dir: string, out: string[]): string[] {
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

function toRepoPath(abs: string): string {
  return relative(ROOT, abs).split(sep).join('/')
}

function collectEdges(files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = []
  for (const abs of files) {
    const from = toRepoPath(abs)
    for (const specifier of importSpecifiers(readFileSync(abs, 'utf8'))) {
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const resolved = join(dirname(abs), specifier.replace(/\.js$/, '.ts'))
        edges.push({ from, specifier, target: toRepoPath(resolved) })
      } else {
        edges.push({ from, specifier })
      }
    }
  }
  return edges
}

function runtimeDependencies(): Set<string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  return new Set(Object.keys(pkg.dependencies ?? {}))
}

// ---- tests -----------------------------------------------------------------------------------

describe('import graph', () => {
  it('src and the reference broker respect the layer graph', () => {
    const files = [...walk(join(ROOT, 'src'), []), ...walk(join(ROOT, 'test', 'fixtures', 'broker'), [])]
    assert.ok(files.length > 0, 'no source files found')
    const edges = collectEdges(files)
    assert.ok(
      edges.some((e) => e.from === 'src/errors.ts' && e.target === 'src/protocol/generated/error-table.ts'),
      'the scanner must see the import in src/errors.ts',
    )
    // every file, even one without imports, must belong to a layer
    const unplaced = files.map(toRepoPath).filter((f) => layerOf(f) === undefined)
    const violations = [...unplaced.map((f) => `${f}: file belongs to no layer`), ...checkEdges(edges, runtimeDependencies())]
    assert.deepEqual(violations, [], `layer violations:\n  ${violations.join('\n  ')}`)
  })

  it('finds static, type-only, re-export, side-effect and dynamic imports, but not comments', () => {
    const src = [
      "import { a } from './a.js'",
      "import type { B } from '../b.js'",
      'import {',
      '  c,',
      '  type D,',
      "} from 'node:fs'",
      "export { e } from './e.js'",
      "export * from './f.js'",
      "export type { G } from './g.js'",
      "import './side-effect.js'",
      "const h = await import('./h.js')",
      "// import { x } from './commented.js'",
      "/* export { y } from './block.js' */",
      "const s = 'import z from \"./in-string.js\"'",
      'const o = { import: 1 }; o.import',
      "export const from = 'not-an-import'",
    ].join('\n')
    assert.deepEqual(importSpecifiers(src).sort(), [
      '../b.js',
      './a.js',
      './e.js',
      './f.js',
      './g.js',
      './h.js',
      './side-effect.js',
      'node:fs',
    ])
  })

  it('maps paths to layers', () => {
    assert.equal(layerOf('src/util/fifo.ts'), 'util')
    assert.equal(layerOf('src/protocol/generated/produce.ts'), 'protocol')
    assert.equal(layerOf('src/errors.ts'), 'errors')
    assert.equal(layerOf('src/index.ts'), 'index')
    assert.equal(layerOf('src/client.ts'), 'client')
    assert.equal(layerOf('src/cli/main.ts'), 'cli')
    assert.equal(layerOf('test/fixtures/broker/handlers/00-produce.ts'), 'broker')
    assert.equal(layerOf('src/misc.ts'), undefined)
    assert.equal(layerOf('test/helpers/byte-builder.ts'), undefined)
  })

  it('accepts imports that follow the graph', () => {
    const deps = new Set(['generic-pool'])
    const good: ImportEdge[] = [
      { from: 'src/protocol/api.ts', specifier: '../util/fifo.js', target: 'src/util/fifo.ts' },
      { from: 'src/cluster/pool.ts', specifier: '../util/clock.js', target: 'src/util/clock.ts' },
      { from: 'src/cluster/pool.ts', specifier: 'generic-pool' },
      { from: 'src/producer/sender.ts', specifier: '../cluster/router.js', target: 'src/cluster/router.ts' },
      { from: 'src/producer/sender.ts', specifier: './accumulator.js', target: 'src/producer/accumulator.ts' },
      { from: 'src/util/backoff.ts', specifier: '../errors.js', target: 'src/errors.ts' },
      { from: 'src/util/x.ts', specifier: '../instrumentation.js', target: 'src/instrumentation.ts' },
      { from: 'src/errors.ts', specifier: './protocol/generated/error-table.js', target: 'src/protocol/generated/error-table.ts' },
      { from: 'src/index.ts', specifier: './producer/producer.js', target: 'src/producer/producer.ts' },
      { from: 'src/cli/main.ts', specifier: '../index.js', target: 'src/index.ts' },
      { from: 'src/client-options.ts', specifier: './network/address.js', target: 'src/network/address.ts' },
      { from: 'src/admin/admin.ts', specifier: '../client-options.js', target: 'src/client-options.ts' },
      { from: 'test/fixtures/broker/cluster.ts', specifier: '../../../src/protocol/api.js', target: 'src/protocol/api.ts' },
      { from: 'test/fixtures/broker/cluster.ts', specifier: './clock.js', target: 'test/fixtures/broker/clock.ts' },
      { from: 'test/fixtures/broker/cluster.ts', specifier: 'node:net' },
    ]
    assert.deepEqual(checkEdges(good, deps), [])
  })

  it('rejects imports that break the graph (one message per bad edge)', () => {
    const deps = new Set(['generic-pool'])
    const bad: [ImportEdge, RegExp][] = [
      [{ from: 'src/util/fifo.ts', specifier: '../protocol/api.js', target: 'src/protocol/api.ts' }, /util may not import protocol/],
      [{ from: 'src/protocol/api.ts', specifier: '../network/conn.js', target: 'src/network/conn.ts' }, /protocol may not import network/],
      [{ from: 'src/cluster/a.ts', specifier: '../producer/p.js', target: 'src/producer/p.ts' }, /cluster may not import producer/],
      [{ from: 'src/producer/p.ts', specifier: '../consumer/c.js', target: 'src/consumer/c.ts' }, /producer may not import consumer/],
      [{ from: 'src/admin/a.ts', specifier: '../producer/p.js', target: 'src/producer/p.ts' }, /admin may not import producer/],
      [{ from: 'src/client.ts', specifier: './index.js', target: 'src/index.ts' }, /client may not import index/],
      [{ from: 'src/index.ts', specifier: './cli/main.js', target: 'src/cli/main.ts' }, /index may not import cli/],
      [{ from: 'src/network/c.ts', specifier: '../client-options.js', target: 'src/client-options.ts' }, /network may not import options/],
      [{ from: 'src/errors.ts', specifier: './util/fifo.js', target: 'src/util/fifo.ts' }, /errors may not import util/],
      [{ from: 'src/instrumentation.ts', specifier: './cluster/a.js', target: 'src/cluster/a.ts' }, /instrumentation may not import cluster/],
      [{ from: 'test/fixtures/broker/a.ts', specifier: '../../../src/network/c.js', target: 'src/network/c.ts' }, /broker may not import network/],
      [{ from: 'test/fixtures/broker/a.ts', specifier: '../../helpers/x.js', target: 'test/helpers/x.ts' }, /test\/helpers\/x.ts belongs to no layer/],
      [{ from: 'test/fixtures/broker/a.ts', specifier: 'generic-pool' }, /broker imports no npm packages/],
      [{ from: 'src/util/a.ts', specifier: '../../test/helpers/x.js', target: 'test/helpers/x.ts' }, /belongs to no layer/],
      [{ from: 'src/misc.ts', specifier: './util/a.js', target: 'src/util/a.ts' }, /src\/misc.ts: file belongs to no layer/],
      [{ from: 'src/util/a.ts', specifier: 'kafkajs' }, /'kafkajs' is not in package.json dependencies/],
      [{ from: 'src/util/a.ts', specifier: 'fs' }, /use the node: prefix/],
      [{ from: 'src/util/a.ts', specifier: './b', target: 'src/util/b' }, /relative imports end in \.js/],
    ]
    for (const [edge, re] of bad) {
      const messages = checkEdges([edge], deps)
      assert.equal(messages.length, 1, `${edge.from} -> ${edge.specifier}: ${messages.join('; ')}`)
      assert.match(messages[0]!, re)
    }
    // and all at once: the whole bad list yields as many violations as bad edges
    assert.equal(checkEdges(bad.map(([e]) => e), deps).length, bad.length)
  })
})
