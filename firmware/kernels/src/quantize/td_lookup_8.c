/*
 * QUANTIZE between 8-bit types as a table (td_kernels.h): output byte = table[input byte], four
 * bytes per loop (one word read, four lookups, one word written). The table is the Requantize of
 * every input value, computed when the code is generated, so the bytes are the reference's.
 */
#include "../internal/td_common.h"

td_status td_lookup_8(const uint8_t *table, int32_t size, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t i = 0;
    for (; i + 4 <= size; i += 4) {
        uint32_t four;
        memcpy(&four, in + i, sizeof(four));
        four = (uint32_t)table[four & 0xffu] | ((uint32_t)table[(four >> 8) & 0xffu] << 8) |
               ((uint32_t)table[(four >> 16) & 0xffu] << 16) | ((uint32_t)table[four >> 24] << 24);
        memcpy(out + i, &four, sizeof(four));
    }
    for (; i < size; ++i) {
        out[i] = table[in[i]];
    }
    return TD_OK;
}
