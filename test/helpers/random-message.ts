// Random protocol messages for codec tests, built from the parsed schema model (not from the
// generated code): for a message and version, an object shaped exactly as the generated decoder
// returns it (every window field in schema order, absent fields at their defaults, sometimes
// unknown tagged fields). Deterministic for a given PRNG seed.
import type { FieldSpec, MessageSpec, SchemaFile, TypeRef } from '../../protocol/codegen/model.js'
import {
  buildShape,
  type DefaultSpec,
  defaultOf,
  fieldInVersion,
  isFlexible,
  type MessageShape,
  type StructInfo,
  windowFields,
} from '../../protocol/codegen/shape.js'
import { prng } from '../../src/util/prng.js'

const CHARS = ['a', 'b', 'z', 'A', '0', '-', '.', '_', ' ', 'é', '€', '😀', '\u0000']

export type Obj = Record<string, unknown>

export class RandomMessages {
  readonly #rnd: () => number
  readonly #shapes = new Map<MessageSpec, MessageShape>()

  constructor(seed: number) {
    this.#rnd = prng(seed)
  }

  #int(lo: number, hi: number): number {
    return lo + Math.floor(this.#rnd() * (hi - lo + 1))
  }

  #chance(p: number): boolean {
    return this.#rnd() < p
  }

  #shape(file: SchemaFile, message: MessageSpec): MessageShape {
    let s = this.#shapes.get(message)
    if (!s) {
      s = buildShape(file, message)
      this.#shapes.set(message, s)
    }
    return s
  }

  /** A random message of `message` in `version`, as the generated decoder would return it. */
  message(file: SchemaFile, message: MessageSpec, version: number): Obj {
    const shape = this.#shape(file, message)
    return this.#struct(shape, shape.root, version)
  }

  #structInfo(shape: MessageShape, name: string): StructInfo {
    const s = shape.structs.get(name)
    if (!s) throw new Error(`no struct ${name} in ${shape.message.name}`)
    return s
  }

  #struct(shape: MessageShape, s: StructInfo, v: number): Obj {
    const file = shape.file
    const o: Obj = {}
    const knownTags = new Set<number>()
    for (const f of windowFields(file, s)) {
      const fv = fieldInVersion(file, f, v)
      if (!fv.present) {
        o[fv.prop] = this.defaultValue(shape, f)
        continue
      }
      if (fv.tagged) {
        knownTags.add(f.tag!)
        if (this.#chance(0.3)) {
          o[fv.prop] = this.defaultValue(shape, f)
          continue
        }
      }
      o[fv.prop] = this.#value(shape, f.type, v, fv.nullable)
    }
    if (isFlexible(file, v) && this.#chance(0.15)) {
      const tags = new Set<number>()
      const n = this.#int(1, 2)
      while (tags.size < n) {
        const t = this.#int(0, 12)
        if (!knownTags.has(t)) tags.add(t)
      }
      o['unknownTaggedFields'] = [...tags]
        .sort((a, b) => a - b)
        .map((tag) => ({ tag, data: this.#bytes(4) }))
    }
    return o
  }

  #bytes(max: number): Buffer {
    const n = this.#int(0, max)
    const b = Buffer.alloc(n)
    for (let i = 0; i < n; i++) b[i] = this.#int(0, 255)
    return b
  }

  #string(): string {
    const n = this.#int(0, 6)
    let s = ''
    for (let i = 0; i < n; i++) s += CHARS[this.#int(0, CHARS.length - 1)]!
    return s
  }

  #bigint(): bigint {
    switch (this.#int(0, 3)) {
      case 0:
        return BigInt(this.#int(-3, 3))
      case 1:
        return -9223372036854775808n
      case 2:
        return 9223372036854775807n
      default:
        return BigInt.asIntN(64, (BigInt(this.#int(0, 0xffffffff)) << 32n) | BigInt(this.#int(0, 0xffffffff)))
    }
  }

  #value(shape: MessageShape, t: TypeRef, v: number, nullable: boolean): unknown {
    if (nullable && this.#chance(0.2)) return null
    if (t.kind === 'array') {
      const n = this.#int(0, 3)
      const out: unknown[] = []
      for (let i = 0; i < n; i++) out.push(this.#value(shape, t.elem, v, false))
      return out
    }
    if (t.kind === 'struct') return this.#struct(shape, this.#structInfo(shape, t.name), v)
    switch (t.name) {
      case 'bool':
        return this.#chance(0.5)
      case 'int8':
        return this.#int(-128, 127)
      case 'int16':
        return this.#int(-32768, 32767)
      case 'int32':
        return this.#chance(0.2) ? (this.#chance(0.5) ? -2147483648 : 2147483647) : this.#int(-1000, 1000)
      case 'uint16':
        return this.#int(0, 65535)
      case 'uint32':
        return this.#int(0, 0xffffffff)
      case 'int64':
        return this.#bigint()
      case 'float64':
        return this.#chance(0.1) ? Number.NaN : (this.#rnd() - 0.5) * 1e6
      case 'uuid':
        return this.#uuid()
      case 'string':
        return this.#string()
      case 'bytes':
      case 'records':
        return this.#bytes(8)
    }
  }

  #uuid(): string {
    const b = Buffer.alloc(16)
    for (let i = 0; i < 16; i++) b[i] = this.#int(0, 255)
    return b.toString('base64url')
  }

  /** The value the generated decoder uses for `f` when it is absent. */
  defaultValue(shape: MessageShape, f: FieldSpec): unknown {
    return this.#materialise(shape, defaultOf(f, `${shape.file.path}:${f.line}`))
  }

  #materialise(shape: MessageShape, d: DefaultSpec): unknown {
    switch (d.kind) {
      case 'null':
        return null
      case 'number':
      case 'bigint':
      case 'bool':
      case 'string':
        return d.value
      case 'uuid':
        return 'AAAAAAAAAAAAAAAAAAAAAA'
      case 'bytes':
        return Buffer.alloc(0)
      case 'array':
        return []
      case 'struct': {
        const s = this.#structInfo(shape, d.struct.name)
        const o: Obj = {}
        for (const f of windowFields(shape.file, s)) o[f.name.charAt(0).toLowerCase() + f.name.slice(1)] = this.defaultValue(shape, f)
        return o
      }
    }
  }
}
