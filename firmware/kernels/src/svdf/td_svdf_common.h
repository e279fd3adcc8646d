/*
 * SVDF, TFLite Micro's EvalIntegerSvdfReference, written once for the two state types (int16,
 * the converter's choice, and int8) and instantiated by td_svdf_s8.c and td_svdf_s8_s8.c:
 *  1. the state [B][F][M] shifts left by one element;
 *  2. each filter's newest slot gets requant(sum_c wf[f][c] * (x[c] + input_offset), feature),
 *     clamped to the state type, plus the state zero point;
 *  3. each unit sums, over its `rank` filters, sum_m wt[f][m] * (state[f][m] - state zero point),
 *     starting from the bias, in int32 (the same wrap-around sum as the reference's scratch);
 *  4. the sum is requantized by `output`, plus output_offset, clamped to int8.
 */
#ifndef TD_SVDF_COMMON_H
#define TD_SVDF_COMMON_H

#include "../internal/td_common.h"

#define TD_DEFINE_SVDF_S8(NAME, STATE_T, STATE_MIN, STATE_MAX)                                                     \
    td_status NAME(const td_svdf_params_s8 *params, const int8_t *input, const int8_t *weights_feature,            \
                   const STATE_T *weights_time, const int32_t *bias, STATE_T *state, int8_t *output)               \
    {                                                                                                              \
        const td_svdf_dims *d = &params->dims;                                                                     \
        const int32_t state_size = d->batch * d->filters * d->memory;                                              \
        int32_t b;                                                                                                 \
        int32_t i;                                                                                                 \
        for (i = 0; i + 1 < state_size; ++i) {                                                                     \
            state[i] = state[i + 1];                                                                               \
        }                                                                                                          \
        for (b = 0; b < d->batch; ++b) {                                                                           \
            const int8_t *x = input + b * d->input_size;                                                           \
            const int8_t *w = weights_feature;                                                                     \
            STATE_T *slot = state + b * d->filters * d->memory + d->memory - 1;                                    \
            int32_t f;                                                                                             \
            for (f = 0; f < d->filters; ++f) {                                                                     \
                int32_t dot = 0;                                                                                   \
                int32_t c;                                                                                         \
                for (c = 0; c < d->input_size; ++c) {                                                              \
                    dot += (int32_t)w[c] * ((int32_t)x[c] + params->input_offset);                                 \
                }                                                                                                  \
                w += d->input_size;                                                                                \
                dot = td_multiply_by_quantized_multiplier(dot, params->feature.multiplier, params->feature.shift); \
                *slot = (STATE_T)(params->state_zero_point + td_clamp_i32(dot, STATE_MIN, STATE_MAX));             \
                slot += d->memory;                                                                                 \
            }                                                                                                      \
        }                                                                                                          \
        for (b = 0; b < d->batch; ++b) {                                                                           \
            const STATE_T *s = state + b * d->filters * d->memory;                                                 \
            const STATE_T *wt = weights_time;                                                                      \
            int32_t u;                                                                                             \
            for (u = 0; u < d->units; ++u) {                                                                       \
                int32_t sum = bias != NULL ? bias[u] : 0;                                                          \
                int32_t r;                                                                                         \
                for (r = 0; r < d->rank; ++r) {                                                                    \
                    int32_t dot = 0;                                                                               \
                    int32_t m;                                                                                     \
                    for (m = 0; m < d->memory; ++m) {                                                              \
                        dot += (int32_t)wt[m] * ((int32_t)s[m] - params->state_zero_point);                        \
                    }                                                                                              \
                    sum += dot;                                                                                    \
                    wt += d->memory;                                                                               \
                    s += d->memory;                                                                                \
                }                                                                                                  \
                sum = td_multiply_by_quantized_multiplier(sum, params->output.multiplier, params->output.shift) +  \
                      params->output_offset;                                                                       \
                output[b * d->units + u] = (int8_t)td_clamp_i32(sum, -128, 127);                                   \
            }                                                                                                      \
        }                                                                                                          \
        return TD_OK;                                                                                              \
    }

#endif /* TD_SVDF_COMMON_H */
