// Emits the straight-line encoder and decoder of every (struct, version) of one message, plus
// default-value helpers. Functions whose text is identical across versions are emitted once and
// shared (the alias map), so the output has no run-time version branches. Called by emit.ts.
// Invariant: decoders build objects with every window field in schema order (one hidden class).
import type { FieldSpec, TypeRef } from './model.js'
import {
  type DefaultSpec,
  defaultOf,
  type FieldInVersion,
  fieldInVersion,
  hasFlexible,
  isFlexible,
  isOptional,
  type MessageShape,
  type StructInfo,
  structOf,
  tsElemType,
  tsFieldType,
  windowFields,
} from './shape.js'

/** Names the generated file must import, collected while emitting. */
export interface Imports {
  readonly used: Set<'encodeError' | 'EMPTY_BUFFER' | 'UnknownTaggedField'>
}

function q(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

export class MessageCodegen {
  readonly #shape: MessageShape
  readonly #imports: Imports
  readonly #chunks: string[] = []
  /** `${kind}:${struct}:${v}` → function name */
  readonly #byVersion = new Map<string, string>()
  /** `${kind}:${struct}\n${body}` → canonical function name */
  readonly #byBody = new Map<string, string>()
  readonly #helpers = new Set<string>()

  constructor(shape: MessageShape, imports: Imports) {
    this.#shape = shape
    this.#imports = imports
  }

  /** Generated code so far, in a deterministic order. */
  get chunks(): readonly string[] {
    return this.#chunks
  }

  #struct(name: string): StructInfo {
    const s = this.#shape.structs.get(name)
    if (!s) throw new Error(`internal: no struct ${name}`)
    return s
  }

  #where(f: FieldSpec): string {
    return `${this.#shape.file.path}:${f.line}`
  }

  // ---- defaults ----

  defaultExpr(f: FieldSpec): string {
    return this.#defaultSource(defaultOf(f, this.#where(f)))
  }

  #defaultSource(d: DefaultSpec): string {
    switch (d.kind) {
      case 'null':
        return 'null'
      case 'number':
        return Object.is(d.value, -0) ? '-0' : String(d.value)
      case 'bigint':
        return `${d.value}n`
      case 'bool':
        return String(d.value)
      case 'string':
        return q(d.value)
      case 'uuid':
        return q('AAAAAAAAAAAAAAAAAAAAAA')
      case 'bytes':
        this.#imports.used.add('EMPTY_BUFFER')
        return 'EMPTY_BUFFER'
      case 'array':
        return '[]'
      case 'struct':
        return `${this.defaultFn(d.struct.name)}()`
    }
  }

  /** `defaultX()`: a fresh object of X with every field at its default. */
  defaultFn(structName: string): string {
    const s = this.#struct(structName)
    const name = `default${s.iface}`
    if (this.#helpers.has(name)) return name
    this.#helpers.add(name)
    const props = windowFields(this.#shape.file, s).map((f) => `${propOf(f)}: ${this.defaultExpr(f)}`)
    this.#chunks.push(
      `export function ${name}(): ${s.iface} {\n  return { ${props.join(', ')} }\n}\n`,
    )
    return name
  }

  /** `isDefaultX(v)`: true when every field of v equals its default (tagged struct omission). */
  isDefaultFn(structName: string): string {
    const s = this.#struct(structName)
    const name = `isDefault${s.iface}`
    if (this.#helpers.has(name)) return name
    this.#helpers.add(name)
    const file = this.#shape.file
    const conds = windowFields(file, s).map((f) => {
      const p = `v.${propOf(f)}`
      const c = this.#equalsDefault(f, p)
      return isOptional(file, s, f) ? `(${p} === undefined || ${c})` : c
    })
    if (hasFlexible(file, s)) conds.push('(v.unknownTaggedFields === undefined || v.unknownTaggedFields.length === 0)')
    const body = conds.length === 0 ? 'true' : conds.join(' &&\n    ')
    this.#chunks.push(`function ${name}(v: ${s.iface}): boolean {\n  return ${body}\n}\n`)
    return name
  }

  /** A condition that is true when the (defined) value `p` equals f's default. */
  #equalsDefault(f: FieldSpec, p: string): string {
    const d = defaultOf(f, this.#where(f))
    switch (d.kind) {
      case 'null':
        return `${p} === null`
      case 'bytes':
      case 'array':
        return `${p} !== null && ${p}.length === 0`
      case 'struct':
        return `${p} !== null && ${this.isDefaultFn(d.struct.name)}(${p})`
      default:
        return `${p} === ${this.#defaultSource(d)}`
    }
  }

  // ---- encoders ----

  encoderFor(structName: string, v: number): string {
    const key = `e:${structName}:${v}`
    const known = this.#byVersion.get(key)
    if (known) return known
    const s = this.#struct(structName)
    const body = this.#encoderBody(s, v)
    const bodyKey = `e:${structName}\n${body}`
    let name = this.#byBody.get(bodyKey)
    if (!name) {
      name = `encode${s.iface}V${v}`
      this.#byBody.set(bodyKey, name)
      this.#chunks.push(`function ${name}(w: Writer, m: ${s.iface}): void {\n${body}}\n`)
    }
    this.#byVersion.set(key, name)
    return name
  }

  #encoderBody(s: StructInfo, v: number): string {
    const file = this.#shape.file
    const out: string[] = []
    let n = 0
    const tmp = (): string => `_${n++}`
    const tagged: FieldInVersion[] = []
    for (const f of s.fields) {
      const fv = fieldInVersion(file, f, v)
      if (!fv.present) continue
      if (fv.tagged) {
        tagged.push(fv)
        continue
      }
      const optional = isOptional(file, s, f)
      const nullableType = tsFieldType(this.#shape, s, f).endsWith('| null')
      const expr = this.#readProp('m', f, optional, nullableType)
      this.#encodeValue(out, '  ', f.type, expr, fv, nullableType, `${s.iface}.${fv.prop}`, v, tmp)
    }
    if (isFlexible(file, v)) {
      if (tagged.length === 0) {
        out.push('  w.taggedFields(m.unknownTaggedFields)')
      } else {
        tagged.sort((a, b) => a.field.tag! - b.field.tag!)
        out.push('  const unk = m.unknownTaggedFields', '  let count = unk === undefined ? 0 : unk.length')
        const conds: string[] = []
        for (const fv of tagged) {
          const t = `t${fv.field.tag}`
          out.push(`  const ${t} = m.${fv.prop}`)
          const c = `h${fv.field.tag}`
          out.push(`  const ${c} = ${t} !== undefined && !(${this.#equalsDefault(fv.field, t)})`)
          out.push(`  if (${c}) count++`)
          conds.push(c)
        }
        out.push('  w.uvarint(count)', '  let u = 0')
        for (const fv of tagged) {
          const tag = fv.field.tag!
          const t = `t${tag}`
          out.push(`  if (h${tag} && ${t} !== undefined) {`)
          out.push(`    u = w.unknownTaggedFields(unk, u, ${tag})`, `    w.uvarint(${tag})`, '    const start = w.length')
          const nullableType = tsFieldType(this.#shape, s, fv.field).endsWith('| null')
          if (fv.field.type.kind === 'struct' && fv.nullable) {
            out.push(`    if (${t} === null) w.int8(0)`, `    else {`, `      w.int8(1)`)
            out.push(`      ${this.encoderFor(fv.field.type.name, v)}(w, ${t})`, '    }')
          } else {
            this.#encodeValue(out, '    ', fv.field.type, t, fv, nullableType, `${s.iface}.${fv.prop}`, v, tmp)
          }
          out.push('    w.sizePrefixSince(start)', '  }')
        }
        out.push('  w.unknownTaggedFields(unk, u, Number.POSITIVE_INFINITY)')
      }
    }
    return out.map((l) => `${l}\n`).join('')
  }

  #readProp(obj: string, f: FieldSpec, optional: boolean, nullableType: boolean): string {
    const p = `${obj}.${propOf(f)}`
    if (!optional) return p
    const d = this.defaultExpr(f)
    return nullableType ? `(${p} === undefined ? ${d} : ${p})` : `(${p} ?? ${d})`
  }

  #nullCheck(out: string[], ind: string, x: string, label: string, v: number): void {
    this.#imports.used.add('encodeError')
    out.push(`${ind}if (${x} === null) throw encodeError(${q(`${label} is null but not nullable in version ${v}`)})`)
  }

  #encodeValue(
    out: string[],
    ind: string,
    t: TypeRef,
    expr: string,
    fv: { compact: boolean; nullable: boolean },
    mayBeNull: boolean,
    label: string,
    v: number,
    tmp: () => string,
  ): void {
    const c = fv.compact
    if (t.kind === 'primitive') {
      switch (t.name) {
        case 'string':
        case 'bytes':
        case 'records': {
          const m = t.name === 'string' ? (c ? 'compactString' : 'string') : c ? 'compactBytes' : 'bytes'
          if (mayBeNull && !fv.nullable) {
            const x = tmp()
            out.push(`${ind}const ${x} = ${expr}`)
            this.#nullCheck(out, ind, x, label, v)
            out.push(`${ind}w.${m}(${x})`)
          } else {
            out.push(`${ind}w.${m}(${expr})`)
          }
          return
        }
        default:
          out.push(`${ind}w.${t.name}(${expr})`)
          return
      }
    }
    if (t.kind === 'struct') {
      const enc = this.encoderFor(t.name, v)
      if (!mayBeNull) {
        out.push(`${ind}${enc}(w, ${expr})`)
        return
      }
      const x = tmp()
      out.push(`${ind}const ${x} = ${expr}`)
      if (fv.nullable) {
        out.push(`${ind}if (${x} === null) w.int8(-1)`, `${ind}else {`, `${ind}  w.int8(1)`, `${ind}  ${enc}(w, ${x})`, `${ind}}`)
      } else {
        this.#nullCheck(out, ind, x, label, v)
        out.push(`${ind}${enc}(w, ${x})`)
      }
      return
    }
    // array
    const a = tmp()
    out.push(`${ind}const ${a} = ${expr}`)
    let inner = ind
    if (mayBeNull) {
      if (fv.nullable) {
        out.push(`${ind}if (${a} === null) w.${c ? 'uvarint(0)' : 'int32(-1)'}`, `${ind}else {`)
        inner = `${ind}  `
      } else {
        this.#nullCheck(out, ind, a, label, v)
      }
    }
    out.push(`${inner}w.${c ? `uvarint(${a}.length + 1)` : `int32(${a}.length)`}`)
    const i = tmp()
    out.push(`${inner}for (let ${i} = 0; ${i} < ${a}.length; ${i}++) {`)
    const elemFv = { compact: c, nullable: false }
    this.#encodeValue(out, `${inner}  `, t.elem, `${a}[${i}]!`, elemFv, false, `${label}[]`, v, tmp)
    out.push(`${inner}}`)
    if (inner !== ind) out.push(`${ind}}`)
  }

  // ---- decoders ----

  decoderFor(structName: string, v: number): string {
    const key = `d:${structName}:${v}`
    const known = this.#byVersion.get(key)
    if (known) return known
    const s = this.#struct(structName)
    const body = this.#decoderBody(s, v)
    const bodyKey = `d:${structName}\n${body}`
    let name = this.#byBody.get(bodyKey)
    if (!name) {
      name = `decode${s.iface}V${v}`
      this.#byBody.set(bodyKey, name)
      this.#chunks.push(`function ${name}(r: Reader): ${s.iface} {\n${body}}\n`)
    }
    this.#byVersion.set(key, name)
    return name
  }

  #decoderBody(s: StructInfo, v: number): string {
    const file = this.#shape.file
    const out: string[] = []
    let n = 0
    const tmp = (): string => `_${n++}`
    const values = new Map<FieldSpec, string>()
    const tagged: FieldInVersion[] = []
    for (const f of s.fields) {
      const fv = fieldInVersion(file, f, v)
      if (!fv.present) continue
      if (fv.tagged) {
        tagged.push(fv)
        continue
      }
      const local = `f_${fv.prop}`
      const expr = this.#decodeValue(out, '  ', f.type, fv, v, tmp)
      out.push(`  const ${local} = ${expr}`)
      values.set(f, local)
    }
    const flexible = isFlexible(file, v)
    if (flexible) {
      if (tagged.length === 0) {
        out.push('  const unk = r.taggedFields()')
      } else {
        this.#imports.used.add('UnknownTaggedField')
        tagged.sort((a, b) => a.field.tag! - b.field.tag!)
        for (const fv of tagged) {
          const local = `f_${fv.prop}`
          const ty = tsFieldType(this.#shape, s, fv.field)
          out.push(`  let ${local}: ${ty} = ${this.defaultExpr(fv.field)}`)
          values.set(fv.field, local)
        }
        out.push('  let unk: UnknownTaggedField[] | undefined', '  const count = r.uvarint()')
        out.push('  for (let i = 0; i < count; i++) {', '    const tag = r.uvarint()', '    switch (tag) {')
        for (const fv of tagged) {
          out.push(`      case ${fv.field.tag}: {`, '        const end = r.beginTagged(r.uvarint())')
          const local = `f_${fv.prop}`
          if (fv.field.type.kind === 'struct' && fv.nullable) {
            out.push(`        ${local} = r.int8() === 0 ? null : ${this.decoderFor(fv.field.type.name, v)}(r)`)
          } else {
            const expr = this.#decodeValue(out, '        ', fv.field.type, fv, v, tmp)
            out.push(`        ${local} = ${expr}`)
          }
          out.push('        r.endTagged(end)', '        break', '      }')
        }
        out.push('      default:', '        if (unk === undefined) unk = []', '        unk.push(r.unknownTaggedField(tag))')
        out.push('    }', '  }')
      }
    }
    const props = windowFields(file, s).map((f) => `${propOf(f)}: ${values.get(f) ?? this.defaultExpr(f)}`)
    const obj = `{ ${props.join(', ')} }`
    if (flexible) {
      out.push(`  const o: ${s.iface} = ${obj}`, '  if (unk !== undefined) o.unknownTaggedFields = unk', '  return o')
    } else {
      out.push(`  return ${obj}`)
    }
    return out.map((l) => `${l}\n`).join('')
  }

  /** Emits any statements needed into `out` and returns an expression for the decoded value. */
  #decodeValue(
    out: string[],
    ind: string,
    t: TypeRef,
    fv: { compact: boolean; nullable: boolean },
    v: number,
    tmp: () => string,
  ): string {
    const c = fv.compact
    if (t.kind === 'primitive') {
      switch (t.name) {
        case 'string':
          return fv.nullable ? `r.${c ? 'compactString' : 'string'}()` : `r.${c ? 'requiredCompactString' : 'requiredString'}()`
        case 'bytes':
        case 'records':
          return fv.nullable ? `r.${c ? 'compactBytes' : 'bytes'}()` : `r.${c ? 'requiredCompactBytes' : 'requiredBytes'}()`
        default:
          return `r.${t.name}()`
      }
    }
    if (t.kind === 'struct') {
      const dec = this.decoderFor(t.name, v)
      return fv.nullable ? `(r.int8() < 0 ? null : ${dec}(r))` : `${dec}(r)`
    }
    const len = tmp()
    const a = tmp()
    const min = this.#minSize(t.elem, c, v)
    out.push(`${ind}const ${len} = r.${c ? 'compactArrayLength' : 'arrayLength'}(${min})`)
    const et = tsElemType(this.#shape, t.elem)
    const elemFv = { compact: c, nullable: false }
    const i = tmp()
    if (fv.nullable) {
      out.push(`${ind}let ${a}: ${et}[] | null = null`, `${ind}if (${len} >= 0) {`, `${ind}  ${a} = []`)
      const e = this.#decodeValue(out, `${ind}  `, t.elem, elemFv, v, tmp)
      out.push(`${ind}  for (let ${i} = 0; ${i} < ${len}; ${i}++) ${a}.push(${e})`, `${ind}}`)
    } else {
      out.push(`${ind}if (${len} < 0) throw r.error('null array in a non-nullable field')`)
      out.push(`${ind}const ${a}: ${et}[] = []`)
      const e = this.#decodeValue(out, ind, t.elem, elemFv, v, tmp)
      out.push(`${ind}for (let ${i} = 0; ${i} < ${len}; ${i}++) ${a}.push(${e})`)
    }
    return a
  }

  /** Fewest bytes one value of `t` takes on the wire in version v (for array count checks). */
  #minSize(t: TypeRef, compact: boolean, v: number): number {
    if (t.kind === 'array') return compact ? 1 : 4
    if (t.kind === 'struct') {
      const file = this.#shape.file
      let size = isFlexible(file, v) ? 1 : 0
      for (const f of t.fields) {
        const fv = fieldInVersion(file, f, v)
        if (!fv.present || fv.tagged) continue
        if (fv.nullable && structOf(f.type) === f.type) size += 1
        else size += this.#minSize(f.type, fv.compact, v)
      }
      return size
    }
    switch (t.name) {
      case 'bool':
      case 'int8':
        return 1
      case 'int16':
      case 'uint16':
        return 2
      case 'int32':
      case 'uint32':
        return 4
      case 'int64':
      case 'float64':
        return 8
      case 'uuid':
        return 16
      case 'string':
        return compact ? 1 : 2
      case 'bytes':
      case 'records':
        return compact ? 1 : 4
    }
  }
}

function propOf(f: FieldSpec): string {
  return f.name.charAt(0).toLowerCase() + f.name.slice(1)
}
