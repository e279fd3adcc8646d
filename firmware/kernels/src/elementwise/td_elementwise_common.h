/*
 * TinyDeploy kernel library, internal: the per-element arithmetic shared by ADD and SUB
 * (TFLite's general quantized add: both inputs to a common scale with 20 bits of headroom,
 * summed, rescaled to the output).
 */
#ifndef TD_ELEMENTWISE_COMMON_H
#define TD_ELEMENTWISE_COMMON_H

#include "../internal/td_common.h"

TD_INLINE int8_t td_add_element_s8(const td_add_params_s8 *params, int32_t x1, int32_t x2, int32_t subtract)
{
    const int32_t shifted1 = (x1 + params->input1_offset) * ((int32_t)1 << params->left_shift);
    const int32_t shifted2 = (x2 + params->input2_offset) * ((int32_t)1 << params->left_shift);
    const td_requant *in1 = &params->input1;
    const td_requant *in2 = &params->input2;
    const int32_t scaled1 = td_multiply_by_quantized_multiplier(shifted1, in1->multiplier, in1->shift);
    const int32_t scaled2 = td_multiply_by_quantized_multiplier(shifted2, in2->multiplier, in2->shift);
    const int32_t raw = subtract ? scaled1 - scaled2 : scaled1 + scaled2;
    const int32_t rescaled = td_multiply_by_quantized_multiplier(raw, params->output.multiplier, params->output.shift);
    const int32_t result = rescaled + params->output_offset;
    return (int8_t)td_clamp_i32(result, params->activation.min, params->activation.max);
}

/** ADD or SUB over (possibly broadcast) 4-D shapes. */
TD_INLINE td_status td_add_or_sub_s8(const td_add_params_s8 *params,
                                     const td_dims *input1_dims,
                                     const int8_t *input1,
                                     const td_dims *input2_dims,
                                     const int8_t *input2,
                                     const td_dims *output_dims,
                                     int8_t *output,
                                     int32_t subtract)
{
    if (td_dims_equal(input1_dims, output_dims) && td_dims_equal(input2_dims, output_dims)) {
        const int32_t size = td_dims_count(output_dims);
        int32_t i;
        for (i = 0; i < size; ++i) {
            output[i] = td_add_element_s8(params, input1[i], input2[i], subtract);
        }
    } else {
        TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
            output[out_index] = td_add_element_s8(params, input1[index1], input2[index2], subtract);
        });
    }
    return TD_OK;
}

#endif /* TD_ELEMENTWISE_COMMON_H */
