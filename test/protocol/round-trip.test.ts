// Every schema x version x direction: random messages (from the parsed model, not from the
// generated code) are encoded, decoded back to a deep-equal value and re-encoded to identical
// bytes, through the generated codecs and the frame helpers of src/protocol/api.ts. A few
// frames are also checked against bytes written by hand with the test byte builder.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { MessageSpec, SchemaFile } from '../../protocol/codegen/model.js'
import { kebab } from '../../protocol/codegen/names.js'
import { loadSchemas } from '../../protocol/codegen/parse.js'
import {
  type ApiDescriptor,
  decodeRequestFrame,
  decodeRequestHeader,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../src/protocol/api.js'
import { API_BY_KEY, ApiVersionsApi, MetadataApi, ProduceApi } from '../../src/protocol/generated/index.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer } from '../../src/protocol/primitives/writer.js'
import { bb } from '../helpers/byte-builder.js'
import { RandomMessages } from '../helpers/random-message.js'

const SAMPLES = 12
const schemas = loadSchemas(join(import.meta.dirname, '..', '..', 'protocol'))

type Enc = (w: Writer, m: unknown) => void
type Dec = (r: Reader) => unknown

function roundTrip(enc: Enc, dec: Dec, msg: unknown, label: string): Buffer {
  const w = new Writer(32)
  enc(w, msg)
  const bytes = w.finish()
  const r = new Reader(bytes)
  const back = dec(r)
  assert.equal(r.remaining, 0, `${label}: ${r.remaining} bytes left unread`)
  assert.deepStrictEqual(back, msg, label)
  const w2 = new Writer(32)
  enc(w2, back)
  assert.deepEqual(w2.finish(), bytes, `${label}: re-encoding differs`)
  return bytes
}

function windowOf(file: SchemaFile): number[] {
  const out: number[] = []
  for (let v = file.versions.min; v <= file.versions.max; v++) out.push(v)
  return out
}

async function moduleOf(file: SchemaFile): Promise<Record<string, unknown>> {
  return (await import(`../../src/protocol/generated/${kebab(file.name)}.js`)) as Record<string, unknown>
}

function fn<T>(mod: Record<string, unknown>, name: string): T {
  const f = mod[name]
  assert.equal(typeof f, 'function', `generated module exports ${name}`)
  return f as T
}

describe('generated codecs round-trip random messages', () => {
  it('has a descriptor for exactly the api schemas', () => {
    const keys = schemas.filter((s) => s.kind === 'api').map((s) => s.apiKey)
    assert.deepEqual([...API_BY_KEY.keys()].sort((a, b) => a - b), keys.sort((a, b) => (a ?? 0) - (b ?? 0)))
  })

  for (const file of schemas) {
    describe(`${file.name} (${file.path.replace(/^.*protocol\//, '')})`, () => {
      if (file.kind === 'api') {
        const api = API_BY_KEY.get(file.apiKey!)
        it('descriptor matches the schema window', () => {
          assert.ok(api, `API_BY_KEY has ${file.apiKey}`)
          assert.equal(api.name, file.name)
          assert.equal(api.minVersion, file.versions.min)
          assert.equal(api.maxVersion, file.versions.max)
          const flex = file.flexible.min <= file.flexible.max ? file.flexible.min : Number.POSITIVE_INFINITY
          assert.equal(api.flexibleVersion, flex)
          assert.equal(api.encodeRequest[file.versions.min - 1], undefined)
          assert.equal(api.decodeResponse[file.versions.max + 1], undefined)
        })
        if (!api) return
        const [req, res] = file.messages as [MessageSpec, MessageSpec]
        for (const v of windowOf(file)) {
          it(`v${v} request and response`, () => {
            const rnd = new RandomMessages(file.apiKey! * 1000 + v)
            for (let i = 0; i < SAMPLES; i++) {
              const q = rnd.message(file, req, v)
              roundTrip(api.encodeRequest[v] as Enc, api.decodeRequest[v] as Dec, q, `${req.name} v${v} #${i}`)
              const frame: Buffer = encodeRequestFrame(api, v, i, i % 3 === 0 ? null : `client-${i}`, q)
              assert.equal(frame.readInt32BE(0), frame.length - 4)
              const got = decodeRequestFrame(frame.subarray(4))
              assert.equal(got.api, api)
              assert.deepEqual(
                [got.apiKey, got.apiVersion, got.correlationId, got.clientId],
                [file.apiKey, v, i, i % 3 === 0 ? null : `client-${i}`],
              )
              assert.deepStrictEqual(got.body, q)
              const s = rnd.message(file, res, v)
              roundTrip(api.encodeResponse[v] as Enc, api.decodeResponse[v] as Dec, s, `${res.name} v${v} #${i}`)
              const rframe = encodeResponseFrame(api, v, 1000 + i, s)
              const back: { correlationId: number; body: unknown } = decodeResponseFrame(api, v, rframe.subarray(4))
              assert.equal(back.correlationId, 1000 + i)
              assert.deepStrictEqual(back.body, s)
            }
          })
        }
        return
      }
      const msg = file.messages[0]!
      for (const v of windowOf(file)) {
        it(`v${v}`, async () => {
          const mod = await moduleOf(file)
          const enc = fn<Enc>(mod, `encode${file.name}V${v}`)
          const dec = fn<Dec>(mod, `decode${file.name}V${v}`)
          const rnd = new RandomMessages(7777 + v)
          for (let i = 0; i < SAMPLES; i++) roundTrip(enc, dec, rnd.message(file, msg, v), `${file.name} v${v} #${i}`)
        })
      }
      if (file.kind === 'data') {
        it('version-prefixed helpers, including a newer version with appended bytes', async () => {
          const mod = await moduleOf(file)
          const enc = fn<(value: unknown, version: number) => Buffer>(mod, `encode${file.name}`)
          const dec = fn<(buf: Buffer) => { version: number; value: unknown }>(mod, `decode${file.name}`)
          const rnd = new RandomMessages(4242)
          const max = file.versions.max
          for (const v of windowOf(file)) {
            const value = rnd.message(file, msg, v)
            const buf = enc(value, v)
            assert.equal(buf.readInt16BE(0), v)
            assert.deepStrictEqual(dec(buf), { version: v, value })
          }
          const value = rnd.message(file, msg, max)
          const newer = Buffer.concat([enc(value, max), Buffer.from([1, 2, 3])])
          newer.writeInt16BE(max + 1, 0)
          assert.deepStrictEqual(dec(newer), { version: max + 1, value })
          assert.throws(() => enc(value, max + 1), /outside/)
          assert.throws(() => dec(Buffer.concat([enc(value, max), Buffer.from([0])])), /trailing/)
        })
      }
    })
  }
})

describe('frame helpers against hand-written bytes', () => {
  const produce = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from([1, 2, 3]) }] }],
  }

  it('Produce v9 request: header v2 with an int16 client id, compact body, tag sections', () => {
    const body = bb()
      .i16(0).i16(9).i32(7).str('cli').tags()
      .cstr(null).i16(-1).i32(1000)
      .carr(1).cstr('t').carr(1).i32(0).cbytes(Buffer.from([1, 2, 3])).tags().tags()
      .tags()
    assert.deepEqual(encodeRequestFrame(ProduceApi, 9, 7, 'cli', produce), body.buildFrame())
    assert.equal(requestHeaderVersion(ProduceApi as ApiDescriptor<unknown, unknown>, 9), 2)
  })

  it('Produce v8 request: header v1, classic body', () => {
    const body = bb()
      .i16(0).i16(8).i32(7).str(null)
      .str(null).i16(-1).i32(1000)
      .arr(1).str('t').arr(1).i32(0).bytes(Buffer.from([1, 2, 3]))
    assert.deepEqual(encodeRequestFrame(ProduceApi, 8, 7, null, produce), body.buildFrame())
    assert.deepEqual(decodeRequestHeader(body.build()), { apiKey: 0, apiVersion: 8, correlationId: 7, clientId: null })
  })

  it('Produce v10 response: tagged CurrentLeader and NodeEndpoints, defaults for absent fields', () => {
    const leader = bb().i32(1).i32(2).tags()
    const endpoints = bb().carr(1).i32(1).cstr('h').i32(9092).cstr(null).tags()
    const frame = bb()
      .i32(7).tags()
      .carr(1).cstr('t').carr(1)
      .i32(0).i16(0).i64(5).i64(-1).i64(-1).carr(0).cstr(null).tags([[0, leader]])
      .tags()
      .i32(0).tags([[0, endpoints]])
    const decoded = decodeResponseFrame(ProduceApi, 10, frame.build())
    assert.equal(decoded.correlationId, 7)
    assert.deepStrictEqual(decoded.body, {
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 5n,
              logAppendTimeMs: -1n,
              logStartOffset: -1n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: 1, leaderEpoch: 2 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
    })
    assert.deepEqual(encodeResponseFrame(ProduceApi, 10, 7, decoded.body), frame.buildFrame())
  })

  it('omits tagged fields equal to their default and keeps unknown tags in order', () => {
    const frame = bb()
      .i32(7).tags()
      .carr(1).cstr('t').carr(1)
      .i32(0).i16(0).i64(5).i64(-1).i64(-1).carr(0).cstr(null)
      .tags([[0, bb().i32(-1).i32(-1).tags()], [3, bb().raw('ab')]])
      .tags()
      .i32(0).tags([[1, bb().raw('cdef')]])
    const decoded = decodeResponseFrame(ProduceApi, 10, frame.build())
    const p = decoded.body.responses[0]!.partitionResponses[0]!
    assert.deepStrictEqual(p.unknownTaggedFields, [{ tag: 3, data: Buffer.from([0xab]) }])
    assert.deepStrictEqual(decoded.body.unknownTaggedFields, [{ tag: 1, data: Buffer.from([0xcd, 0xef]) }])
    const expected = bb()
      .i32(7).tags()
      .carr(1).cstr('t').carr(1)
      .i32(0).i16(0).i64(5).i64(-1).i64(-1).carr(0).cstr(null)
      .tags([[3, bb().raw('ab')]])
      .tags()
      .i32(0).tags([[1, bb().raw('cdef')]])
    assert.deepEqual(encodeResponseFrame(ProduceApi, 10, 7, decoded.body), expected.buildFrame())
  })

  it('ApiVersions v3 response uses response header v0 (no tag byte after the correlation id)', () => {
    const expected = bb().i32(1).i16(0).carr(1).i16(18).i16(0).i16(4).tags().i32(0).tags()
    const body = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0 }
    assert.deepEqual(encodeResponseFrame(ApiVersionsApi, 3, 1, body), expected.buildFrame())
    assert.equal(responseHeaderVersion(ApiVersionsApi as ApiDescriptor<unknown, unknown>, 3), 0)
    const back = decodeResponseFrame(ApiVersionsApi, 3, expected.build())
    assert.deepStrictEqual(back.body.apiKeys, body.apiKeys)
  })

  it('refuses versions outside the window', () => {
    assert.throws(() => encodeRequestFrame(ProduceApi, 2, 1, null, produce), { name: 'UnsupportedVersionError' })
    const frame = bb().i16(0).i16(99).i32(1).str(null).build()
    assert.throws(() => decodeRequestFrame(frame), { name: 'UnsupportedVersionError' })
    assert.deepEqual(decodeRequestHeader(frame), { apiKey: 0, apiVersion: 99, correlationId: 1, clientId: null })
    assert.throws(() => decodeRequestFrame(bb().i16(9999).i16(0).i32(1).str(null).build()), {
      name: 'UnsupportedVersionError',
    })
  })

  it('follows per-version nullability: null is an encode error where the version forbids it', () => {
    const named = { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: null }] }
    assert.throws(() => encodeRequestFrame(MetadataApi, 9, 1, null, named), { code: 'PROTOCOL_ENCODE_ERROR' })
    assert.throws(() => encodeRequestFrame(MetadataApi, 0, 1, null, { topics: null }), { code: 'PROTOCOL_ENCODE_ERROR' })
    const v10 = bb().i16(3).i16(10).i32(1).str(null).tags()
      .carr(1).raw(Buffer.alloc(16)).cstr(null).tags().bool(true).bool(false).bool(false).tags()
    assert.deepEqual(encodeRequestFrame(MetadataApi, 10, 1, null, named), v10.buildFrame())
    const v9 = bb().i16(3).i16(9).i32(1).str(null).tags()
      .carr(1).cstr(null).tags().bool(true).bool(false).bool(false).tags()
    assert.throws(() => decodeRequestFrame(v9.build()), { name: 'ProtocolDecodeError', apiKey: 3, apiVersion: 9 })
  })

  it('rejects trailing bytes with a ProtocolDecodeError naming the api and version', () => {
    const frame = encodeRequestFrame(ProduceApi, 8, 7, null, produce)
    const longer = Buffer.concat([frame.subarray(4), Buffer.from([0])])
    assert.throws(() => decodeRequestFrame(longer), { name: 'ProtocolDecodeError', apiKey: 0, apiVersion: 8 })
  })
})
