/* MUL, float32 (TFLite's reference_ops): x1 * x2 in float32, then the activation clamp. */
#include "../internal/td_common.h"

td_status td_mul_f32(const td_activation_f32 *activation,
                     const td_dims *input1_dims,
                     const float *input1,
                     const td_dims *input2_dims,
                     const float *input2,
                     const td_dims *output_dims,
                     float *output)
{
    const float min = activation->min;
    const float max = activation->max;
    if (td_dims_equal(input1_dims, output_dims) && td_dims_equal(input2_dims, output_dims)) {
        const int32_t size = td_dims_count(output_dims);
        int32_t i;
        for (i = 0; i < size; ++i) {
            output[i] = td_clamp_f32(input1[i] * input2[i], min, max);
        }
    } else {
        TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
            output[out_index] = td_clamp_f32(input1[index1] * input2[index2], min, max);
        });
    }
    return TD_OK;
}
