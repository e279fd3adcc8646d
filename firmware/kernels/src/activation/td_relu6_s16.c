/* RELU6, int16 (TFLite Micro's Relu6Quantized): a clamp to [zero point, quantized 6], no rescale. */
#include "../internal/td_common.h"

td_status td_relu6_s16(const td_activation *range, int32_t size, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = (int16_t)td_clamp_i32(input[i], range->min, range->max);
    }
    return TD_OK;
}
