/*
 * Element-wise binary float32 ops with broadcasting (TFLite's reference kernels): MINIMUM and
 * MAXIMUM (std::min / std::max), DIV (then the fused activation), SQUARED_DIFFERENCE ((a - b)^2)
 * and PRELU (a >= 0 ? a : a * alpha, alpha broadcast as the second input).
 */
#include "../internal/td_common.h"

TD_INLINE float td_binary_element_f32(td_binary_op op, float a, float b)
{
    switch (op) {
    case TD_BINARY_MINIMUM: return b < a ? b : a;
    case TD_BINARY_MAXIMUM: return a < b ? b : a;
    case TD_BINARY_DIV: return a / b;
    case TD_BINARY_SQUARED_DIFFERENCE: {
        const float d = a - b;
        return d * d;
    }
    case TD_BINARY_PRELU: return a >= 0.0f ? a : a * b;
    }
    return 0.0f;
}

td_status td_binary_f32(td_binary_op op,
                        const td_activation_f32 *activation,
                        const td_dims *input1_dims,
                        const float *input1,
                        const td_dims *input2_dims,
                        const float *input2,
                        const td_dims *output_dims,
                        float *output)
{
    const float min = activation->min;
    const float max = activation->max;
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        output[out_index] = td_clamp_f32(td_binary_element_f32(op, input1[index1], input2[index2]), min, max);
    });
    return TD_OK;
}
