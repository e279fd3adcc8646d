/*
 * LOG_SOFTMAX, float32, over the last axis (TFLite's reference_ops::LogSoftmax): per row the
 * largest value m, the float32 sum of exp(x - m) in order, then x - m - log(sum) (td_expf and
 * td_logf, internal/td_math_f32.h: float32 arithmetic only, within 0.97 and 0.84 ulp).
 */
#include "../internal/td_common.h"
#include "../internal/td_math_f32.h"

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
            sum += td_expf(x[c] - max);
        }
        log_sum = td_logf(sum);
        for (c = 0; c < depth; ++c) {
            const float shifted = x[c] - max;
            *output++ = shifted - log_sum;
        }
    }
    return TD_OK;
}
