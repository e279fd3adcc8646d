/*
 * LOGISTIC, float32 (TFLite's reference_ops::Logistic): 1 above 16.619047..., exp(x) below
 * -9, 1 / (1 + exp(-x)) in between (td_sigmoidf, with td_expf: internal/td_math_f32.h, float32
 * arithmetic only; 54 instructions a value on virtual-m4f, 87 with newlib's expf).
 */
#include "../internal/td_common.h"
#include "../internal/td_math_f32.h"

td_status td_logistic_f32(int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = td_sigmoidf(input[i]);
    }
    return TD_OK;
}
