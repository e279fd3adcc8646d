/**
 * CRC-32 as used by the device protocol (firmware/runtime/PROTOCOL.md §1): the ISO-HDLC / zlib /
 * Ethernet CRC, reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF. Chosen over
 * CRC-16 because a serial line carrying garbage must practically never pass a corrupted frame
 * (2⁻³² instead of 2⁻¹⁶ per random frame), and a bitwise CRC-32 costs the firmware ten lines of C.
 */

const table = buildTable();

function buildTable(): Uint32Array {
  const entries = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let value = byte;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? (value >>> 1) ^ 0xedb88320 : value >>> 1;
    entries[byte] = value >>> 0;
  }
  return entries;
}

/** CRC-32 of `bytes` (check value: `crc32(ascii('123456789')) === 0xcbf43926`), as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
