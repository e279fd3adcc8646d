/*
 * QUANTIZE float32 -> int8 (TFLite's AffineQuantize): round(x / scale) in float32, halves away
 * from zero, converted to int32 the way Arm's VCVT does (saturating, NaN -> 0), plus the zero
 * point (wrapping like int32), clamped to int8.
 */
#include <math.h>

#include "../internal/td_common.h"

TD_INLINE int32_t td_float_to_int32_saturating(float x)
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
    return (int32_t)x;
}

td_status td_quantize_f32_s8(const td_affine_quant *params, int32_t size, const float *input, int8_t *output)
{
    const float scale = params->scale;
    const uint32_t zero_point = (uint32_t)params->zero_point;
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t rounded = td_float_to_int32_saturating(roundf(input[i] / scale));
        const int32_t q = (int32_t)((uint32_t)rounded + zero_point);
        output[i] = (int8_t)td_clamp_i32(q, -128, 127);
    }
    return TD_OK;
}
