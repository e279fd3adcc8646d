/* ABS int8 (TFLite Micro's elementwise.cc): |x + input_offset|, rescaled when the scales differ, plus output_offset, clamped. */
#include "../internal/td_common.h"

td_status td_abs_s8(const td_abs_params *params, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        int32_t value = (int32_t)input[i] + params->input_offset;
        value = value < 0 ? -value : value;
        if (params->rescale) {
            value = td_multiply_by_quantized_multiplier(value, params->output.multiplier, params->output.shift);
        }
        output[i] = (int8_t)td_clamp_i32(value + params->output_offset, -128, 127);
    }
    return TD_OK;
}
