/*
 * FLOOR_DIV (modulo = 0) / FLOOR_MOD (modulo = 1) on float32 with broadcasting (TFLite's
 * floor_div.cc, floor_mod.cc): (float)floor((double)x / (double)y); fmodf(x, y) plus y when non-zero
 * and of the other sign than y. A zero divisor returns TD_ERROR_ARGUMENT before anything is written.
 */
#include <math.h>

#include "../internal/td_common.h"

static float td_floor_div_mod_element_f32(int32_t modulo, float x, float y)
{
    float truncated;
    if (!modulo) {
        return (float)floor((double)x / (double)y);
    }
    truncated = fmodf(x, y);
    return truncated != 0.0f && ((y < 0.0f) != (truncated < 0.0f)) ? truncated + y : truncated;
}

td_status td_floor_div_mod_f32(int32_t modulo,
                               const td_dims *input1_dims,
                               const float *input1,
                               const td_dims *input2_dims,
                               const float *input2,
                               const td_dims *output_dims,
                               float *output)
{
    const int32_t divisors = td_dims_count(input2_dims);
    int32_t i;
    for (i = 0; i < divisors; ++i) {
        if (input2[i] == 0.0f) {
            return TD_ERROR_ARGUMENT;
        }
    }
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        output[out_index] = td_floor_div_mod_element_f32(modulo, input1[index1], input2[index2]);
    });
    return TD_OK;
}
