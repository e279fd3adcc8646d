/*
 * The loops of QUANTIZE and DEQUANTIZE between the quantized types (int8, uint8, int16) and
 * float32, written once and instantiated per type pair by the small td_*.c files beside this one.
 *
 *  - requantize (TFLite's Requantize): MultiplyByQuantizedMultiplier(q + input_offset,
 *    QuantizeMultiplier(scale_in / scale_out)) + output_offset, clamped to the output type;
 *  - quantize (AffineQuantize): round_half_away(x / scale) in float32, saturated to int32 as
 *    Arm's VCVT does (NaN -> 0), plus the zero point, clamped to the output type;
 *  - dequantize: scale * (q - zero_point), exact product rounded once to float32.
 */
#ifndef TD_QUANTIZE_COMMON_H
#define TD_QUANTIZE_COMMON_H

#include <math.h>

#include "../internal/td_common.h"

TD_INLINE int32_t td_quantize_round_to_int32(float x)
{
    if (x != x) {
        return 0;
    }
    if (x <= -2147483648.0f) {
        return TD_INT32_MIN;
    }
    if (x >= 2147483648.0f) {
        return TD_INT32_MAX;
    }
    return (int32_t)roundf(x);
}

#define TD_DEFINE_REQUANTIZE(NAME, IN_T, OUT_T, OUT_MIN, OUT_MAX)                                                  \
    td_status NAME(const td_requantize_params *params, int32_t size, const IN_T *input, OUT_T *output)             \
    {                                                                                                              \
        int32_t i;                                                                                                 \
        for (i = 0; i < size; ++i) {                                                                               \
            const int32_t q = td_multiply_by_quantized_multiplier((int32_t)input[i] + params->input_offset,        \
                                                                  params->output.multiplier, params->output.shift) + \
                              params->output_offset;                                                               \
            output[i] = (OUT_T)td_clamp_i32(q, OUT_MIN, OUT_MAX);                                                  \
        }                                                                                                          \
        return TD_OK;                                                                                              \
    }

#define TD_DEFINE_QUANTIZE(NAME, OUT_T, OUT_MIN, OUT_MAX)                                                          \
    td_status NAME(const td_affine_quant *params, int32_t size, const float *input, OUT_T *output)                 \
    {                                                                                                              \
        const float scale = params->scale;                                                                         \
        const uint32_t zero_point = (uint32_t)params->zero_point;                                                  \
        int32_t i;                                                                                                 \
        for (i = 0; i < size; ++i) {                                                                               \
            const int32_t rounded = td_quantize_round_to_int32(input[i] / scale);                                  \
            const int32_t q = (int32_t)((uint32_t)rounded + zero_point);                                           \
            output[i] = (OUT_T)td_clamp_i32(q, OUT_MIN, OUT_MAX);                                                  \
        }                                                                                                          \
        return TD_OK;                                                                                              \
    }

#define TD_DEFINE_DEQUANTIZE(NAME, IN_T)                                                                           \
    td_status NAME(const td_affine_quant *params, int32_t size, const IN_T *input, float *output)                  \
    {                                                                                                              \
        const float scale = params->scale;                                                                         \
        const int32_t zero_point = params->zero_point;                                                             \
        int32_t i;                                                                                                 \
        for (i = 0; i < size; ++i) {                                                                               \
            output[i] = scale * (float)((int32_t)input[i] - zero_point);                                           \
        }                                                                                                          \
        return TD_OK;                                                                                              \
    }

#endif /* TD_QUANTIZE_COMMON_H */
