/*
 * TinyDeploy kernel library, internal: the portable FULLY_CONNECTED loop with packed int4
 * weights (td_int4.h), the sums of TFLite Micro's int8 kernel over the unpacked weights. The
 * portable td_fully_connected_s8_int4 is this function; the Cortex-M variant runs it for the
 * shapes its fast path leaves (an odd depth, whose rows start mid-byte).
 */
#ifndef TD_FULLY_CONNECTED_S8_INT4_REFERENCE_H
#define TD_FULLY_CONNECTED_S8_INT4_REFERENCE_H

#include "../internal/td_int4.h"
#include "td_fully_connected_s8_reference.h"

static inline void td_fully_connected_s8_int4_reference(const td_fc_params *params,
                                                        const td_per_channel_quant *quant,
                                                        int32_t per_channel,
                                                        int32_t batches,
                                                        int32_t input_depth,
                                                        int32_t output_depth,
                                                        const int8_t *input,
                                                        const int8_t *packed_filter,
                                                        const int32_t *bias,
                                                        int8_t *output)
{
    const int32_t quant_step = per_channel ? 1 : 0;
    int32_t batch, out_c;
    for (batch = 0; batch < batches; ++batch) {
        const int8_t *input_row = input + batch * input_depth;
        for (out_c = 0; out_c < output_depth; ++out_c) {
            const int32_t acc = td_int4_dot(packed_filter, out_c * input_depth, input_row, input_depth, params->input_offset);
            output[batch * output_depth + out_c] =
                td_fully_connected_s8_finish(params, quant, out_c * quant_step, acc, bias, out_c);
        }
    }
}

#endif /* TD_FULLY_CONNECTED_S8_INT4_REFERENCE_H */
