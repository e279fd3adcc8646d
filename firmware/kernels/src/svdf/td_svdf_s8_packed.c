/*
 * SVDF int8 with int16 state over the generator's prepared weights (td_kernels.h): the same bits
 * as td_svdf_s8 (td_svdf_common.h's steps), the input offset already in feature_bias, the state
 * zero point 0. The portable form walks the packed layout; src/opt/cortex-m/ has the DSP loops.
 */
#include "../internal/td_common.h"
#include "../internal/td_fixed_point.h"

td_status td_svdf_s8_packed(const td_svdf_packed_params *params, const int8_t *input, const int8_t *packed_feature,
                            const int32_t *feature_bias, const int16_t *weights_time, const int32_t *bias, int16_t *state,
                            int8_t *output)
{
    const td_svdf_dims *d = &params->dims;
    const int32_t state_size = d->batch * d->filters * d->memory;
    const int32_t padded_inputs = (d->input_size + 7) & ~7;
    int32_t b, i;
    for (i = 0; i + 1 < state_size; ++i) state[i] = state[i + 1];
    for (b = 0; b < d->batch; ++b) {
        const int8_t *x = input + b * d->input_size;
        int16_t *slots = state + b * d->filters * d->memory + d->memory - 1;
        int32_t f;
        for (f = 0; f < d->filters; ++f) {
            /* Filter f is lane f % 4 of its block; its eight weights per step sit at lane * 8. */
            const int8_t *w = packed_feature + (f >> 2) * 4 * padded_inputs + (f & 3) * 8;
            int32_t acc = feature_bias[f];
            int32_t c;
            for (c = 0; c < d->input_size; ++c) acc += (int32_t)w[(c >> 3) * 32 + (c & 7)] * x[c];
            acc = td_multiply_by_quantized_multiplier(acc, params->feature_multiplier, -params->feature_right_shift);
            slots[f * d->memory] = (int16_t)td_clamp_i32(acc, -32768, 32767);
        }
    }
    for (b = 0; b < d->batch; ++b) {
        const int16_t *s = state + b * d->filters * d->memory;
        const int16_t *wt = weights_time;
        const int32_t run = d->rank * d->memory;
        int32_t u;
        for (u = 0; u < d->units; ++u) {
            int32_t sum = bias[u];
            int32_t m;
            for (m = 0; m < run; ++m) sum += (int32_t)wt[m] * s[m];
            wt += run;
            s += run;
            sum = td_multiply_by_quantized_multiplier(sum, params->output.multiplier, params->output.shift) + params->output_offset;
            output[b * d->units + u] = (int8_t)td_clamp_i32(sum, -128, 127);
        }
    }
    return TD_OK;
}
