/* LEAKY_RELU int16: td_leaky_relu_s8's arithmetic, clamped to int16. */
#include "../internal/td_common.h"

td_status td_leaky_relu_s16(const td_leaky_relu_params *params, int32_t size, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t x = (int32_t)input[i] + params->input_offset;
        const td_requant *m = x >= 0 ? &params->identity : &params->alpha;
        const int32_t q = params->output_offset + td_multiply_by_quantized_multiplier(x, m->multiplier, m->shift);
        output[i] = (int16_t)td_clamp_i32(q, -32768, 32767);
    }
    return TD_OK;
}
