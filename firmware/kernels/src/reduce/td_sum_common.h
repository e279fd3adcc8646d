/*
 * SUM, int8 / int16, over the middle axis of [outer][reduce][inner] (TFLite Micro's
 * QuantizedMeanOrSum with compute_sum): the int32 sum of the stored values, then
 * round(sum * scale + bias) + output zero point in float32, rounded half away from zero and cast
 * to the output type without clamping (a sum past its range wraps, as in TFLite).
 */
#ifndef TD_SUM_COMMON_H
#define TD_SUM_COMMON_H

#include <math.h>

#include "../internal/td_common.h"

#define TD_DEFINE_SUM(NAME, T)                                                                          \
    td_status NAME(const td_sum_params *params, int32_t outer, int32_t reduce, int32_t inner, const T *input, T *output) \
    {                                                                                                   \
        int32_t o;                                                                                      \
        int32_t i;                                                                                      \
        int32_t r;                                                                                      \
        for (o = 0; o < outer; ++o) {                                                                   \
            const T *block = input + o * reduce * inner;                                                \
            for (i = 0; i < inner; ++i) {                                                               \
                int32_t total = 0;                                                                      \
                float real;                                                                             \
                for (r = 0; r < reduce; ++r) {                                                          \
                    total += block[r * inner + i];                                                      \
                }                                                                                       \
                real = (float)total * params->scale;                                                    \
                real = real + params->bias;                                                             \
                *output++ = (T)((int32_t)roundf(real) + params->output_offset);                         \
            }                                                                                           \
        }                                                                                               \
        return TD_OK;                                                                                   \
    }

#endif /* TD_SUM_COMMON_H */
