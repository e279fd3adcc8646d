/*
 * DIV int32 with broadcasting (TFLite Micro's reference Div<int32_t>): C's truncating division,
 * INT32_MIN / -1 wrapping to INT32_MIN, clamped to the fused activation's range. A zero divisor
 * returns TD_ERROR_ARGUMENT (TFLite leaves it undefined).
 */
#include "../internal/td_common.h"

td_status td_div_s32(const td_activation *activation,
                     const td_dims *input1_dims,
                     const int32_t *input1,
                     const td_dims *input2_dims,
                     const int32_t *input2,
                     const td_dims *output_dims,
                     int32_t *output)
{
    td_status status = TD_OK;
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        const int32_t a = input1[index1];
        const int32_t b = input2[index2];
        int32_t q = 0;
        if (b == 0) {
            status = TD_ERROR_ARGUMENT;
        } else if (b == -1) {
            q = (int32_t)(0u - (uint32_t)a);
        } else {
            q = a / b;
        }
        output[out_index] = td_clamp_i32(q, activation->min, activation->max);
    });
    return status;
}
