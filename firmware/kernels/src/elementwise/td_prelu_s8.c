/*
 * PRELU int8 with alpha broadcast (TFLite Micro's prelu_common.cc): x + input_offset rescaled by
 * `positive` when >= 0, else (x + input_offset)(alpha + alpha_offset) rescaled by `negative`;
 * plus output_offset, clamped to int8.
 */
#include "../internal/td_common.h"

td_status td_prelu_s8(const td_prelu_params_s8 *params,
                      const td_dims *input_dims,
                      const int8_t *input,
                      const td_dims *alpha_dims,
                      const int8_t *alpha,
                      const td_dims *output_dims,
                      int8_t *output)
{
    TD_BROADCAST_LOOP(input_dims, alpha_dims, output_dims, {
        const int32_t value = (int32_t)input[index1] + params->input_offset;
        const int32_t scaled = value >= 0
                                   ? td_multiply_by_quantized_multiplier(value, params->positive.multiplier, params->positive.shift)
                                   : td_multiply_by_quantized_multiplier(value * ((int32_t)alpha[index2] + params->alpha_offset),
                                                                         params->negative.multiplier, params->negative.shift);
        output[out_index] = (int8_t)td_clamp_i32(scaled + params->output_offset, -128, 127);
    });
    return TD_OK;
}
