/*
 * Elementwise int8 ops whose output depends on the input byte only (LOGISTIC, TANH): tensors of
 * TD_BYTE_MEMO_MIN_SIZE values or more compute each distinct byte once, the first time it occurs,
 * and look it up after (a table of 256 outputs and a 256-bit "known" set on the stack: 288
 * bytes); smaller ones compute every value. `one` is inlined with this function.
 */
#ifndef TD_BYTE_MEMO_H
#define TD_BYTE_MEMO_H

#include "td_common.h"

/** From this many values on, the outputs are memoised per input byte. */
#define TD_BYTE_MEMO_MIN_SIZE 64

typedef int8_t (*td_byte_map_s8)(const void *params, int8_t value);

TD_INLINE void td_map_bytes_s8(td_byte_map_s8 one, const void *params, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    if (size < TD_BYTE_MEMO_MIN_SIZE) {
        for (i = 0; i < size; ++i) {
            output[i] = one(params, input[i]);
        }
        return;
    }
    {
        int8_t table[256];
        uint32_t known[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (i = 0; i < size; ++i) {
            const uint32_t byte = (uint8_t)input[i];
            const uint32_t bit = 1u << (byte & 31u);
            if ((known[byte >> 5] & bit) == 0) {
                known[byte >> 5] |= bit;
                table[byte] = one(params, input[i]);
            }
            output[i] = table[byte];
        }
    }
}

#endif
