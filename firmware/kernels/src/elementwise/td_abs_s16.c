/* ABS int16: td_abs_s8's arithmetic (zero points 0), clamped to int16. */
#include "../internal/td_common.h"

td_status td_abs_s16(const td_abs_params *params, int32_t size, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        int32_t value = (int32_t)input[i] + params->input_offset;
        value = value < 0 ? -value : value;
        if (params->rescale) {
            value = td_multiply_by_quantized_multiplier(value, params->output.multiplier, params->output.shift);
        }
        output[i] = (int16_t)td_clamp_i32(value + params->output_offset, -32768, 32767);
    }
    return TD_OK;
}
