// Fetch-response parsing edge cases (NOTES §d.4, §k.11; RELIABILITY C.2 17-20, 27): batches that
// start before the position, control batches, read_committed with aborted transactions, truncated
// trailing batches, empty and compacted batches, maxPollRecords-sized drains, deserializer and
// corruption errors. Batches come from the test-only batch builder (independent of our encoder).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CompletedFetch } from '../../../src/consumer/completed-fetch.js'
import { CorruptRecordError, RecordDeserializationError } from '../../../src/consumer/errors.js'
import type { ConsumerRecord } from '../../../src/consumer/types.js'
import { crc32c } from '../../../src/protocol/primitives/crc32c.js'
import { buildEndTxnMarkerBatch } from '../../../src/protocol/records/control-record.js'
import { decodeRecordBatches } from '../../../src/protocol/records/record-batch.js'
import { buildBatch, type TestBatchOptions } from '../../fixtures/broker/test-batches.js'

function batch(baseOffset: bigint, values: string[], o: TestBatchOptions = {}): Buffer {
  return buildBatch({ baseOffset, baseTimestamp: 1000, records: values.map((v) => ({ key: null, value: v })), ...o })
}

function marker(baseOffset: bigint, type: 'abort' | 'commit', producerId: bigint): Buffer {
  return buildEndTxnMarkerBatch({ type, producerId, producerEpoch: 0, coordinatorEpoch: 1, timestampMs: 1000, baseOffset })
}

/** Rewrites lastOffsetDelta and fixes the CRC (a batch whose tail was compacted away). */
function withLastOffsetDelta(buf: Buffer, delta: number): Buffer {
  const b = Buffer.from(buf)
  b.writeInt32BE(delta, 23)
  b.writeUInt32BE(crc32c(b, 21, b.length), 17)
  return b
}

function fetch(
  records: Buffer,
  fetchOffset: bigint,
  o: { readCommitted?: boolean; aborted?: { producerId: bigint; firstOffset: bigint }[]; valueDeserializer?: (b: Buffer | null) => string } = {},
) {
  const decoded = decodeRecordBatches(records)
  return new CompletedFetch<Buffer | null, unknown>(
    't',
    0,
    fetchOffset,
    1,
    decoded.batches,
    records.length,
    o.readCommitted ?? false,
    o.aborted ?? null,
    null,
    o.valueDeserializer ?? null,
  )
}

function drainAll<K, V>(f: CompletedFetch<K, V>, max = 1000): ConsumerRecord<K, V>[] {
  const out: ConsumerRecord<K, V>[] = []
  f.drain(max, out)
  return out
}

const values = (rs: ConsumerRecord<unknown, unknown>[]) => rs.map((r) => String(r.value))
const offsets = (rs: ConsumerRecord<unknown, unknown>[]) => rs.map((r) => r.offset)

describe('CompletedFetch', () => {
  it('drops records below the fetch offset in a batch that starts before it', () => {
    const f = fetch(Buffer.concat([batch(10n, ['a', 'b', 'c', 'd']), batch(14n, ['e'])]), 12n)
    const rs = drainAll(f)
    assert.deepEqual(offsets(rs), [12n, 13n, 14n])
    assert.deepEqual(values(rs), ['c', 'd', 'e'])
    assert.equal(f.nextOffset, 15n)
    assert.equal(f.isConsumed, true)
    assert.equal(rs[0]!.timestampType, 'CreateTime')
    assert.equal(rs[0]!.serializedKeySize, -1)
    assert.equal(rs[0]!.serializedValueSize, 1)
  })

  it('skips a batch wholly below the position', () => {
    const f = fetch(Buffer.concat([batch(0n, ['a', 'b']), batch(2n, ['c'])]), 2n)
    assert.deepEqual(values(drainAll(f)), ['c'])
  })

  it('never delivers control batches but moves the position past them, even when nothing else came', () => {
    const onlyMarkers = fetch(Buffer.concat([marker(5n, 'commit', 7n), marker(6n, 'abort', 8n)]), 5n)
    assert.deepEqual(drainAll(onlyMarkers), [])
    assert.equal(onlyMarkers.nextOffset, 7n)
    assert.equal(onlyMarkers.isConsumed, true)
    const mixed = fetch(Buffer.concat([batch(0n, ['a'], { producerId: 7n, producerEpoch: 0, transactional: true }), marker(1n, 'commit', 7n), batch(2n, ['b'])]), 0n)
    assert.deepEqual(values(drainAll(mixed)), ['a', 'b'])
    assert.equal(mixed.nextOffset, 3n)
  })

  it('read_committed skips aborted transactions, keeps committed ones and non-transactional data', () => {
    const txn = (base: bigint, pid: bigint, vs: string[]) => batch(base, vs, { producerId: pid, producerEpoch: 0, transactional: true })
    const records = Buffer.concat([
      txn(0n, 1n, ['aborted-1']), // pid 1 aborts at 3
      txn(1n, 2n, ['committed-1']), // pid 2 commits at 4
      batch(2n, ['plain']),
      marker(3n, 'abort', 1n),
      marker(4n, 'commit', 2n),
      txn(5n, 1n, ['pid1-again']), // a new, committed transaction of pid 1
      marker(6n, 'commit', 1n),
    ])
    const committed = fetch(records, 0n, { readCommitted: true, aborted: [{ producerId: 1n, firstOffset: 0n }] })
    assert.deepEqual(values(drainAll(committed)), ['committed-1', 'plain', 'pid1-again'])
    assert.equal(committed.nextOffset, 7n)
    const uncommitted = fetch(records, 0n, { readCommitted: false, aborted: [{ producerId: 1n, firstOffset: 0n }] })
    assert.deepEqual(values(drainAll(uncommitted)), ['aborted-1', 'committed-1', 'plain', 'pid1-again'])
  })

  it('ignores a truncated trailing batch and stops before it', () => {
    const full = Buffer.concat([batch(0n, ['a', 'b']), batch(2n, ['c', 'd'])])
    const cut = full.subarray(0, full.length - 5)
    const f = fetch(cut, 0n)
    assert.deepEqual(values(drainAll(f)), ['a', 'b'])
    assert.equal(f.nextOffset, 2n)
  })

  it('moves past empty batches and compacted batch tails', () => {
    const empty = withLastOffsetDelta(buildBatch({ baseOffset: 3n, records: [] }), 2) // offsets 3..5, all compacted away
    const tail = withLastOffsetDelta(batch(6n, ['x']), 3) // record at 6, 7..9 compacted away
    const f = fetch(Buffer.concat([batch(0n, ['a', 'b', 'c']), empty, tail]), 0n)
    assert.deepEqual(offsets(drainAll(f)), [0n, 1n, 2n, 6n])
    assert.equal(f.nextOffset, 10n)
  })

  it('drains in maxPollRecords-sized pieces, keeping its place', () => {
    const f = fetch(Buffer.concat([batch(0n, ['a', 'b', 'c']), batch(3n, ['d', 'e'])]), 0n)
    const first: ConsumerRecord<Buffer | null, unknown>[] = []
    assert.equal(f.drain(2, first), 2)
    assert.equal(f.nextOffset, 2n)
    const second: ConsumerRecord<Buffer | null, unknown>[] = []
    assert.equal(f.drain(2, second), 2)
    assert.deepEqual(values(second), ['c', 'd'])
    const third: ConsumerRecord<Buffer | null, unknown>[] = []
    assert.equal(f.drain(2, third), 1)
    assert.equal(f.isConsumed, true)
  })

  it('stops at a record its deserializer rejects, after delivering the ones before it', () => {
    const f = fetch(batch(0n, ['ok', 'bad', 'later']), 0n, {
      valueDeserializer: (b) => {
        if (b?.toString() === 'bad') throw new Error('boom')
        return String(b)
      },
    })
    const out: ConsumerRecord<Buffer | null, unknown>[] = []
    assert.equal(f.drain(10, out), 1)
    assert.equal(f.nextOffset, 1n)
    assert.throws(
      () => f.drain(10, []),
      (err: unknown) => err instanceof RecordDeserializationError && err.offset === 1n && err.partition === 0,
    )
    assert.equal(f.nextOffset, 1n)
  })

  it('turns a corrupt record inside a CRC-valid batch into CorruptRecordError at the position', () => {
    const good = batch(0n, ['a'])
    const bad = Buffer.from(batch(1n, ['b', 'c']))
    bad.writeUInt8(0x7f, 61) // first record's length varint now claims 63 bytes
    bad.writeUInt32BE(crc32c(bad, 21, bad.length), 17)
    const f = fetch(Buffer.concat([good, bad]), 0n)
    const out: ConsumerRecord<Buffer | null, unknown>[] = []
    assert.equal(f.drain(10, out), 1)
    assert.throws(() => f.drain(10, []), (err: unknown) => err instanceof CorruptRecordError && err.offset === 1n)
  })

  it('reports the batch leader epoch and LogAppendTime', () => {
    const b = Buffer.from(batch(0n, ['a'], { attributes: 0x08 }))
    b.writeInt32BE(4, 12) // partitionLeaderEpoch is outside the CRC
    const r = drainAll(fetch(b, 0n))[0]!
    assert.equal(r.leaderEpoch, 4)
    assert.equal(r.timestampType, 'LogAppendTime')
  })
})
