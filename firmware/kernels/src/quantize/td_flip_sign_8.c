/*
 * QUANTIZE uint8 <-> int8 with equal scales and zero points 128 apart (the usual uint8 input of
 * an int8 model): q_out = q_in -/+ 128 is the top bit flipped, 16 bytes per loop.
 */
#include "../internal/td_common.h"

td_status td_flip_sign_8(int32_t size, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t i = 0;
    for (; i + 16 <= size; i += 16) {
        uint32_t a, b, c, d;
        memcpy(&a, in + i, 4);
        memcpy(&b, in + i + 4, 4);
        memcpy(&c, in + i + 8, 4);
        memcpy(&d, in + i + 12, 4);
        a ^= 0x80808080u;
        b ^= 0x80808080u;
        c ^= 0x80808080u;
        d ^= 0x80808080u;
        memcpy(out + i, &a, 4);
        memcpy(out + i + 4, &b, 4);
        memcpy(out + i + 8, &c, 4);
        memcpy(out + i + 12, &d, 4);
    }
    for (; i < size; ++i) {
        out[i] = (uint8_t)(in[i] ^ 0x80u);
    }
    return TD_OK;
}
