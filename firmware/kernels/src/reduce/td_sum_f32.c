/* SUM, float32, over the middle axis of [outer][reduce][inner]: a float32 sum in input order. */
#include "../internal/td_common.h"

td_status td_sum_f32(int32_t outer, int32_t reduce, int32_t inner, const float *input, float *output)
{
    int32_t o, i, r;
    for (o = 0; o < outer; ++o) {
        const float *block = input + o * reduce * inner;
        for (i = 0; i < inner; ++i) {
            float total = 0.0f;
            for (r = 0; r < reduce; ++r) {
                total += block[r * inner + i];
            }
            *output++ = total;
        }
    }
    return TD_OK;
}
