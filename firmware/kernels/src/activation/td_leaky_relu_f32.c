/* LEAKY_RELU float32 (reference_ops::LeakyRelu): x > 0 ? x : x * alpha. */
#include "../internal/td_common.h"

td_status td_leaky_relu_f32(float alpha, int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const float x = input[i];
        output[i] = x > 0.0f ? x : x * alpha;
    }
    return TD_OK;
}
