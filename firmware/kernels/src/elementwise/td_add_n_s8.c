/*
 * ADD_N on int8, TFLite Micro's reference AddN: every input shares one zero point and scale
 * (params->input1_offset, params->input1); each offset value is shifted left by left_shift and
 * rescaled, the int32 sum (wrapping) is rescaled to the output and clamped. As in TFLite Micro
 * the sum starts from the rescaled offset itself, not from 0. input2_offset and input2 are unused.
 */
#include "../internal/td_common.h"

static int32_t td_add_n_scaled(const td_add_params_s8 *params, int32_t value)
{
    const int32_t shifted = (value + params->input1_offset) * ((int32_t)1 << params->left_shift);
    return td_multiply_by_quantized_multiplier(shifted, params->input1.multiplier, params->input1.shift);
}

td_status td_add_n_s8(const td_add_params_s8 *params, int32_t n, int32_t count, const int8_t *const *inputs, int8_t *output)
{
    const int32_t start = td_add_n_scaled(params, 0);
    int32_t i, k;
    if (n < 1) {
        return TD_ERROR_ARGUMENT;
    }
    for (i = 0; i < count; ++i) {
        uint32_t sum = (uint32_t)start;
        int32_t result;
        for (k = 0; k < n; ++k) {
            sum += (uint32_t)td_add_n_scaled(params, inputs[k][i]);
        }
        result = td_multiply_by_quantized_multiplier((int32_t)sum, params->output.multiplier, params->output.shift) + params->output_offset;
        result = result < params->activation.min ? params->activation.min : result;
        result = result > params->activation.max ? params->activation.max : result;
        output[i] = (int8_t)result;
    }
    return TD_OK;
}
