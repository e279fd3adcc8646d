/*
 * Host harness for td_framing.c (compiled with the workstation's gcc by
 * src/core/node/devices/qemu/profiler-firmware.test.ts). Reads lines from stdin:
 *
 *   E <hex>   encode: prints "<crc32 as 8 hex digits> <COBS encoding in hex>"
 *   D <hex>   decode a frame: prints the decoded bytes in hex, or "invalid"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "td_framing.h"

static size_t parse_hex(const char *text, uint8_t *out) {
  size_t count = 0;
  while (text[0] && text[1] && text[0] != '\n') {
    unsigned value;
    sscanf(text, "%2x", &value);
    out[count++] = (uint8_t)value;
    text += 2;
  }
  return count;
}

static void print_hex(const uint8_t *bytes, size_t length, void *context) {
  (void)context;
  for (size_t i = 0; i < length; i++) printf("%02x", bytes[i]);
}

int main(void) {
  static char line[1 << 16];
  static uint8_t data[1 << 15];
  while (fgets(line, sizeof line, stdin)) {
    size_t length = parse_hex(line + 2, data);
    if (line[0] == 'E') {
      printf("%08x ", (unsigned)td_crc32(data, length));
      td_cobs_encode(data, length, print_hex, NULL);
      printf("\n");
    } else if (line[0] == 'D') {
      int32_t decoded = td_cobs_decode(data, length);
      if (decoded < 0) {
        printf("invalid\n");
      } else {
        print_hex(data, (size_t)decoded, NULL);
        printf("\n");
      }
    }
  }
  return 0;
}
