/*
 * MEAN, float32, over the middle axis of [outer][reduce][inner] (TFLite's reference_ops::Mean):
 * a float32 sum in input order divided by the count in float32.
 */
#include "../internal/td_common.h"

td_status td_mean_f32(int32_t outer, int32_t reduce, int32_t inner, const float *input, float *output)
{
    const float count = (float)reduce;
    int32_t o, i, r;
    if (reduce <= 0) {
        return TD_ERROR_ARGUMENT;
    }
    for (o = 0; o < outer; ++o) {
        const float *block = input + o * reduce * inner;
        for (i = 0; i < inner; ++i) {
            float sum = 0.0f;
            for (r = 0; r < reduce; ++r) {
                sum += block[r * inner + i];
            }
            *output++ = sum / count;
        }
    }
    return TD_OK;
}
