// Golden codec tests: for each (API, version) case in test/protocol/golden/, the expected request
// and response bytes are written by hand with test/helpers/byte-builder.ts from NOTES.md §c (not
// with our Writer). Our generated encoders must produce exactly those bytes and our decoders must
// read them back to the complete expected objects. Also covers request headers v1/v2, response
// headers v0/v1 (ApiVersions always v0) and unknown tagged fields kept and written back.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type ApiDescriptor,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
} from '../../src/protocol/api.js'
import { API_BY_KEY } from '../../src/protocol/generated/index.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer } from '../../src/protocol/primitives/writer.js'
import { bb } from '../helpers/byte-builder.js'
import { GROUP_OFFSETS_CASES } from './golden/group-offsets.js'
import { METADATA_ADMIN_CASES, METADATA_V9_RESPONSE, metadataV9ResponseBytes } from './golden/metadata-admin.js'
import { PRODUCE_FETCH_CASES } from './golden/produce-fetch.js'
import type { GoldenCase } from './golden/types.js'

const CASES: readonly GoldenCase[] = [...PRODUCE_FETCH_CASES, ...METADATA_ADMIN_CASES, ...GROUP_OFFSETS_CASES]

function apiOf(apiKey: number): ApiDescriptor<unknown, unknown> {
  const api = API_BY_KEY.get(apiKey)
  assert.ok(api, `no generated codec for api key ${apiKey}`)
  return api
}

function encode(encoder: ((w: Writer, msg: unknown) => void) | undefined, value: unknown): Buffer {
  assert.ok(encoder, 'no encoder for this version')
  const w = new Writer(16)
  encoder(w, value)
  return w.finish()
}

function decode(decoder: ((r: Reader) => unknown) | undefined, bytes: Buffer): unknown {
  assert.ok(decoder, 'no decoder for this version')
  const r = new Reader(bytes)
  const value = decoder(r)
  assert.equal(r.remaining, 0, 'decoder must consume the whole body')
  return value
}

/** Compare as hex first: a byte diff is far easier to read than a Buffer diff. */
function assertBytes(actual: Buffer, expected: Buffer): void {
  assert.equal(actual.toString('hex'), expected.toString('hex'))
}

describe('golden request/response bodies', () => {
  it('covers at least 20 (API, version) pairs, flexible and not', () => {
    assert.ok(CASES.length >= 20, `${CASES.length} cases`)
    const flexible = CASES.filter((c) => c.version >= apiOf(c.apiKey).flexibleVersion).length
    assert.ok(flexible >= 8 && CASES.length - flexible >= 8, `${flexible} flexible of ${CASES.length}`)
    const names = new Set(CASES.map((c) => `${c.apiKey}v${c.version}`))
    assert.equal(names.size, CASES.length, 'duplicate (API, version) case')
  })

  for (const c of CASES) {
    describe(c.name, () => {
      it('encodes the request to the expected bytes', () => {
        assertBytes(encode(apiOf(c.apiKey).encodeRequest[c.version], c.request), c.requestBytes)
      })
      it('decodes the request bytes to the expected object', () => {
        assert.deepEqual(decode(apiOf(c.apiKey).decodeRequest[c.version], c.requestBytes), c.request)
      })
      it('encodes the response to the expected bytes', () => {
        assertBytes(encode(apiOf(c.apiKey).encodeResponse[c.version], c.response), c.responseBytes)
      })
      it('decodes the response bytes to the expected object', () => {
        assert.deepEqual(decode(apiOf(c.apiKey).decodeResponse[c.version], c.responseBytes), c.response)
      })
    })
  }
})

function caseOf(name: string): GoldenCase {
  const c = CASES.find((x) => x.name.startsWith(name))
  assert.ok(c, `no case ${name}`)
  return c
}

describe('golden headers and frames', () => {
  it('request header v1: int16 key, int16 version, int32 correlation id, int16-length client id', () => {
    const c = caseOf('Produce v3')
    const frame = encodeRequestFrame(apiOf(0), 3, 7, 'kafkats', c.request)
    const expected = bb().i16(0).i16(3).i32(7).str('kafkats').raw(c.requestBytes).buildFrame()
    assertBytes(frame, expected)
    const decoded = decodeRequestFrame(frame.subarray(4))
    assert.equal(decoded.apiKey, 0)
    assert.equal(decoded.apiVersion, 3)
    assert.equal(decoded.correlationId, 7)
    assert.equal(decoded.clientId, 'kafkats')
    assert.deepEqual(decoded.body, c.request)
  })

  it('request header v2 keeps the int16-length client id, then a tagged-field section', () => {
    const c = caseOf('Produce v9')
    const frame = encodeRequestFrame(apiOf(0), 9, 0x01020304, 'kafkats', c.request)
    const expected = bb().i16(0).i16(9).i32(0x01020304).str('kafkats').tags(0).raw(c.requestBytes).buildFrame()
    assertBytes(frame, expected)
    const decoded = decodeRequestFrame(frame.subarray(4))
    assert.equal(decoded.correlationId, 0x01020304)
    assert.equal(decoded.clientId, 'kafkats')
    assert.deepEqual(decoded.body, c.request)
  })

  it('a null client id is int16 -1 in both header versions', () => {
    const v1 = caseOf('Metadata v1')
    assertBytes(
      encodeRequestFrame(apiOf(3), 1, 1, null, v1.request),
      bb().i16(3).i16(1).i32(1).str(null).raw(v1.requestBytes).buildFrame(),
    )
    const v3 = caseOf('ApiVersions v3')
    const frame = encodeRequestFrame(apiOf(18), 3, 2, null, v3.request)
    assertBytes(frame, bb().i16(18).i16(3).i32(2).str(null).tags(0).raw(v3.requestBytes).buildFrame())
    assert.equal(decodeRequestFrame(frame.subarray(4)).clientId, null)
  })

  it('response header v0 is the correlation id alone; v1 adds a tagged-field section', () => {
    const v3 = caseOf('Produce v3')
    const frame0 = encodeResponseFrame(apiOf(0), 3, 11, v3.response)
    assertBytes(frame0, bb().i32(11).raw(v3.responseBytes).buildFrame())
    const d0 = decodeResponseFrame(apiOf(0), 3, frame0.subarray(4))
    assert.equal(d0.correlationId, 11)
    assert.deepEqual(d0.body, v3.response)

    const v9 = caseOf('Produce v9')
    const frame1 = encodeResponseFrame(apiOf(0), 9, 12, v9.response)
    assertBytes(frame1, bb().i32(12).tags(0).raw(v9.responseBytes).buildFrame())
    const d1 = decodeResponseFrame(apiOf(0), 9, frame1.subarray(4))
    assert.equal(d1.correlationId, 12)
    assert.deepEqual(d1.body, v9.response)
  })

  it('ApiVersions v3 responses use response header v0 (no tagged-field byte)', () => {
    const c = caseOf('ApiVersions v3')
    const frame = encodeResponseFrame(apiOf(18), 3, 99, c.response)
    assertBytes(frame, bb().i32(99).raw(c.responseBytes).buildFrame())
    const decoded = decodeResponseFrame(apiOf(18), 3, bb().i32(99).raw(c.responseBytes).build())
    assert.equal(decoded.correlationId, 99)
    assert.deepEqual(decoded.body, c.response)
  })
})

describe('golden unknown tagged fields', () => {
  it('keeps unknown tags of a body and of a nested struct, and writes them back in tag order', () => {
    const bodyTag = Buffer.from('616263', 'hex')
    const brokerTag = Buffer.from('0102', 'hex')
    const bytes = metadataV9ResponseBytes([[7, bodyTag]], [[5, brokerTag]])
    const api = apiOf(3)
    type Tagged = Record<string, unknown> & { unknownTaggedFields?: unknown }
    const decoded = decode(api.decodeResponse[9], bytes) as Tagged & { brokers: Tagged[] }
    assert.deepEqual(decoded.unknownTaggedFields, [{ tag: 7, data: bodyTag }])
    assert.deepEqual(decoded.brokers[0]?.unknownTaggedFields, [{ tag: 5, data: brokerTag }])
    const { unknownTaggedFields: _body, ...known } = decoded
    const brokers = decoded.brokers.map(({ unknownTaggedFields: _b, ...b }) => b)
    assert.deepEqual({ ...known, brokers }, METADATA_V9_RESPONSE)
    assertBytes(encode(api.encodeResponse[9], decoded), bytes)
  })

  it('an unknown tag above a known one stays after it (Fetch v13: tag 1 is ReplicaState only from v15)', () => {
    const c = caseOf('Fetch v13')
    const unknown = bb().i32(3).i64(9n).tags(0).build()
    // same request, with an extra tag 1 after ClusterId (tag 0) in the body's tagged section
    const plain = c.requestBytes
    const knownSection = bb().tags([[0, bb().cstr('cluster-1')]]).build()
    const prefix = plain.subarray(0, plain.length - knownSection.length)
    assertBytes(plain.subarray(prefix.length), knownSection)
    const bytes = bb()
      .raw(prefix)
      .tags([
        [0, bb().cstr('cluster-1')],
        [1, unknown],
      ])
      .build()
    const api = apiOf(1)
    const decoded = decode(api.decodeRequest[13], bytes) as Record<string, unknown>
    assert.deepEqual(decoded.unknownTaggedFields, [{ tag: 1, data: unknown }])
    assert.equal(decoded.clusterId, 'cluster-1')
    assertBytes(encode(api.encodeRequest[13], decoded), bytes)
  })

  it('a known tag with its default value is not written; a non-default one is', () => {
    const c = caseOf('CreateTopics v5')
    const api = apiOf(19)
    const response = structuredClone(c.response) as { topics: { topicConfigErrorCode: number }[] }
    response.topics[0]!.topicConfigErrorCode = 29
    const bytes = encode(api.encodeResponse[5], response)
    // the topic's tagged section (just before the body's final 0x00) now holds tag 0 = int16 29
    const topicTags = bb().tags([[0, bb().i16(29)]]).tags(0).build()
    assertBytes(bytes.subarray(bytes.length - topicTags.length), topicTags)
    assert.equal(bytes.length, c.responseBytes.length + topicTags.length - 2)
    assert.deepEqual(decode(api.decodeResponse[5], bytes), response)
  })
})
