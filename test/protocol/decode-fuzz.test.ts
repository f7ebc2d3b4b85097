// Decoder robustness: for every generated decoder (each distinct function once), random bytes,
// truncations and bit flips of valid encodings must decode to a value or throw
// ProtocolDecodeError: never another exception, a hang or an allocation sized by the input's
// claims. Seeded, bounded iterations; the frame helpers of src/protocol/api.ts get the same.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { MessageSpec, SchemaFile } from '../../protocol/codegen/model.js'
import { kebab } from '../../protocol/codegen/names.js'
import { loadSchemas } from '../../protocol/codegen/parse.js'
import { ProtocolDecodeError } from '../../src/errors.js'
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame } from '../../src/protocol/api.js'
import { API_BY_KEY } from '../../src/protocol/generated/index.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer } from '../../src/protocol/primitives/writer.js'
import { prng } from '../../src/util/prng.js'
import { RandomMessages } from '../helpers/random-message.js'

const schemas = loadSchemas(join(import.meta.dirname, '..', '..', 'protocol'))
const RANDOM_INPUTS = 60
const VALID_SAMPLES = 4
const MUTATIONS_PER_SAMPLE = 40

type Enc = (w: Writer, m: unknown) => void
type Dec = (r: Reader) => unknown

/** Runs `fn`; returns true on success, false on ProtocolDecodeError, fails the test otherwise. */
function survives(fn: () => unknown, label: string, input: Buffer): boolean {
  try {
    fn()
    return true
  } catch (e) {
    if (e instanceof ProtocolDecodeError) return false
    assert.fail(`${label}: ${String(e)} on input ${input.toString('hex').slice(0, 200)}`)
  }
}

function strict(dec: Dec, buf: Buffer): unknown {
  const r = new Reader(buf)
  const v = dec(r)
  r.expectEnd()
  return v
}

function mutations(rnd: () => number, valid: Buffer): Buffer[] {
  const out: Buffer[] = []
  const int = (n: number): number => Math.floor(rnd() * n)
  for (let i = 0; i < MUTATIONS_PER_SAMPLE; i++) {
    const kind = i % 4
    if (kind === 0) {
      out.push(valid.subarray(0, int(valid.length)))
    } else if (kind === 3) {
      // Overwrite a byte with a length-like extreme (0x7f/0xff) to provoke huge counts.
      const b = Buffer.from(valid)
      if (b.length > 0) b[int(b.length)] = rnd() < 0.5 ? 0x7f : 0xff
      out.push(b)
    } else {
      const b = Buffer.from(valid)
      const flips = 1 + int(3)
      for (let f = 0; f < flips && b.length > 0; f++) {
        const at = int(b.length)
        b[at] = b[at]! ^ (1 << int(8))
      }
      out.push(b)
    }
  }
  return out
}

function randomBytes(rnd: () => number, max: number): Buffer {
  const n = Math.floor(rnd() * max)
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256)
  return b
}

interface Target {
  readonly label: string
  readonly file: SchemaFile
  readonly message: MessageSpec
  readonly version: number
  readonly enc: Enc
  readonly dec: Dec
}

async function targets(): Promise<Target[]> {
  const out: Target[] = []
  const seen = new Set<Dec>()
  for (const file of schemas) {
    for (let v = file.versions.min; v <= file.versions.max; v++) {
      if (file.kind === 'api') {
        const api = API_BY_KEY.get(file.apiKey!)
        assert.ok(api, `descriptor for ${file.name}`)
        const pairs: [MessageSpec, Enc, Dec][] = [
          [file.messages[0]!, api.encodeRequest[v] as Enc, api.decodeRequest[v] as Dec],
          [file.messages[1]!, api.encodeResponse[v] as Enc, api.decodeResponse[v] as Dec],
        ]
        for (const [message, enc, dec] of pairs) {
          if (seen.has(dec)) continue
          seen.add(dec)
          out.push({ label: `${message.name} v${v}`, file, message, version: v, enc, dec })
        }
      } else {
        const mod = (await import(`../../src/protocol/generated/${kebab(file.name)}.js`)) as Record<string, unknown>
        const enc = mod[`encode${file.name}V${v}`] as Enc
        const dec = mod[`decode${file.name}V${v}`] as Dec
        if (seen.has(dec)) continue
        seen.add(dec)
        out.push({ label: `${file.name} v${v}`, file, message: file.messages[0]!, version: v, enc, dec })
      }
    }
  }
  return out
}

describe('decoders survive hostile input', async () => {
  const all = await targets()

  it(`covers every distinct decoder (${all.length})`, () => {
    assert.ok(all.length > 0)
    for (const t of all) assert.equal(typeof t.dec, 'function', t.label)
  })

  for (const t of all) {
    it(t.label, () => {
      const rnd = prng(t.version * 7919 + t.label.length)
      for (let i = 0; i < RANDOM_INPUTS; i++) {
        const input = randomBytes(rnd, 96)
        survives(() => strict(t.dec, input), t.label, input)
      }
      const messages = new RandomMessages(t.version * 31 + t.label.length)
      for (let s = 0; s < VALID_SAMPLES; s++) {
        const w = new Writer()
        t.enc(w, messages.message(t.file, t.message, t.version))
        const valid = w.finish()
        assert.ok(survives(() => strict(t.dec, valid), t.label, valid), `${t.label}: valid input decodes`)
        for (const m of mutations(rnd, valid)) survives(() => strict(t.dec, m), t.label, m)
        // A shorter window over the same bytes must fail cleanly too (no reads past `end`).
        if (valid.length > 0) {
          const cut = valid.length - 1
          assert.equal(survives(() => strict(t.dec, valid.subarray(0, cut)), t.label, valid), false, `${t.label} truncated`)
        }
      }
    })
  }

  it('frame decoders throw only ProtocolDecodeError or UnsupportedVersionError', () => {
    const rnd = prng(99)
    const messages = new RandomMessages(100)
    for (const file of schemas) {
      if (file.kind !== 'api') continue
      const api = API_BY_KEY.get(file.apiKey!)!
      const v = file.versions.max
      const req = encodeRequestFrame(api, v, 1, 'c', messages.message(file, file.messages[0]!, v)).subarray(4)
      const res = encodeResponseFrame(api, v, 1, messages.message(file, file.messages[1]!, v)).subarray(4)
      for (const m of mutations(rnd, req)) {
        try {
          decodeRequestFrame(m)
        } catch (e) {
          assert.ok(
            e instanceof ProtocolDecodeError || (e instanceof Error && e.name === 'UnsupportedVersionError'),
            `${file.name} request frame: ${String(e)}`,
          )
        }
      }
      for (const m of mutations(rnd, res)) survives(() => decodeResponseFrame(api, v, m), `${file.name} response frame`, m)
    }
  })

  it('data-structure helpers decode random bytes safely', async () => {
    const rnd = prng(5)
    for (const file of schemas) {
      if (file.kind !== 'data') continue
      const mod = (await import(`../../src/protocol/generated/${kebab(file.name)}.js`)) as Record<string, unknown>
      const dec = mod[`decode${file.name}`] as (b: Buffer) => unknown
      for (let i = 0; i < 200; i++) {
        const input = randomBytes(rnd, 48)
        survives(() => dec(input), file.name, input)
      }
    }
  })
})
