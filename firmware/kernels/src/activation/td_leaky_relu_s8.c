/*
 * LEAKY_RELU int8 (TFLite's reference_ops::QuantizeLeakyRelu): x - zp_in rescaled with the
 * identity multiplier when it is >= 0 and with the alpha multiplier below, plus the output zero
 * point, clamped to int8.
 */
#include "../internal/td_common.h"

td_status td_leaky_relu_s8(const td_leaky_relu_params *params, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t x = (int32_t)input[i] + params->input_offset;
        const td_requant *m = x >= 0 ? &params->identity : &params->alpha;
        const int32_t q = params->output_offset + td_multiply_by_quantized_multiplier(x, m->multiplier, m->shift);
        output[i] = (int8_t)td_clamp_i32(q, -128, 127);
    }
    return TD_OK;
}
