// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of RecordBatch v2
// (bytes 21..end of a batch). Called by src/protocol/records on every encode and decode.
// Table-driven, slicing-by-8 over aligned-free byte reads; results are unsigned 32-bit numbers.
// Check value: crc32c(Buffer.from('123456789')) === 0xe3069283.

const POLY = 0x82f63b78

/** 8 tables of 256 entries: TABLES[k * 256 + n] is the CRC of byte n followed by k zero bytes. */
const TABLES = buildTables()

function buildTables(): Int32Array {
  const t = new Int32Array(8 * 256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1
    t[n] = c
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!
    for (let k = 1; k < 8; k++) {
      c = (c >>> 8) ^ t[c & 0xff]!
      t[k * 256 + n] = c
    }
  }
  return t
}

/**
 * Continues a CRC-32C: `crc32cUpdate(crc32c(a), b)` equals `crc32c(a ++ b)`. Start from 0.
 * `start`/`end` select a range of `data` without copying.
 */
export function crc32cUpdate(previous: number, data: Uint8Array, start = 0, end = data.length): number {
  const t = TABLES
  let crc = ~previous
  let i = start
  // Slicing-by-8: fold 8 bytes per step with 8 table look-ups.
  const last8 = end - 8
  while (i <= last8) {
    const a = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))
    crc =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!
    i += 8
  }
  while (i < end) {
    crc = (crc >>> 8) ^ t[(crc ^ data[i]!) & 0xff]!
    i++
  }
  return ~crc >>> 0
}

/** CRC-32C of `data[start, end)` as an unsigned 32-bit number. */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  return crc32cUpdate(0, data, start, end)
}
