/*
 * SQUARED_DIFFERENCE int16 with broadcasting (TFLite Micro's squared_difference.cc; zero points 0,
 * left_shift 0): both inputs rescaled to twice the larger input scale, the difference squared in
 * int32, rescaled to the output (any multiplier), clamped to int16.
 */
#include "../internal/td_common.h"

td_status td_squared_difference_s16(const td_squared_difference_params_s8 *params,
                                   const td_dims *input1_dims,
                                   const int16_t *input1,
                                   const td_dims *input2_dims,
                                   const int16_t *input2,
                                   const td_dims *output_dims,
                                   int16_t *output)
{
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        const int32_t shifted1 = ((int32_t)input1[index1] + params->input1_offset) * ((int32_t)1 << params->left_shift);
        const int32_t shifted2 = ((int32_t)input2[index2] + params->input2_offset) * ((int32_t)1 << params->left_shift);
        const int32_t scaled1 = td_multiply_by_quantized_multiplier(shifted1, params->input1.multiplier, params->input1.shift);
        const int32_t scaled2 = td_multiply_by_quantized_multiplier(shifted2, params->input2.multiplier, params->input2.shift);
        const int32_t diff = scaled1 - scaled2;
        const int32_t squared = (int32_t)((uint32_t)diff * (uint32_t)diff);
        const int32_t q = td_multiply_by_quantized_multiplier(squared, params->output.multiplier, params->output.shift) + params->output_offset;
        output[out_index] = (int16_t)td_clamp_i32(q, -32768, 32767);
    });
    return TD_OK;
}
