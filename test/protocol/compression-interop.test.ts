// Compression interop with tools we did not write: blobs made by the Debian `gzip`, `lz4` and
// `zstd` command-line tools decode with our codecs (alone and as the records section of a batch),
// and those tools decompress what we write. Snappy has no standard CLI for Kafka's xerial framing,
// so a xerial blob is built by hand from the framing spec. zstd runs where this Node has it; on
// older Node the test asserts the typed error instead.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { ProtocolDecodeError, UnsupportedVersionError } from '../../src/errors.js'
import { RecordBatchBuilder } from '../../src/protocol/records/batch-builder.js'
import { updateBatchCrc } from '../../src/protocol/records/batch-layout.js'
import {
  type CompressionCodec,
  CompressionCodecId,
  compress,
  decompress,
  decompressSync,
  zstdAvailable,
} from '../../src/protocol/records/compression/index.js'
import { loadJsLz4Backend, lz4Compress } from '../../src/protocol/records/compression/lz4.js'
import { decodeRecordBatches } from '../../src/protocol/records/record-batch.js'
import { bb } from '../helpers/byte-builder.js'

function tool(cmd: string, args: string[], input: Buffer): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 64 * 1024 * 1024 })
  if (r.error) throw r.error
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr?.toString()}`)
  return r.stdout
}

function data(n: number): Buffer {
  const words = ['kafka', 'record', 'batch', 'offset', 'partition', 'topic', 'leader', 'epoch']
  const parts: string[] = []
  let s = 7
  let len = 0
  while (len < n) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    const w = `${words[s % words.length]}-${s % 1000} `
    parts.push(w)
    len += w.length
  }
  return Buffer.from(parts.join('').slice(0, n))
}

const DATA = data(300_000)

/** A batch of 50 records whose records section was compressed by `compressed` (a foreign tool). */
function batchWithForeignPayload(codec: CompressionCodec, compressFn: (records: Buffer) => Buffer): Buffer {
  const b = new RecordBatchBuilder()
  for (let i = 0; i < 50; i++) b.append({ key: Buffer.from(`k${i}`), value: DATA.subarray(i * 100, i * 100 + 100), timestampMs: 1000 + i })
  const plain = b.buildSync()
  const payload = compressFn(plain.subarray(61))
  const out = Buffer.concat([plain.subarray(0, 61), payload])
  out.writeInt32BE(out.length - 12, 8)
  out.writeInt16BE(CompressionCodecId[codec], 21)
  updateBatchCrc(out)
  return out
}

async function assertBatchRecords(blob: Buffer): Promise<void> {
  const [batch] = decodeRecordBatches(blob).batches
  await batch!.inflate()
  const records = [...batch!.records()]
  assert.equal(records.length, 50)
  assert.deepEqual(records[49]!.value, DATA.subarray(4900, 5000))
  assert.deepEqual(records[7]!.key, Buffer.from('k7'))
}

test('gzip: the gzip tool reads ours, we read the gzip tool (whole blob and as a batch payload)', async () => {
  for (const level of [1, 6, 9]) {
    assert.deepEqual(tool('gzip', ['-dc'], await compress('gzip', DATA, { level })), DATA)
    assert.deepEqual(await decompress('gzip', tool('gzip', ['-c', `-${level}`], DATA)), DATA)
  }
  // Two concatenated gzip members are one valid gzip stream.
  const twoMembers = Buffer.concat([tool('gzip', ['-c'], DATA.subarray(0, 1000)), tool('gzip', ['-c'], DATA.subarray(1000))])
  assert.deepEqual(decompressSync('gzip', twoMembers), DATA)
  await assertBatchRecords(batchWithForeignPayload('gzip', (r) => tool('gzip', ['-c'], r)))
})

test('lz4: `lz4 -d` reads our frames (native and JS blocks); we read the lz4 tool', async () => {
  assert.deepEqual(tool('lz4', ['-d', '-c'], await compress('lz4', DATA)), DATA)
  assert.deepEqual(tool('lz4', ['-d', '-c'], lz4Compress(DATA, loadJsLz4Backend())), DATA)
  // Defaults (content checksum, large blocks), 64 KiB blocks, block checksums, content size, HC level.
  for (const args of [[], ['-B4'], ['-B4', '-BX'], ['-B7', '--content-size'], ['-9'], ['--no-frame-crc']]) {
    const theirs = tool('lz4', ['-c', ...args], DATA)
    assert.deepEqual(await decompress('lz4', theirs), DATA, args.join(' '))
  }
  await assertBatchRecords(batchWithForeignPayload('lz4', (r) => tool('lz4', ['-c', '-B4'], r)))
})

test('lz4: frames with linked (dependent) blocks are rejected, as Kafka rejects them', () => {
  const linked = tool('lz4', ['-c', '-BD', '-B4'], DATA)
  assert.throws(() => decompressSync('lz4', linked), (e: unknown) => e instanceof ProtocolDecodeError && /dependent/.test(e.message))
})

test('zstd: interop with the zstd tool where Node has zstd, else UnsupportedVersionError', async () => {
  const theirs = tool('zstd', ['-c', '-q'], DATA)
  if (!zstdAvailable) {
    await assert.rejects(decompress('zstd', theirs), (e: unknown) => e instanceof UnsupportedVersionError && /22\.15/.test(e.message))
    await assert.rejects(compress('zstd', DATA), UnsupportedVersionError)
    const blob = batchWithForeignPayload('zstd', (r) => tool('zstd', ['-c', '-q'], r))
    const [batch] = decodeRecordBatches(blob).batches
    await assert.rejects(batch!.inflate(), UnsupportedVersionError)
    assert.throws(() => batch!.records(), UnsupportedVersionError)
    return
  }
  assert.deepEqual(await decompress('zstd', theirs), DATA)
  assert.deepEqual(tool('zstd', ['-d', '-c', '-q'], await compress('zstd', DATA)), DATA)
  await assertBatchRecords(batchWithForeignPayload('zstd', (r) => tool('zstd', ['-c', '-q', '-19'], r)))
})

test('snappy: a xerial blob built by hand from the framing spec decodes, alone and as a batch payload', async () => {
  // Raw Snappy block: uvarint(12), literal "abcd" (tag (4-1)<<2 = 0x0c), copy-1 len 8 offset 4 (0x11 0x04).
  const rawBlock = bb().uvarint(12).raw('0c61626364').raw('1104').build()
  const xerial = bb()
    .raw('82534e4150505900') // 0x82 "SNAPPY" 0x00
    .i32(1) // version
    .i32(1) // compatible version
    .i32(rawBlock.length)
    .raw(rawBlock)
    .build()
  assert.equal(decompressSync('snappy', xerial).toString(), 'abcdabcdabcd')
  assert.equal(decompressSync('snappy', rawBlock).toString(), 'abcdabcdabcd', 'raw Snappy without framing is accepted too')

  // Records section as literal-only raw Snappy chunks (each <= 60 bytes: tag (len-1)<<2).
  await assertBatchRecords(
    batchWithForeignPayload('snappy', (records) => {
      const out = bb().raw('82534e41505059000000000100000001')
      for (let i = 0; i < records.length; i += 32768) {
        const chunk = records.subarray(i, i + 32768)
        const block = bb().uvarint(chunk.length)
        for (let j = 0; j < chunk.length; j += 60) {
          const lit = chunk.subarray(j, j + 60)
          block.i8((lit.length - 1) << 2).raw(lit)
        }
        const built = block.build()
        out.i32(built.length).raw(built)
      }
      return out.build()
    }),
  )
})
