/*
 * MEAN, int8 / int16, over the middle axis of [outer][reduce][inner] (TFLite Micro's
 * EvalIntegerMean): the int32 sum of the raw values, then either C integer division by the count
 * (same input and output quantization) or QuantizedMeanOrSum's requantization with 1/count folded
 * into the multiplier.
 */
#ifndef TD_MEAN_COMMON_H
#define TD_MEAN_COMMON_H

#include "../internal/td_common.h"

#define TD_DEFINE_MEAN(NAME, T)                                                                         \
    td_status NAME(const td_mean_params_s8 *params, int32_t outer, int32_t reduce, int32_t inner, const T *input, T *output) \
    {                                                                                                   \
        const int32_t zero_point_sum = params->input_offset * reduce;                                   \
        int32_t o;                                                                                      \
        int32_t i;                                                                                      \
        int32_t r;                                                                                      \
        if (reduce <= 0) {                                                                              \
            return TD_ERROR_ARGUMENT;                                                                   \
        }                                                                                               \
        for (o = 0; o < outer; ++o) {                                                                   \
            const T *block = input + o * reduce * inner;                                                \
            for (i = 0; i < inner; ++i) {                                                               \
                int32_t sum = 0;                                                                        \
                for (r = 0; r < reduce; ++r) {                                                          \
                    sum += block[r * inner + i];                                                        \
                }                                                                                       \
                if (!params->rescale) {                                                                 \
                    *output++ = (T)(sum / reduce);                                                      \
                } else {                                                                                \
                    const int32_t value = td_multiply_by_quantized_multiplier(                          \
                                              sum + zero_point_sum, params->output.multiplier,          \
                                              params->output.shift) +                                   \
                                          params->output_offset;                                        \
                    *output++ = (T)td_clamp_i32(value, params->activation.min, params->activation.max); \
                }                                                                                       \
            }                                                                                           \
        }                                                                                               \
        return TD_OK;                                                                                   \
    }

#endif /* TD_MEAN_COMMON_H */
