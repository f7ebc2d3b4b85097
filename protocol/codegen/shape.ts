// Version-resolved view of a parsed message for the generator and the random-message test
// helper: which structs exist in which versions, how each field is encoded in a version, its
// TypeScript type and its default. Pure functions of the model (model.ts); no output text
// except TypeScript type/default expressions.
import { type FieldSpec, inRange, type MessageSpec, type SchemaFile, type TypeRef } from './model.js'
import { camel, ifaceName } from './names.js'

export type StructType = TypeRef & { kind: 'struct' }

/** A struct as the generator sees it: the message body itself or a nested struct. */
export interface StructInfo {
  readonly name: string
  readonly iface: string
  readonly fields: readonly FieldSpec[]
  /** versions of the file's window in which this struct is on the wire (ascending) */
  readonly versions: readonly number[]
}

/** How one field is encoded in one version. */
export interface FieldInVersion {
  readonly field: FieldSpec
  readonly prop: string
  /** on the wire in this version (tagged fields only count in flexible versions) */
  readonly present: boolean
  readonly tagged: boolean
  /** compact encodings for this field's own length prefixes */
  readonly compact: boolean
  readonly nullable: boolean
}

export interface MessageShape {
  readonly file: SchemaFile
  readonly message: MessageSpec
  readonly window: readonly number[]
  readonly root: StructInfo
  /** every struct including the root, by schema struct name (root under the message name) */
  readonly structs: ReadonlyMap<string, StructInfo>
}

export function windowVersions(file: SchemaFile): number[] {
  const out: number[] = []
  for (let v = file.versions.min; v <= file.versions.max; v++) out.push(v)
  return out
}

export function isFlexible(file: SchemaFile, v: number): boolean {
  return inRange(file.flexible, v)
}

/** The struct a type refers to (directly or as an array element), if any. */
export function structOf(t: TypeRef): StructType | undefined {
  if (t.kind === 'struct') return t
  if (t.kind === 'array') return structOf(t.elem)
  return undefined
}

export function fieldInVersion(file: SchemaFile, f: FieldSpec, v: number): FieldInVersion {
  const flexible = isFlexible(file, v)
  const tagged = f.tag !== undefined
  const present = inRange(f.versions, v) && (!tagged || flexible)
  const compact = f.flexible === undefined ? flexible : inRange(f.flexible, v)
  return { field: f, prop: camel(f.name), present, tagged, compact, nullable: inRange(f.nullable, v) }
}

export function buildShape(file: SchemaFile, message: MessageSpec): MessageShape {
  const window = [...windowVersions(file)]
  const seen = new Map<string, { fields: readonly FieldSpec[]; versions: Set<number> }>()
  const visit = (name: string, fields: readonly FieldSpec[], v: number): void => {
    let s = seen.get(name)
    if (!s) {
      s = { fields, versions: new Set() }
      seen.set(name, s)
    } else if (s.fields !== fields && name !== message.name) {
      if (!sameFields(s.fields, fields)) throw new Error(`${file.path}: two different structs named ${name}`)
    }
    if (s.versions.has(v)) return
    s.versions.add(v)
    for (const f of fields) {
      if (!fieldInVersion(file, f, v).present) continue
      const st = structOf(f.type)
      if (st) visit(st.name, st.fields, v)
    }
  }
  for (const v of window) visit(message.name, message.fields, v)
  const structs = new Map<string, StructInfo>()
  for (const [name, s] of seen) {
    structs.set(name, {
      name,
      iface: ifaceName(message.name, name),
      fields: s.fields,
      versions: [...s.versions].sort((a, b) => a - b),
    })
  }
  const root = structs.get(message.name)!
  return { file, message, window, root, structs }
}

function sameFields(a: readonly FieldSpec[], b: readonly FieldSpec[]): boolean {
  return a.length === b.length && a.every((f, i) => f.name === b[i]!.name && f.line === b[i]!.line)
}

/** Fields that exist in some version of the struct's window (the interface's properties). */
export function windowFields(file: SchemaFile, s: StructInfo): FieldSpec[] {
  return s.fields.filter((f) => s.versions.some((v) => fieldInVersion(file, f, v).present))
}

/** Optional iff tagged or absent from some version of the struct's window. */
export function isOptional(file: SchemaFile, s: StructInfo, f: FieldSpec): boolean {
  if (f.tag !== undefined) return true
  return s.versions.some((v) => !fieldInVersion(file, f, v).present)
}

/** Nullable in some version in which the field is on the wire (records: always). */
export function isNullableType(file: SchemaFile, s: StructInfo, f: FieldSpec): boolean {
  if (f.type.kind === 'primitive' && f.type.name === 'records') return true
  return s.versions.some((v) => {
    const fv = fieldInVersion(file, f, v)
    return fv.present && fv.nullable
  })
}

/** true when any version of the struct's window is flexible (it may carry unknown tags). */
export function hasFlexible(file: SchemaFile, s: StructInfo): boolean {
  return s.versions.some((v) => isFlexible(file, v))
}

// ---- defaults ----

/** A field's default, independent of how it is printed or materialised. */
export type DefaultSpec =
  | { readonly kind: 'null' }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bigint'; readonly value: bigint }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'array' }
  | { readonly kind: 'struct'; readonly struct: StructType }

function parseInteger(text: string, where: string): bigint {
  const neg = text.startsWith('-')
  const body = neg ? text.slice(1) : text
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(body)) throw new Error(`${where}: bad integer default '${text}'`)
  const v = BigInt(body)
  return neg ? -v : v
}

export function defaultOf(f: FieldSpec, where: string): DefaultSpec {
  const d = f.default
  const t = f.type
  if (d === 'null') return { kind: 'null' }
  if (t.kind === 'array') {
    if (d !== undefined) throw new Error(`${where}: arrays only take =null as a default`)
    return { kind: 'array' }
  }
  if (t.kind === 'struct') {
    if (d !== undefined) throw new Error(`${where}: structs only take =null as a default`)
    return { kind: 'struct', struct: t }
  }
  switch (t.name) {
    case 'bool':
      if (d !== undefined && d !== 'true' && d !== 'false') throw new Error(`${where}: bad bool default '${d}'`)
      return { kind: 'bool', value: d === 'true' }
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'uint32':
      return { kind: 'number', value: d === undefined ? 0 : Number(parseInteger(d, where)) }
    case 'int64':
      return { kind: 'bigint', value: d === undefined ? 0n : parseInteger(d, where) }
    case 'float64': {
      const n = d === undefined ? 0 : Number(d)
      if (Number.isNaN(n)) throw new Error(`${where}: bad float default '${d}'`)
      return { kind: 'number', value: n }
    }
    case 'string': {
      if (d === undefined) return { kind: 'string', value: '' }
      const m = /^"(.*)"$/.exec(d)
      return { kind: 'string', value: m ? m[1]! : d }
    }
    case 'uuid':
      if (d !== undefined) throw new Error(`${where}: uuid defaults are not supported`)
      return { kind: 'uuid' }
    case 'bytes':
      if (d !== undefined) throw new Error(`${where}: bytes only take =null as a default`)
      return { kind: 'bytes' }
    case 'records':
      return { kind: 'null' }
  }
}

// ---- TypeScript types ----

export function tsElemType(shape: MessageShape, t: TypeRef): string {
  switch (t.kind) {
    case 'array': {
      const e = tsElemType(shape, t.elem)
      return `${e}[]`
    }
    case 'struct':
      return ifaceName(shape.message.name, t.name)
    case 'primitive':
      switch (t.name) {
        case 'bool':
          return 'boolean'
        case 'int64':
          return 'bigint'
        case 'uuid':
        case 'string':
          return 'string'
        case 'bytes':
        case 'records':
          return 'Buffer'
        default:
          return 'number'
      }
  }
}

export function tsFieldType(shape: MessageShape, s: StructInfo, f: FieldSpec): string {
  const base = tsElemType(shape, f.type)
  return isNullableType(shape.file, s, f) ? `${base} | null` : base
}
