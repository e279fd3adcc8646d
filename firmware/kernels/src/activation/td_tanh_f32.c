/*
 * TANH, float32 (TFLite's reference_ops::Tanh, std::tanh) element-wise, with td_tanhf
 * (internal/td_math_f32.h: float32 arithmetic only, within 1.31 ulp; 69 instructions a value on
 * virtual-m4f, 113 with newlib's tanhf)
 */
#include "../internal/td_common.h"
#include "../internal/td_math_f32.h"

td_status td_tanh_f32(int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = td_tanhf(input[i]);
    }
    return TD_OK;
}
