/* RELU / RELU6 / RELU_N1_TO_1, float32: a clamp to the range, as TFLite's reference kernels do. */
#include "../internal/td_common.h"

td_status td_relu_f32(const td_activation_f32 *range, int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = td_clamp_f32(input[i], range->min, range->max);
    }
    return TD_OK;
}
