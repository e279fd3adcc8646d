/*
 * QUANTIZE int8 -> int8 (TFLite's Requantize): MultiplyByQuantizedMultiplier(q - zp_in,
 * QuantizeMultiplier(scale_in / scale_out)) + zp_out, clamped to int8.
 */
#include "../internal/td_common.h"

td_status td_requantize_s8(const td_requantize_params *params, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t q = td_multiply_by_quantized_multiplier((int32_t)input[i] + params->input_offset,
                                                              params->output.multiplier, params->output.shift) +
                          params->output_offset;
        output[i] = (int8_t)td_clamp_i32(q, -128, 127);
    }
    return TD_OK;
}
