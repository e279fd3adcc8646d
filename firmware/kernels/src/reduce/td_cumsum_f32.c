/*
 * CUMSUM, float32 (TFLite's reference_ops::CumSum) over the middle axis of [outer][depth][inner]:
 * a float32 accumulator per line, backwards when reversed; exclusive writes the sum before adding.
 */
#include "../internal/td_common.h"

td_status td_cumsum_f32(int32_t outer, int32_t depth, int32_t inner, int32_t exclusive, int32_t reverse, const float *input, float *output)
{
    int32_t o, i, d;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            float accumulator = 0.0f;
            for (d = 0; d < depth; ++d) {
                const int32_t index = (o * depth + (reverse ? depth - 1 - d : d)) * inner + i;
                if (exclusive) {
                    output[index] = accumulator;
                    accumulator += input[index];
                } else {
                    accumulator += input[index];
                    output[index] = accumulator;
                }
            }
        }
    }
    return TD_OK;
}
