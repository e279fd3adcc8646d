/*
 * L2_NORMALIZATION, float32, over the last axis (TFLite's reference_ops::L2Normalization): the
 * float32 sum of squares in order, its square root raised to at least 1e-6, each value divided by it.
 */
#include <math.h>

#include "../internal/td_common.h"

td_status td_l2_normalization_f32(int32_t outer, int32_t depth, const float *input, float *output)
{
    int32_t o;
    int32_t c;
    for (o = 0; o < outer; ++o) {
        const float *x = input + o * depth;
        float sum = 0.0f;
        float norm;
        for (c = 0; c < depth; ++c) {
            const float square = x[c] * x[c];
            sum += square;
        }
        norm = sqrtf(sum);
        if (norm < 1e-6f) {
            norm = 1e-6f;
        }
        for (c = 0; c < depth; ++c) {
            *output++ = x[c] / norm;
        }
    }
    return TD_OK;
}
