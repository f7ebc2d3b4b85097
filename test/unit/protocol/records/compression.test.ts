// Compression codecs: framing details Kafka depends on (xerial snappy chunks, the exact LZ4 frame
// header and 64 KiB independent blocks), both lz4 block backends, the strict decoders on
// hand-made and corrupt input, codec/level validation, and zstd's typed error on older Node.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'
import { ConfigError, ProtocolDecodeError, UnsupportedVersionError } from '../../../../src/errors.js'
import {
  COMPRESSION_CODECS,
  type CompressionCodec,
  checkCodecSupported,
  codecFromId,
  compress,
  compressSync,
  decompress,
  decompressSync,
  isCodecSupported,
  zstdAvailable,
} from '../../../../src/protocol/records/compression/index.js'
import {
  type Lz4BlockBackend,
  loadJsLz4Backend,
  loadNativeLz4Backend,
  lz4Backend,
  lz4Compress,
  lz4Decompress,
} from '../../../../src/protocol/records/compression/lz4.js'
import { rawSnappyDecompress, snappyCompress, snappyDecompress } from '../../../../src/protocol/records/compression/snappy.js'
import { xxhash32 } from '../../../../src/protocol/records/compression/xxhash32.js'
import { bb } from '../../../helpers/byte-builder.js'

function sample(n: number): Buffer {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i % 97) ^ ((i >> 9) & 0x1f)
  return b
}

function random(n: number): Buffer {
  const b = Buffer.alloc(n)
  let s = 99
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    b[i] = s >>> 24
  }
  return b
}

const isDecodeError = (e: unknown): boolean => e instanceof ProtocolDecodeError

test('codec names and ids', () => {
  assert.deepEqual(COMPRESSION_CODECS, ['none', 'gzip', 'snappy', 'lz4', 'zstd'])
  assert.equal(codecFromId(3), 'lz4')
  for (const id of [5, 6, 7]) assert.equal(codecFromId(id), undefined)
})

test('checkCodecSupported validates names and levels with ConfigError', () => {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4'] as const) checkCodecSupported(codec)
  for (const bad of ['brotli', '', 3, null, 'GZIP']) assert.throws(() => checkCodecSupported(bad), ConfigError)
  checkCodecSupported('gzip', 9)
  checkCodecSupported('gzip', -1)
  checkCodecSupported('lz4', 17)
  assert.throws(() => checkCodecSupported('gzip', 10), ConfigError)
  assert.throws(() => checkCodecSupported('gzip', 2.5), ConfigError)
  assert.throws(() => checkCodecSupported('snappy', 1), ConfigError)
})

test('zstd: works where node:zlib has it, else a typed error naming the Node version needed', async () => {
  const data = sample(100_000)
  if (zstdAvailable) {
    checkCodecSupported('zstd', 3)
    assert.equal(isCodecSupported('zstd'), true)
    const z = await compress('zstd', data)
    assert.deepEqual(z.subarray(0, 4), Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd frame magic')
    assert.deepEqual(await decompress('zstd', z), data)
    assert.deepEqual(decompressSync('zstd', compressSync('zstd', data, { level: 1 })), data)
    await assert.rejects(decompress('zstd', Buffer.from('not zstd')), isDecodeError)
    return
  }
  const named = (e: unknown): boolean =>
    e instanceof UnsupportedVersionError && /22\.15/.test(e.message) && /23\.8/.test(e.message) && e.message.includes(process.version)
  assert.equal(isCodecSupported('zstd'), false)
  assert.throws(
    () => checkCodecSupported('zstd'),
    (e: unknown) => e instanceof ConfigError && /22\.15/.test(e.message),
  )
  await assert.rejects(compress('zstd', data), named)
  await assert.rejects(decompress('zstd', data), named)
  assert.throws(() => compressSync('zstd', data), named)
  assert.throws(() => decompressSync('zstd', data), named)
})

test('sync and async forms agree for every available codec', async () => {
  const data = sample(150_000)
  for (const codec of COMPRESSION_CODECS.filter((c): c is CompressionCodec => isCodecSupported(c))) {
    assert.deepEqual(await decompress(codec, compressSync(codec, data)), data, codec)
    assert.deepEqual(decompressSync(codec, await compress(codec, data)), data, codec)
  }
  assert.equal(compressSync('none', data), data)
})

test('xxhash32 vectors and the LZ4 header checksums Kafka uses', () => {
  assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05)
  assert.equal(xxhash32(Buffer.from('abc')), 0x32d153ff)
  assert.equal(xxhash32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f)
  assert.equal((xxhash32(Buffer.from([0x60, 0x40])) >>> 8) & 0xff, 0x82)
  assert.equal((xxhash32(Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40])) >>> 8) & 0xff, 0x1a)
})

/** Walks an LZ4 frame written by us: returns each block's (stored?, size) after the 7-byte header. */
function lz4Blocks(frame: Buffer): { stored: boolean; size: number; decoded: number }[] {
  assert.deepEqual(frame.subarray(0, 7), Buffer.from('04224d18604082', 'hex'))
  const blocks: { stored: boolean; size: number; decoded: number }[] = []
  let pos = 7
  for (;;) {
    const word = frame.readUInt32LE(pos)
    pos += 4
    if (word === 0) break
    const stored = word >= 0x80000000
    const size = word & 0x7fffffff
    const block = frame.subarray(pos, pos + size)
    // Each block must decode on its own (independent blocks), via a one-block frame.
    const alone = Buffer.concat([frame.subarray(0, 7), frame.subarray(pos - 4, pos + size), Buffer.alloc(4)])
    blocks.push({ stored, size, decoded: stored ? block.length : lz4Decompress(alone).length })
    pos += size
  }
  assert.equal(pos, frame.length, 'end mark is last, no content checksum')
  return blocks
}

const backends: Lz4BlockBackend[] = [loadJsLz4Backend(), ...[loadNativeLz4Backend()].filter((b) => b !== undefined)]

for (const backend of backends) {
  test(`lz4 (${backend.kind} blocks): Kafka's frame, 64 KiB independent blocks, stored when incompressible`, () => {
    const data = sample(200_000)
    const frame = lz4Compress(data, backend)
    assert.deepEqual(
      lz4Blocks(frame).map((b) => [b.stored, b.decoded]),
      [
        [false, 65536],
        [false, 65536],
        [false, 65536],
        [false, 200_000 - 3 * 65536],
      ],
    )
    for (const reader of backends) assert.deepEqual(lz4Decompress(frame, {}, reader), data)
    const noise = random(70_000)
    const blocks = lz4Blocks(lz4Compress(noise, backend))
    assert.deepEqual(
      blocks.map((b) => [b.stored, b.size]),
      [
        [true, 65536],
        [true, 70_000 - 65536],
      ],
    )
    assert.deepEqual(lz4Decompress(lz4Compress(noise, backend), {}, backend), noise)
    assert.deepEqual(lz4Decompress(lz4Compress(Buffer.alloc(0), backend)), Buffer.alloc(0))
  })
}

test('the default lz4 backend is the native addon when it loaded', () => {
  assert.equal(lz4Backend, loadNativeLz4Backend() === undefined ? 'js' : 'native')
})

test('KAFKATS_LZ4_BACKEND=js selects the pure-JS blocks (what runs when the addon did not build)', () => {
  const script =
    "import { lz4Backend, lz4Compress, lz4Decompress } from './src/protocol/records/compression/lz4.ts';" +
    "const d = Buffer.alloc(100000, 'kafka'); const ok = lz4Decompress(lz4Compress(d)).equals(d);" +
    'process.stdout.write(lz4Backend + " " + ok)'
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
    env: { ...process.env, KAFKATS_LZ4_BACKEND: 'js' },
    encoding: 'utf8',
  })
  assert.equal(r.stdout, 'js true', r.stderr)
})

/** A frame with our own descriptor and correct HC, holding `blocks` as stored blocks. */
function frame(flg: number, bd: number, blocks: Buffer[], extra: { contentSize?: bigint; blockChecksum?: boolean; contentChecksum?: boolean } = {}): Buffer {
  const desc = bb().raw(Buffer.from([flg, bd]))
  if (extra.contentSize !== undefined) desc.raw(Buffer.from(new BigUint64Array([extra.contentSize]).buffer))
  const d = desc.build()
  const out = bb().raw('04224d18').raw(d).i8((xxhash32(d) >>> 8) & 0xff)
  for (const b of blocks) {
    out.raw(Buffer.from(new Uint32Array([(0x80000000 | b.length) >>> 0]).buffer)).raw(b)
    if (extra.blockChecksum) out.raw(Buffer.from(new Uint32Array([xxhash32(b)]).buffer))
  }
  out.raw('00000000')
  if (extra.contentChecksum) out.raw('01020304')
  return out.build()
}

test('lz4 reader: accepts optional frame features, rejects what Kafka rejects', () => {
  const a = Buffer.from('hello ')
  const b = Buffer.from('world')
  assert.deepEqual(lz4Decompress(frame(0x60, 0x70, [a, b])), Buffer.from('hello world'))
  assert.deepEqual(lz4Decompress(frame(0x7c, 0x40, [a], { contentSize: 6n, blockChecksum: true, contentChecksum: true })), a)
  const skippable = bb().raw('5a2a4d18').raw(Buffer.from([3, 0, 0, 0])).raw('aabbcc').build()
  assert.deepEqual(lz4Decompress(Buffer.concat([skippable, frame(0x60, 0x40, [a]), frame(0x60, 0x40, [b])])), Buffer.from('hello world'))

  const badChecksum = frame(0x70, 0x40, [a], { blockChecksum: true })
  badChecksum[badChecksum.length - 5]! ^= 1
  const wrongHc = frame(0x60, 0x40, [a])
  wrongHc[6] = 0x1a
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['dependent blocks', frame(0x40, 0x40, [a])],
    ['version 0', frame(0x20, 0x40, [a])],
    ['reserved FLG bit', frame(0x62, 0x40, [a])],
    ['dictionary id', frame(0x61, 0x40, [a])],
    ['block max id 3', frame(0x60, 0x30, [a])],
    ['wrong HC', wrongHc],
    ['block checksum', badChecksum],
    ['missing end mark', frame(0x60, 0x40, [a]).subarray(0, -4)],
    ['block larger than max', frame(0x60, 0x40, [Buffer.alloc(65537)])],
    ['not a frame', Buffer.from('plain text here')],
    ['corrupt compressed block', Buffer.concat([Buffer.from('04224d18604082', 'hex'), Buffer.from([4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(4)])],
  ]
  for (const [name, input] of cases) {
    for (const backend of backends) assert.throws(() => lz4Decompress(input, {}, backend), isDecodeError, `${name} (${backend.kind})`)
  }
})

test('snappy writes xerial framing with 32 KiB chunks', () => {
  const data = sample(100_000)
  const z = snappyCompress(data)
  assert.deepEqual(z.subarray(0, 16), Buffer.from('82534e41505059000000000100000001', 'hex'))
  const sizes: number[] = []
  let pos = 16
  while (pos < z.length) {
    const len = z.readInt32BE(pos)
    sizes.push(rawSnappyDecompress(z, pos + 4, pos + 4 + len).length)
    pos += 4 + len
  }
  assert.deepEqual(sizes, [32768, 32768, 32768, 100_000 - 3 * 32768])
  assert.deepEqual(snappyDecompress(z), data)
})

/** Raw Snappy by hand: uvarint length, then ops. */
const raw = (length: number, ...ops: (string | number[])[]): Buffer => {
  const b = bb().uvarint(length)
  for (const op of ops) b.raw(typeof op === 'string' ? op : Buffer.from(op))
  return b.build()
}

test('snappy reader: raw blocks, copies (overlapping too), concatenated xerial streams', () => {
  // literal "abcd" (tag (4-1)<<2), then copy-1 of 8 bytes at offset 4: tag ((8-4)<<2)|1, offset 4.
  assert.equal(snappyDecompress(raw(12, [0x0c], '61626364', [0x11, 0x04])).toString(), 'abcdabcdabcd')
  // copy-2: 10 bytes at offset 1 (run of 'z'): tag ((10-1)<<2)|2, LE16 offset.
  assert.equal(snappyDecompress(raw(11, [0x00, 0x7a], [0x26, 0x01, 0x00])).toString(), 'z'.repeat(11))
  // copy-4: 3 bytes at offset 2.
  assert.equal(snappyDecompress(raw(5, [0x04, 0x78, 0x79], [0x0b, 2, 0, 0, 0])).toString(), 'xyxyx')
  const one = snappyCompress(Buffer.from('first|'))
  const two = snappyCompress(Buffer.from('second'))
  assert.equal(snappyDecompress(Buffer.concat([one, two])).toString(), 'first|second')
  assert.deepEqual(snappyDecompress(snappyCompress(Buffer.alloc(0))), Buffer.alloc(0))
})

test('snappy reader: corrupt input is a ProtocolDecodeError, checked before allocating', () => {
  const header = Buffer.from('82534e41505059000000000100000001', 'hex')
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['copy offset 0', raw(8, [0x0c], '61626364', [0x01, 0x00])],
    ['copy before start', raw(8, [0x0c], '61626364', [0x01, 0x09])],
    ['output longer than declared', raw(3, [0x0c], '61626364')],
    ['output shorter than declared', raw(9, [0x0c], '61626364')],
    ['literal past the input', raw(4, [0x0c], '6162')],
    ['impossible declared length', raw(2 ** 31, [0x00], '61')],
    ['bad preamble', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ['negative chunk length', Buffer.concat([header, Buffer.from([0xff, 0xff, 0xff, 0xff])])],
    ['chunk past the end', Buffer.concat([header, Buffer.from([0, 0, 0, 50, 1, 0])])],
    ['truncated chunk length', Buffer.concat([header, Buffer.from([0, 0])])],
  ]
  for (const [name, input] of cases) assert.throws(() => snappyDecompress(input), isDecodeError, name)
})

test('gzip reader: only the gzip container, corrupt input is a ProtocolDecodeError', async () => {
  const zlibStream = deflateSync(Buffer.from('not a gzip container'))
  assert.throws(() => decompressSync('gzip', zlibStream), isDecodeError)
  await assert.rejects(decompress('gzip', zlibStream), isDecodeError)
  const gz = compressSync('gzip', sample(1000), { level: 9 })
  assert.deepEqual(gz.subarray(0, 3), Buffer.from([0x1f, 0x8b, 0x08]))
  await assert.rejects(decompress('gzip', gz.subarray(0, gz.length - 6)), isDecodeError)
})
