/* TANH, float32 (TFLite's reference_ops::Tanh): tanhf element-wise. */
#include <math.h>

#include "../internal/td_common.h"

td_status td_tanh_f32(int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = tanhf(input[i]);
    }
    return TD_OK;
}
