// Tests for src/errors.ts (the error hierarchy and its brand-based instanceof) and for the
// generated broker error table (protocol/errors.schema via protocol/codegen/error-table.ts),
// spot-checked against NOTES.md §j.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { generateErrorTable, parseErrorSchema } from '../../protocol/codegen/error-table.js'
import {
  AbortError,
  ClosedError,
  ConfigError,
  ConnectionError,
  KafkaClientError,
  ProtocolDecodeError,
  ProtocolError,
  RequestTimeoutError,
  RetriesExhaustedError,
} from '../../src/errors.js'
import { ERROR_TABLE, ErrorCode } from '../../src/protocol/generated/error-table.js'

const SCHEMA_URL = new URL('../../protocol/errors.schema', import.meta.url)
const GENERATED_URL = new URL('../../src/protocol/generated/error-table.ts', import.meta.url)

// A second copy of the module, as if the package were installed twice (distinct class objects).
type ErrorsModule = typeof import('../../src/errors.js')
async function loadDuplicate(): Promise<ErrorsModule> {
  const url = new URL('../../src/errors.ts', import.meta.url)
  url.search = '?duplicate=1'
  return (await import(url.href)) as ErrorsModule
}

describe('error hierarchy', () => {
  it('instanceof follows the class chain', () => {
    const e = new ProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    assert.ok(e instanceof ProtocolError)
    assert.ok(e instanceof KafkaClientError)
    assert.ok(e instanceof Error)
    assert.ok(!(e instanceof ConnectionError))
    assert.ok(!(new Error('x') instanceof KafkaClientError))
    const nothing: unknown = null
    assert.ok(!(nothing instanceof KafkaClientError))
    assert.equal(e.name, 'ProtocolError')
  })

  it('instanceof works across a duplicate copy of the module (brand symbol)', async () => {
    const dup = await loadDuplicate()
    assert.notEqual(dup.ProtocolError, ProtocolError, 'the duplicate must be a distinct class')
    const foreign = new dup.ProtocolError(ErrorCode.REQUEST_TIMED_OUT, 'slow')
    assert.ok(foreign instanceof ProtocolError)
    assert.ok(foreign instanceof KafkaClientError)
    assert.ok(!(foreign instanceof ConnectionError))
    const local = new ConnectionError('refused', { broker: '127.0.0.1:9092' })
    assert.ok(local instanceof dup.ConnectionError)
    assert.ok(local instanceof dup.KafkaClientError)
    assert.ok(!(local instanceof dup.ProtocolError))
    // A look-alike without the brand is not an instance, even with a matching class name.
    class ProtocolErrorLookalike extends Error {}
    Object.defineProperty(ProtocolErrorLookalike, 'name', { value: 'ProtocolError' })
    assert.ok(!(new ProtocolErrorLookalike('x') instanceof ProtocolError))
  })

  it('ProtocolError takes name, retriable and invalidatesMetadata from the table', () => {
    const refresh = new ProtocolError(6, 'partition moved')
    assert.equal(refresh.errorCode, 6)
    assert.equal(refresh.errorName, 'NOT_LEADER_OR_FOLLOWER')
    assert.equal(refresh.code, 'NOT_LEADER_OR_FOLLOWER')
    assert.equal(refresh.retriable, true)
    assert.equal(refresh.invalidatesMetadata, true)
    assert.equal(refresh.message, 'NOT_LEADER_OR_FOLLOWER: partition moved')

    const plain = new ProtocolError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    assert.equal(plain.retriable, true)
    assert.equal(plain.invalidatesMetadata, false)
    assert.equal(plain.message, 'COORDINATOR_LOAD_IN_PROGRESS')

    const fatal = new ProtocolError(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    assert.equal(fatal.retriable, false)
    assert.equal(fatal.invalidatesMetadata, false)
  })

  it('unknown codes (newer brokers) are never retried', () => {
    for (const code of [129, 500, -2, 32767]) {
      const e = new ProtocolError(code)
      assert.equal(e.errorName, `UNKNOWN_ERROR_CODE_${code}`)
      assert.equal(e.retriable, false)
      assert.equal(e.invalidatesMetadata, false)
      assert.ok(e instanceof ProtocolError)
    }
  })

  it('other errors carry their code, retriable flag and details', () => {
    assert.equal(new ConnectionError('x').retriable, true)
    assert.equal(new RequestTimeoutError('x').code, 'REQUEST_TIMEOUT')
    assert.equal(new ConfigError('bad').retriable, false)
    assert.equal(new ClosedError().message, 'closed')
    assert.equal(new AbortError().code, 'ABORTED')
    const d = new ProtocolDecodeError('short read', { offset: 7, apiKey: 3, apiVersion: 12 })
    assert.equal(d.offset, 7)
    assert.match(d.message, /api 3 v12 at offset 7/)
    const first = new ConnectionError('a')
    const last = new RequestTimeoutError('b')
    const r = new RetriesExhaustedError('gave up', [first, last])
    assert.deepEqual(r.errors, [first, last])
    assert.equal(r.cause, last)
  })
})

describe('broker error table', () => {
  it('has every code from -1 to 128 with no gaps', () => {
    assert.equal(ERROR_TABLE.size, 130)
    for (let code = -1; code <= 128; code++) assert.ok(ERROR_TABLE.has(code), `missing ${code}`)
    for (const [code, entry] of ERROR_TABLE) {
      assert.equal(entry.code, code)
      assert.equal(ErrorCode[entry.name as keyof typeof ErrorCode], code)
      if (entry.invalidatesMetadata) assert.ok(entry.retriable, `${entry.name}: refresh implies retriable`)
    }
  })

  it('spot-checks codes, names and classes against NOTES.md §j', () => {
    const expected: [number, string, boolean, boolean][] = [
      [-1, 'UNKNOWN_SERVER_ERROR', false, false],
      [0, 'NONE', false, false],
      [1, 'OFFSET_OUT_OF_RANGE', false, false],
      [2, 'CORRUPT_MESSAGE', true, false],
      [3, 'UNKNOWN_TOPIC_OR_PARTITION', true, true],
      [7, 'REQUEST_TIMED_OUT', true, false],
      [8, 'BROKER_NOT_AVAILABLE', false, false],
      [13, 'NETWORK_EXCEPTION', true, true],
      [16, 'NOT_COORDINATOR', true, false],
      [27, 'REBALANCE_IN_PROGRESS', false, false],
      [35, 'UNSUPPORTED_VERSION', false, false],
      [41, 'NOT_CONTROLLER', true, false],
      [45, 'OUT_OF_ORDER_SEQUENCE_NUMBER', false, false],
      [51, 'CONCURRENT_TRANSACTIONS', true, false],
      [56, 'KAFKA_STORAGE_ERROR', true, true],
      [74, 'FENCED_LEADER_EPOCH', true, true],
      [75, 'UNKNOWN_LEADER_EPOCH', true, false],
      [84, 'ELECTION_NOT_NEEDED', true, true],
      [89, 'THROTTLING_QUOTA_EXCEEDED', true, false],
      [90, 'PRODUCER_FENCED', false, false],
      [100, 'UNKNOWN_TOPIC_ID', true, true],
      [106, 'FETCH_SESSION_TOPIC_ID_ERROR', true, false],
      [110, 'FENCED_MEMBER_EPOCH', false, false],
      [123, 'INVALID_SHARE_SESSION_EPOCH', true, false],
      [128, 'INVALID_REGULAR_EXPRESSION', false, false],
    ]
    for (const [code, name, retriable, invalidatesMetadata] of expected) {
      assert.deepEqual(ERROR_TABLE.get(code), { code, name, retriable, invalidatesMetadata }, `code ${code}`)
    }
  })

  it('has 31 retriable codes, 13 of them needing a metadata refresh', () => {
    const entries = [...ERROR_TABLE.values()]
    assert.equal(entries.filter((e) => e.retriable).length, 31)
    assert.equal(entries.filter((e) => e.invalidatesMetadata).length, 13)
  })

  it('the committed generated file matches the schema', () => {
    const generated = generateErrorTable(readFileSync(SCHEMA_URL, 'utf8'))
    assert.equal(readFileSync(GENERATED_URL, 'utf8'), generated)
  })
})

describe('error schema parser', () => {
  const good = '# comment\n0 NONE fatal\n3 UNKNOWN_TOPIC_OR_PARTITION refresh  # trailing\n\n7 REQUEST_TIMED_OUT retriable\n'

  it('parses comments, blank lines and the three classes', () => {
    const entries = parseErrorSchema(good)
    assert.deepEqual(
      entries.map((e) => [e.code, e.name, e.errorClass, e.line]),
      [
        [0, 'NONE', 'fatal', 2],
        [3, 'UNKNOWN_TOPIC_OR_PARTITION', 'refresh', 3],
        [7, 'REQUEST_TIMED_OUT', 'retriable', 5],
      ],
    )
    const src = generateErrorTable(good)
    assert.match(src, /\[3, \{ code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true, invalidatesMetadata: true \}\]/)
    assert.match(src, /REQUEST_TIMED_OUT: 7,/)
  })

  it('rejects bad lines with their line number', () => {
    const cases: [string, RegExp][] = [
      ['0 NONE fatal\n5 LEADER_NOT_AVAILABLE sometimes', /line 2: class "sometimes"/],
      ['0 NONE fatal\nx BAD fatal', /line 2: code "x" is not an integer/],
      ['0 NONE fatal\n\n4 lower_case fatal', /line 3: name "lower_case"/],
      ['0 NONE fatal\n4 TOO few fatal', /line 2: expected `code NAME class`/],
      ['0 NONE fatal\n4 ONLY_TWO', /line 2: expected/],
      ['0 NONE fatal\n4 A fatal\n4 B fatal', /line 3: code 4 already defined on line 2/],
      ['0 NONE fatal\n4 A fatal\n5 A fatal', /line 3: name A already defined on line 2/],
      ['0 NONE fatal\n40000 BIG fatal', /line 2: code 40000 does not fit an int16/],
      ['0 SOMETHING fatal', /line 1: code 0 must be NONE/],
      ['0 NONE retriable', /line 1: NONE/],
      ['1 OFFSET_OUT_OF_RANGE fatal', /code 0 \(NONE\) is missing/],
    ]
    for (const [text, re] of cases) assert.throws(() => generateErrorTable(text), re, text)
  })
})
