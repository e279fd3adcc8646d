/*
 * Element-wise unary float32 ops (TFLite's reference kernels): ABS, NEG, SQRT, RSQRT (1 / sqrt),
 * LOG, EXP (td_logf, td_expf: internal/td_math_f32.h, float32 arithmetic only, within 0.84 and
 * 0.97 ulp), SIN, COS (the C library's), HARD_SWISH (x * min(6, max(0, x + 3)) / 6), FLOOR, CEIL,
 * ROUND (halves to even, RoundToNearest) and SQUARE.
 * Accepts output == input.
 */
#include <math.h>

#include "../internal/td_common.h"
#include "../internal/td_math_f32.h"

td_status td_unary_f32(td_unary_op op, int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const float x = input[i];
        float y;
        switch (op) {
        case TD_UNARY_ABS: y = fabsf(x); break;
        case TD_UNARY_NEG: y = -x; break;
        case TD_UNARY_SQRT: y = sqrtf(x); break;
        case TD_UNARY_RSQRT: y = 1.0f / sqrtf(x); break;
        case TD_UNARY_LOG: y = td_logf(x); break;
        case TD_UNARY_EXP: y = td_expf(x); break;
        case TD_UNARY_HARD_SWISH: {
            const float shifted = x + 3.0f;
            const float relu6 = shifted < 0.0f ? 0.0f : (shifted > 6.0f ? 6.0f : shifted);
            y = x * relu6 / 6.0f;
            break;
        }
        case TD_UNARY_FLOOR: y = floorf(x); break;
        case TD_UNARY_CEIL: y = ceilf(x); break;
        case TD_UNARY_ROUND: {
            /* TFLite's RoundToNearest: halves to even. */
            const float floor_value = floorf(x);
            const float diff = x - floor_value;
            y = (diff < 0.5f || (diff == 0.5f && fmodf(floor_value, 2.0f) == 0.0f)) ? floor_value : floor_value + 1.0f;
            break;
        }
        case TD_UNARY_SQUARE: y = x * x; break;
        case TD_UNARY_SIN: y = sinf(x); break;
        case TD_UNARY_COS: y = cosf(x); break;
        default: return TD_ERROR_ARGUMENT;
        }
        output[i] = y;
    }
    return TD_OK;
}
