/*
 * PROTOCOL.md §1 on the device: CRC-32 (ISO-HDLC / zlib) and COBS. Portable C99 with no
 * board dependency, so the same file is unit-tested on the host against the protocol's vectors
 * and against the TypeScript framing.
 */
#ifndef TD_FRAMING_H
#define TD_FRAMING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CRC-32 with reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF. */
uint32_t td_crc32(const uint8_t *data, size_t length);

/*
 * Decodes a COBS frame (the bytes between two 0x00 delimiters) in place. Returns the decoded
 * length, or -1 when the frame is invalid (a 0x00 inside it, or a code pointing past its end).
 */
int32_t td_cobs_decode(uint8_t *frame, size_t length);

/*
 * Encodes `length` bytes with COBS, handing the output to `write` in pieces (a code byte and
 * the block that follows it). Writes no delimiter. Returns the encoded length.
 */
typedef void (*td_byte_writer)(const uint8_t *bytes, size_t length, void *context);
size_t td_cobs_encode(const uint8_t *data, size_t length, td_byte_writer write, void *context);

#ifdef __cplusplus
}
#endif

#endif /* TD_FRAMING_H */
