/*
 * MUL, int8 (TFLite's reference_integer_ops::MulElementwise / BroadcastMul): the product of
 * the offset inputs, requantized with one multiplier, plus the output offset, clamped.
 */
#include "../internal/td_common.h"

TD_INLINE int8_t td_mul_element_s8(const td_mul_params_s8 *params, int32_t x1, int32_t x2)
{
    const int32_t product = (x1 + params->input1_offset) * (x2 + params->input2_offset);
    const int32_t rescaled =
        td_multiply_by_quantized_multiplier(product, params->output.multiplier, params->output.shift);
    const int32_t result = rescaled + params->output_offset;
    return (int8_t)td_clamp_i32(result, params->activation.min, params->activation.max);
}

td_status td_mul_s8(const td_mul_params_s8 *params,
                    const td_dims *input1_dims,
                    const int8_t *input1,
                    const td_dims *input2_dims,
                    const int8_t *input2,
                    const td_dims *output_dims,
                    int8_t *output)
{
    if (td_dims_equal(input1_dims, output_dims) && td_dims_equal(input2_dims, output_dims)) {
        const int32_t size = td_dims_count(output_dims);
        int32_t i;
        for (i = 0; i < size; ++i) {
            output[i] = td_mul_element_s8(params, input1[i], input2[i]);
        }
    } else {
        TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
            output[out_index] = td_mul_element_s8(params, input1[index1], input2[index2]);
        });
    }
    return TD_OK;
}
