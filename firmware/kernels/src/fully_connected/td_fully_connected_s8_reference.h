/*
 * TinyDeploy kernel library, internal: the portable FULLY_CONNECTED int8 loop, bit-exact with
 * TFLite's reference_integer_ops::FullyConnected (per-tensor) and FullyConnectedPerChannel.
 * The portable td_fully_connected_s8 is this function; the Cortex-M variant uses it for the
 * rows its paired fast path leaves over and for asymmetric weights.
 */
#ifndef TD_FULLY_CONNECTED_S8_REFERENCE_H
#define TD_FULLY_CONNECTED_S8_REFERENCE_H

#include "../internal/td_common.h"

/** One output value: the row's dot product, bias, requantization, offset and clamp. */
TD_INLINE int8_t td_fully_connected_s8_finish(const td_fc_params *params,
                                              const td_per_channel_quant *quant,
                                              int32_t quant_index,
                                              int32_t acc,
                                              const int32_t *bias,
                                              int32_t out_c)
{
    if (bias != NULL) {
        acc += bias[out_c];
    }
    acc = td_multiply_by_quantized_multiplier(acc, quant->multiplier[quant_index], quant->shift[quant_index]);
    acc += params->output_offset;
    return (int8_t)td_clamp_i32(acc, params->activation.min, params->activation.max);
}

/** Output channels [first, last) of every batch row. */
static inline void td_fully_connected_s8_reference_rows(const td_fc_params *params,
                                                        const td_per_channel_quant *quant,
                                                        int32_t per_channel,
                                                        int32_t batches,
                                                        int32_t input_depth,
                                                        int32_t output_depth,
                                                        int32_t first,
                                                        int32_t last,
                                                        const int8_t *input,
                                                        const int8_t *filter,
                                                        const int32_t *bias,
                                                        int8_t *output)
{
    const int32_t input_offset = params->input_offset;
    const int32_t filter_offset = params->filter_offset;
    const int32_t quant_step = per_channel ? 1 : 0;
    int32_t batch, out_c, d;
    for (batch = 0; batch < batches; ++batch) {
        const int8_t *input_row = input + batch * input_depth;
        for (out_c = first; out_c < last; ++out_c) {
            const int8_t *filter_row = filter + out_c * input_depth;
            int32_t acc = 0;
            for (d = 0; d < input_depth; ++d) {
                acc += ((int32_t)filter_row[d] + filter_offset) * ((int32_t)input_row[d] + input_offset);
            }
            output[batch * output_depth + out_c] =
                td_fully_connected_s8_finish(params, quant, out_c * quant_step, acc, bias, out_c);
        }
    }
}

#endif /* TD_FULLY_CONNECTED_S8_REFERENCE_H */
