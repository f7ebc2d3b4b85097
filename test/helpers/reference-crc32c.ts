// Test-only CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), computed bit by bit: the
// independent oracle that the crc32c unit test and the RecordBatch golden test check
// src/protocol/primitives/crc32c.ts against. Deliberately slow and shares no code with src/.

export function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}
