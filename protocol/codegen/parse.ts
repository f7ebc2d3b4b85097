// Parser for the schema notation of protocol/README.md. Used by the generator (main.ts) and by
// the parity test. Errors name the file and line; nothing is guessed: an unknown modifier, a bad
// indent or an unresolved struct is an error.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ALL_VERSIONS,
  type FieldSpec,
  type MessageKind,
  type MessageSpec,
  PRIMITIVES,
  type PrimitiveName,
  parseRange,
  type SchemaFile,
  type TypeRef,
  type VersionRange,
} from './model.js'

interface RawLine {
  readonly indent: number
  readonly text: string
  readonly line: number
}

interface RawField {
  readonly name: string
  readonly typeText: string
  readonly mods: readonly string[]
  readonly line: number
  readonly children: RawField[]
}

class SchemaSyntaxError extends Error {
  constructor(path: string, line: number, message: string) {
    super(`${path}:${line}: ${message}`)
    this.name = 'SchemaSyntaxError'
  }
}

function lex(text: string): RawLine[] {
  const out: RawLine[] = []
  text.split('\n').forEach((raw, i) => {
    const noComment = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '')
    if (noComment.trim() === '') return
    const indent = noComment.length - noComment.trimStart().length
    out.push({ indent, text: noComment.trim(), line: i + 1 })
  })
  return out
}

function isPrimitive(name: string): name is PrimitiveName {
  return (PRIMITIVES as readonly string[]).includes(name)
}

/** Parses one schema file's text. `path` is used in error messages only. */
export function parseSchema(text: string, path: string): SchemaFile {
  const lines = lex(text)
  const fail = (line: number, msg: string): never => {
    throw new SchemaSyntaxError(path, line, msg)
  }
  let i = 0
  const head = lines[i++] ?? fail(1, 'empty schema file')
  const hm = /^(api|header|data)\s+(?:(\d+)\s+)?([A-Za-z][A-Za-z0-9]*)$/.exec(head.text)
  if (!hm) return fail(head.line, `expected 'api N Name', 'header Name' or 'data Name'`)
  const kind = hm[1] as 'api' | 'header' | 'data'
  const apiKey = hm[2] === undefined ? undefined : Number(hm[2])
  if ((kind === 'api') !== (apiKey !== undefined)) fail(head.line, 'only api files carry a key')
  const name = hm[3]!
  let versions: VersionRange | undefined
  let flexible: VersionRange | undefined
  while (i < lines.length) {
    const l = lines[i]!
    const m = /^(versions|flexible)\s+(\S+)$/.exec(l.text)
    if (!m) break
    try {
      if (m[1] === 'versions') versions = parseRange(m[2]!)
      else flexible = parseRange(m[2]!)
    } catch (e) {
      fail(l.line, (e as Error).message)
    }
    i++
  }
  if (!versions) return fail(head.line, `missing 'versions' line`)
  if (!flexible) return fail(head.line, `missing 'flexible' line`)

  // Split into sections (request/response/fields), each with fields and shared structs.
  interface Section {
    kind: MessageKind
    fields: RawField[]
    structs: Map<string, RawField>
  }
  const sections: Section[] = []
  let current: Section | undefined
  let container: RawField[] | undefined
  while (i < lines.length) {
    const l = lines[i]!
    if (l.indent === 0) {
      if (l.text === 'request' || l.text === 'response' || l.text === 'fields') {
        const wanted = kind === 'api' ? l.text !== 'fields' : l.text === 'fields'
        if (!wanted) fail(l.line, `section '${l.text}' does not belong in a ${kind} file`)
        const sk = (l.text === 'fields' ? kind : l.text) as MessageKind
        current = { kind: sk, fields: [], structs: new Map() }
        sections.push(current)
        container = current.fields
        i++
        continue
      }
      const sm = /^struct\s+([A-Z][A-Za-z0-9]*)$/.exec(l.text)
      if (sm) {
        if (!current) fail(l.line, 'struct before any section')
        const s: RawField = { name: sm[1]!, typeText: sm[1]!, mods: [], line: l.line, children: [] }
        if (current!.structs.has(s.name)) fail(l.line, `struct ${s.name} declared twice`)
        current!.structs.set(s.name, s)
        container = s.children
        i++
        continue
      }
      fail(l.line, `unexpected '${l.text}' at column 0`)
    }
    if (!container) fail(l.line, 'field outside a section')
    i = parseFields(lines, i, 2, container!, fail)
  }
  if (kind === 'api') {
    if (sections.length !== 2 || sections[0]!.kind !== 'request' || sections[1]!.kind !== 'response') {
      fail(head.line, 'an api file has a request section followed by a response section')
    }
  } else if (sections.length !== 1) {
    fail(head.line, `a ${kind} file has exactly one 'fields' section`)
  }

  const messages: MessageSpec[] = sections.map((s) => {
    const shared = new Map<string, TypeRef & { kind: 'struct' }>()
    const resolving = new Set<string>()
    const resolveShared = (sname: string, line: number): TypeRef & { kind: 'struct' } => {
      const done = shared.get(sname)
      if (done) return done
      const raw = s.structs.get(sname)
      if (!raw) return fail(line, `unknown struct '${sname}' (no inline fields and no 'struct ${sname}')`)
      if (resolving.has(sname)) return fail(line, `struct ${sname} contains itself`)
      resolving.add(sname)
      const t = { kind: 'struct' as const, name: sname, shared: true, fields: raw.children.map(build) }
      shared.set(sname, t)
      return t
    }
    const buildType = (text: string, f: RawField): TypeRef => {
      if (text.startsWith('[]')) return { kind: 'array', elem: buildType(text.slice(2), f) }
      if (isPrimitive(text)) {
        if (f.children.length > 0) fail(f.line, `primitive ${text} cannot have fields`)
        return { kind: 'primitive', name: text }
      }
      if (!/^[A-Z][A-Za-z0-9]*$/.test(text)) return fail(f.line, `unknown type '${text}'`)
      if (f.children.length > 0) {
        if (s.structs.has(text)) fail(f.line, `inline struct ${text} shadows a shared struct`)
        return { kind: 'struct', name: text, shared: false, fields: f.children.map(build) }
      }
      return resolveShared(text, f.line)
    }
    function build(f: RawField): FieldSpec {
      let fversions: VersionRange = ALL_VERSIONS
      let nullable: VersionRange | 'all' | undefined
      let tag: number | undefined
      let def: string | undefined
      let flex: VersionRange | undefined
      for (const mod of f.mods) {
        try {
          if (/^v(\d|none)/.test(mod)) fversions = parseRange(mod.slice(1))
          else if (mod === 'null') nullable = 'all'
          else if (mod.startsWith('null:')) nullable = parseRange(mod.slice(5))
          else if (/^tag:\d+$/.test(mod)) tag = Number(mod.slice(4))
          else if (mod.startsWith('=')) def = mod.slice(1)
          else if (mod.startsWith('flex:')) flex = parseRange(mod.slice(5))
          else fail(f.line, `unknown modifier '${mod}'`)
        } catch (e) {
          if (e instanceof SchemaSyntaxError) throw e
          fail(f.line, (e as Error).message)
        }
      }
      const type = buildType(f.typeText, f)
      return {
        name: f.name,
        type,
        versions: fversions,
        nullable: nullable === 'all' ? fversions : (nullable ?? { min: 1, max: 0 }),
        tag,
        default: def,
        flexible: flex,
        line: f.line,
      }
    }
    const fields = s.fields.map(build)
    for (const sname of s.structs.keys()) resolveShared(sname, s.structs.get(sname)!.line)
    const msgName = kind === 'api' ? `${name}${s.kind === 'request' ? 'Request' : 'Response'}` : name
    return { name: msgName, kind: s.kind, fields, structs: shared }
  })
  return { path, kind, apiKey, name, versions, flexible, messages }
}

/** Reads a run of field lines at `indent`, recursing into deeper ones. Returns the next index. */
function parseFields(
  lines: readonly RawLine[],
  start: number,
  indent: number,
  out: RawField[],
  fail: (line: number, msg: string) => never,
): number {
  let i = start
  while (i < lines.length) {
    const l = lines[i]!
    if (l.indent < indent) return i
    if (l.indent > indent) fail(l.line, `indent ${l.indent}, expected ${indent}`)
    // Strings in defaults never contain spaces in Kafka's definitions, so split on whitespace.
    const parts = l.text.split(/\s+/)
    if (parts.length < 2) fail(l.line, 'a field line is: Name Type [modifiers]')
    const [fname, ftype, ...mods] = parts as [string, string, ...string[]]
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(fname)) fail(l.line, `bad field name '${fname}'`)
    const f: RawField = { name: fname, typeText: ftype, mods, line: l.line, children: [] }
    out.push(f)
    i = parseFields(lines, i + 1, indent + 2, f.children, fail)
  }
  return i
}

/** Parses every `*.schema` file in `dir`, sorted by name. */
export function loadSchemas(dir: string): SchemaFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.schema') && f !== 'errors.schema')
    .sort()
    .map((f) => parseSchema(readFileSync(join(dir, f), 'utf8'), join(dir, f)))
}
