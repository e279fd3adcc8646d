/*
 * SOFTMAX, float32 (TFLite's reference_ops::Softmax): per row, exp((x - max) * beta) (td_expf,
 * internal/td_math_f32.h: float32 arithmetic only, within 0.97 ulp), summed in float32, each
 * divided by the sum.
 */
#include <float.h>

#include "../internal/td_common.h"
#include "../internal/td_math_f32.h"

td_status td_softmax_f32(float beta, int32_t rows, int32_t depth, const float *input, float *output)
{
    int32_t row, c;
    for (row = 0; row < rows; ++row) {
        const float *in = input + row * depth;
        float *out = output + row * depth;
        float max = -FLT_MAX;
        float sum = 0.0f;
        for (c = 0; c < depth; ++c) {
            max = in[c] > max ? in[c] : max;
        }
        for (c = 0; c < depth; ++c) {
            const float exp_c = td_expf((in[c] - max) * beta);
            out[c] = exp_c;
            sum += exp_c;
        }
        for (c = 0; c < depth; ++c) {
            out[c] = out[c] / sum;
        }
    }
    return TD_OK;
}
