/*
 * TinyDeploy kernel library, internal: ADD, SUB and MUL on int16 tensors (16x8 models), the int8
 * kernels' arithmetic with int16 values: ADD / SUB shift the offset inputs left by 15 (the
 * params' left_shift) instead of 20, MUL multiplies them (|x1 · x2| < 2^31 with zero points 0).
 */
#ifndef TD_ELEMENTWISE_S16_H
#define TD_ELEMENTWISE_S16_H

#include "../internal/td_common.h"

TD_INLINE int16_t td_add_element_s16(const td_add_params_s8 *params, int32_t x1, int32_t x2, int32_t subtract)
{
    const int32_t shifted1 = (x1 + params->input1_offset) * ((int32_t)1 << params->left_shift);
    const int32_t shifted2 = (x2 + params->input2_offset) * ((int32_t)1 << params->left_shift);
    const int32_t scaled1 = td_multiply_by_quantized_multiplier(shifted1, params->input1.multiplier, params->input1.shift);
    const int32_t scaled2 = td_multiply_by_quantized_multiplier(shifted2, params->input2.multiplier, params->input2.shift);
    const int32_t raw = (int32_t)(subtract ? (uint32_t)scaled1 - (uint32_t)scaled2 : (uint32_t)scaled1 + (uint32_t)scaled2);
    const int32_t rescaled = td_multiply_by_quantized_multiplier(raw, params->output.multiplier, params->output.shift);
    return (int16_t)td_clamp_i32(rescaled + params->output_offset, params->activation.min, params->activation.max);
}

TD_INLINE int16_t td_mul_element_s16(const td_mul_params_s8 *params, int32_t x1, int32_t x2)
{
    const int32_t product = (int32_t)((uint32_t)(x1 + params->input1_offset) * (uint32_t)(x2 + params->input2_offset));
    const int32_t rescaled = td_multiply_by_quantized_multiplier(product, params->output.multiplier, params->output.shift);
    return (int16_t)td_clamp_i32(rescaled + params->output_offset, params->activation.min, params->activation.max);
}

/** ADD (subtract 0) or SUB (subtract 1) over (possibly broadcast) 4-D shapes. */
TD_INLINE td_status td_add_or_sub_s16(const td_add_params_s8 *params,
                                      const td_dims *input1_dims,
                                      const int16_t *input1,
                                      const td_dims *input2_dims,
                                      const int16_t *input2,
                                      const td_dims *output_dims,
                                      int16_t *output,
                                      int32_t subtract)
{
    if (td_dims_equal(input1_dims, output_dims) && td_dims_equal(input2_dims, output_dims)) {
        const int32_t size = td_dims_count(output_dims);
        int32_t i;
        for (i = 0; i < size; ++i) {
            output[i] = td_add_element_s16(params, input1[i], input2[i], subtract);
        }
    } else {
        TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
            output[out_index] = td_add_element_s16(params, input1[index1], input2[index2], subtract);
        });
    }
    return TD_OK;
}

#endif /* TD_ELEMENTWISE_S16_H */
