/*
 * LOG_SOFTMAX, float32, over the last axis (TFLite's reference_ops::LogSoftmax): per row the
 * largest value m, the float32 sum of expf(x - m) in order, then x - m - logf(sum).
 */
#include <math.h>

#include "../internal/td_common.h"

td_status td_log_softmax_f32(int32_t outer, int32_t depth, const float *input, float *output)
{
    int32_t o;
    int32_t c;
    for (o = 0; o < outer; ++o) {
        const float *x = input + o * depth;
        float max = -3.402823466e38f;
        float sum = 0.0f;
        float log_sum;
        for (c = 0; c < depth; ++c) {
            if (x[c] > max) {
                max = x[c];
            }
        }
        for (c = 0; c < depth; ++c) {
            sum += expf(x[c] - max);
        }
        log_sum = logf(sum);
        for (c = 0; c < depth; ++c) {
            const float shifted = x[c] - max;
            *output++ = shifted - log_sum;
        }
    }
    return TD_OK;
}
