/*
 * CRC-32 and COBS of PROTOCOL.md §1. COBS blocks: each run of up to 254 non-zero bytes is sent
 * as (run + 1, bytes); a run ended by a 0x00 in the data consumes that zero (the decoder puts
 * it back), a full run of 254 (code 0xFF) does not, and the end of the frame implies nothing.
 */
#include "td_framing.h"

uint32_t td_crc32(const uint8_t *data, size_t length) {
  /* Nibble-wise: 16 table entries, 2 steps per byte. */
  static const uint32_t table[16] = {
      0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
      0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
  };
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < length; i++) {
    crc ^= data[i];
    crc = (crc >> 4) ^ table[crc & 0xFu];
    crc = (crc >> 4) ^ table[crc & 0xFu];
  }
  return crc ^ 0xFFFFFFFFu;
}

int32_t td_cobs_decode(uint8_t *frame, size_t length) {
  size_t read = 0;
  size_t written = 0;
  while (read < length) {
    uint8_t code = frame[read++];
    if (code == 0u) return -1;
    if (read + (size_t)(code - 1u) > length) return -1;
    for (uint8_t i = 1; i < code; i++) {
      uint8_t byte = frame[read++];
      if (byte == 0u) return -1;
      frame[written++] = byte;
    }
    if (code != 0xFFu && read < length) frame[written++] = 0u;
  }
  return (int32_t)written;
}

size_t td_cobs_encode(const uint8_t *data, size_t length, td_byte_writer write, void *context) {
  size_t position = 0;
  size_t encoded = 0;
  for (;;) {
    size_t run = 0;
    while (position + run < length && data[position + run] != 0u && run < 254u) run++;
    uint8_t code = (uint8_t)(run + 1u);
    write(&code, 1, context);
    if (run > 0u) write(&data[position], run, context);
    encoded += run + 1u;
    position += run;
    if (position >= length) break;
    if (run < 254u) position++; /* the zero that ended the run */
  }
  return encoded;
}
