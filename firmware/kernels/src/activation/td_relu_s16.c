/*
 * RELU, int16 (TFLite Micro's ReluQuantized): the input rescaled to the output's scale and
 * zero point, then clamped to [max(qmin, zero point), qmax].
 */
#include "../internal/td_common.h"

td_status td_relu_s16(const td_relu_params_s8 *params, int32_t size, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t rescaled = params->output_offset +
                                 td_multiply_by_quantized_multiplier((int32_t)input[i] + params->input_offset,
                                                                     params->output.multiplier, params->output.shift);
        output[i] = (int16_t)td_clamp_i32(rescaled, params->activation.min, params->activation.max);
    }
    return TD_OK;
}
