/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999), the byte stuffing of the device
 * protocol (firmware/runtime/PROTOCOL.md §1). COBS removes every 0x00 from a frame at a cost of at
 * most one byte in 254, so a single 0x00 can delimit frames and a receiver resynchronises at the next
 * 0x00 whatever garbage came before.
 */

import { ProtocolError } from '../errors.js';

/** Largest possible encoding of `length` bytes (without the 0x00 delimiter). */
export function cobsMaxEncodedLength(length: number): number {
  return length + Math.floor(length / 254) + 1;
}

/** Encodes `data`; the result contains no 0x00 and does not include the frame delimiter. */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const output = new Uint8Array(cobsMaxEncodedLength(data.length));
  let codeIndex = 0;
  let code = 1;
  let write = 1;
  for (let read = 0; read < data.length; read++) {
    const byte = data[read];
    if (byte !== 0) {
      output[write++] = byte;
      code++;
    }
    if (byte === 0 || code === 0xff) {
      output[codeIndex] = code;
      codeIndex = write++;
      code = 1;
      // A full block (code 0xFF) ending exactly at the end of the data needs no further block.
      if (byte !== 0 && read === data.length - 1) return output.subarray(0, codeIndex);
    }
  }
  output[codeIndex] = code;
  return output.subarray(0, write);
}

/**
 * Decodes one COBS-encoded frame (without its 0x00 delimiter). Throws `ProtocolError` when the
 * frame holds a 0x00 or a code byte points past its end: the frame is damaged and must be dropped.
 */
export function cobsDecode(encoded: Uint8Array): Uint8Array {
  const output = new Uint8Array(encoded.length);
  let write = 0;
  let read = 0;
  while (read < encoded.length) {
    const code = encoded[read];
    if (code === 0) throw new ProtocolError(`COBS: 0x00 inside a frame at byte ${read}`, { offset: read });
    const end = read + code;
    if (end > encoded.length) {
      throw new ProtocolError(`COBS: code ${code} at byte ${read} runs past the frame end (${encoded.length} bytes)`, {
        offset: read,
        code,
      });
    }
    for (read++; read < end; read++) {
      const byte = encoded[read];
      if (byte === 0) throw new ProtocolError(`COBS: 0x00 inside a frame at byte ${read}`, { offset: read });
      output[write++] = byte;
    }
    if (code !== 0xff && read < encoded.length) output[write++] = 0;
  }
  return output.subarray(0, write);
}
