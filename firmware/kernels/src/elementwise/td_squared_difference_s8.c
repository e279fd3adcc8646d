/*
 * SQUARED_DIFFERENCE int8 with broadcasting (TFLite Micro's squared_difference.cc): both inputs
 * offset, shifted left and rescaled to twice the larger input scale, the difference squared in
 * int32, rescaled to the output, plus the output offset, clamped to int8.
 */
#include "../internal/td_common.h"

td_status td_squared_difference_s8(const td_squared_difference_params_s8 *params,
                                   const td_dims *input1_dims,
                                   const int8_t *input1,
                                   const td_dims *input2_dims,
                                   const int8_t *input2,
                                   const td_dims *output_dims,
                                   int8_t *output)
{
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        const int32_t shifted1 = ((int32_t)input1[index1] + params->input1_offset) * ((int32_t)1 << params->left_shift);
        const int32_t shifted2 = ((int32_t)input2[index2] + params->input2_offset) * ((int32_t)1 << params->left_shift);
        const int32_t scaled1 = td_multiply_by_quantized_multiplier(shifted1, params->input1.multiplier, params->input1.shift);
        const int32_t scaled2 = td_multiply_by_quantized_multiplier(shifted2, params->input2.multiplier, params->input2.shift);
        const int32_t diff = scaled1 - scaled2;
        const int32_t squared = (int32_t)((uint32_t)diff * (uint32_t)diff);
        const int32_t q = td_multiply_by_quantized_multiplier(squared, params->output.multiplier, params->output.shift) + params->output_offset;
        output[out_index] = (int8_t)td_clamp_i32(q, -128, 127);
    });
    return TD_OK;
}
