/*
 * SVDF float32 (TFLite Micro's EvalFloatSvdfReference): the integer kernel's steps in float32, in
 * the reference's order (feature dot, time dot, bias then the rank filters of each unit), then
 * the fused activation as a clamp.
 */
#include "../internal/td_common.h"

td_status td_svdf_f32(const td_svdf_params_f32 *params, const float *input, const float *weights_feature,
                      const float *weights_time, const float *bias, float *state, float *output)
{
    const td_svdf_dims *d = &params->dims;
    const int32_t state_size = d->batch * d->filters * d->memory;
    int32_t b;
    int32_t i;
    for (i = 0; i + 1 < state_size; ++i) {
        state[i] = state[i + 1];
    }
    for (b = 0; b < d->batch; ++b) {
        const float *x = input + b * d->input_size;
        const float *w = weights_feature;
        float *slot = state + b * d->filters * d->memory + d->memory - 1;
        int32_t f;
        for (f = 0; f < d->filters; ++f) {
            float dot = 0.0f;
            int32_t c;
            for (c = 0; c < d->input_size; ++c) {
                dot += w[c] * x[c];
            }
            w += d->input_size;
            *slot = dot;
            slot += d->memory;
        }
    }
    for (b = 0; b < d->batch; ++b) {
        const float *s = state + b * d->filters * d->memory;
        const float *wt = weights_time;
        int32_t u;
        for (u = 0; u < d->units; ++u) {
            float sum = bias != NULL ? bias[u] : 0.0f;
            int32_t r;
            for (r = 0; r < d->rank; ++r) {
                float dot = 0.0f;
                int32_t m;
                for (m = 0; m < d->memory; ++m) {
                    dot += wt[m] * s[m];
                }
                sum += dot;
                wt += d->memory;
                s += d->memory;
            }
            output[b * d->units + u] = td_clamp_f32(sum, params->activation.min, params->activation.max);
        }
    }
    return TD_OK;
}
