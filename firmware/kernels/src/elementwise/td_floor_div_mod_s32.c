/*
 * FLOOR_DIV (modulo = 0) / FLOOR_MOD (modulo = 1) on int32 with broadcasting (TFLite's floor_div.cc,
 * floor_mod.cc): floor(double(x) / double(y)); x % y plus y when non-zero and of the other sign
 * than y. A zero divisor returns TD_ERROR_ARGUMENT before anything is written.
 */
#include <math.h>

#include "../internal/td_common.h"

static int32_t td_floor_div_mod_element_s32(int32_t modulo, int32_t x, int32_t y)
{
    int32_t truncated;
    if (!modulo) {
        return (int32_t)floor((double)x / (double)y);
    }
    truncated = y == -1 ? 0 : x % y; /* INT32_MIN % -1 is undefined in C; the remainder is 0. */
    return truncated != 0 && ((y < 0) != (truncated < 0)) ? truncated + y : truncated;
}

td_status td_floor_div_mod_s32(int32_t modulo,
                               const td_dims *input1_dims,
                               const int32_t *input1,
                               const td_dims *input2_dims,
                               const int32_t *input2,
                               const td_dims *output_dims,
                               int32_t *output)
{
    const int32_t divisors = td_dims_count(input2_dims);
    int32_t i;
    for (i = 0; i < divisors; ++i) {
        if (input2[i] == 0) {
            return TD_ERROR_ARGUMENT;
        }
    }
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        output[out_index] = td_floor_div_mod_element_s32(modulo, input1[index1], input2[index2]);
    });
    return TD_OK;
}
