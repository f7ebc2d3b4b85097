// The in-memory model of a parsed `protocol/*.schema` file (notation: protocol/README.md).
// Produced by parse.ts; consumed by the generator and by the schema parity test.
// Invariant: every struct reference is resolved, so a `struct` TypeRef always carries its fields.

/** Inclusive version range; `max` is Infinity for open ranges (`3+`); empty when min > max. */
export interface VersionRange {
  readonly min: number
  readonly max: number
}

export const NO_VERSIONS: VersionRange = { min: 1, max: 0 }
export const ALL_VERSIONS: VersionRange = { min: 0, max: Number.POSITIVE_INFINITY }

export const PRIMITIVES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint16',
  'uint32',
  'float64',
  'uuid',
  'string',
  'bytes',
  'records',
] as const
export type PrimitiveName = (typeof PRIMITIVES)[number]

export type TypeRef =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  | { readonly kind: 'array'; readonly elem: TypeRef }
  | {
      readonly kind: 'struct'
      readonly name: string
      /** true when declared with a `struct` block (Kafka "common struct") rather than inline */
      readonly shared: boolean
      readonly fields: readonly FieldSpec[]
    }

export interface FieldSpec {
  readonly name: string
  readonly type: TypeRef
  readonly versions: VersionRange
  readonly nullable: VersionRange
  /** tag number when the field is tagged (in all its versions) */
  readonly tag: number | undefined
  /** default exactly as written after `=`, or undefined */
  readonly default: string | undefined
  /** field-level flexible override (`flex:none`), or undefined to follow the message */
  readonly flexible: VersionRange | undefined
  readonly line: number
}

export type MessageKind = 'request' | 'response' | 'header' | 'data'

export interface MessageSpec {
  /** e.g. ProduceRequest, RequestHeader, ConsumerProtocolSubscription */
  readonly name: string
  readonly kind: MessageKind
  readonly fields: readonly FieldSpec[]
  /** shared structs declared in this message's section, by name */
  readonly structs: ReadonlyMap<string, TypeRef & { kind: 'struct' }>
}

export interface SchemaFile {
  readonly path: string
  readonly kind: 'api' | 'header' | 'data'
  /** API key for `api` files */
  readonly apiKey: number | undefined
  /** e.g. Produce, RequestHeader, ConsumerProtocolSubscription */
  readonly name: string
  /** our supported window */
  readonly versions: VersionRange
  readonly flexible: VersionRange
  /** [request, response] for api files; a single message otherwise */
  readonly messages: readonly MessageSpec[]
}

export function inRange(r: VersionRange, v: number): boolean {
  return v >= r.min && v <= r.max
}

export function intersect(a: VersionRange, b: VersionRange): VersionRange {
  const min = Math.max(a.min, b.min)
  const max = Math.min(a.max, b.max)
  return min > max ? NO_VERSIONS : { min, max }
}

export function isEmpty(r: VersionRange): boolean {
  return r.min > r.max
}

export function formatRange(r: VersionRange): string {
  if (isEmpty(r)) return 'none'
  if (r.max === Number.POSITIVE_INFINITY) return `${r.min}+`
  return r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`
}

/** Parses `3+`, `0-2`, `5`, `none` (also Kafka's own spelling of ranges). */
export function parseRange(text: string): VersionRange {
  const t = text.trim()
  if (t === 'none') return NO_VERSIONS
  let m = /^(\d+)\+$/.exec(t)
  if (m) return { min: Number(m[1]), max: Number.POSITIVE_INFINITY }
  m = /^(\d+)-(\d+)$/.exec(t)
  if (m) return { min: Number(m[1]), max: Number(m[2]) }
  m = /^(\d+)$/.exec(t)
  if (m) return { min: Number(m[1]), max: Number(m[1]) }
  throw new Error(`bad version range '${text}'`)
}
