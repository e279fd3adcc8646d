/* MUL, int16 (16x8 models, zero points 0): the product requantized with one multiplier, clamped. */
#include "td_elementwise_s16.h"

td_status td_mul_s16(const td_mul_params_s8 *params,
                     const td_dims *input1_dims,
                     const int16_t *input1,
                     const td_dims *input2_dims,
                     const int16_t *input2,
                     const td_dims *output_dims,
                     int16_t *output)
{
    if (td_dims_equal(input1_dims, output_dims) && td_dims_equal(input2_dims, output_dims)) {
        const int32_t size = td_dims_count(output_dims);
        int32_t i;
        for (i = 0; i < size; ++i) {
            output[i] = td_mul_element_s16(params, input1[i], input2[i]);
        }
    } else {
        TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
            output[out_index] = td_mul_element_s16(params, input1[index1], input2[index2]);
        });
    }
    return TD_OK;
}
