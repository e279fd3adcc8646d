/*
 * FULLY_CONNECTED, int8 activations, packed int4 weights, portable (td_kernels.h). Reads the
 * nibbles in place (no unpacked copy of the weights); needs no scratch.
 */
#include "td_fully_connected_s8_int4_reference.h"

int32_t td_fully_connected_s8_int4_get_buffer_size(int32_t input_depth)
{
    (void)input_depth;
    return 0;
}

td_status td_fully_connected_s8_int4(const td_context *ctx,
                                     const td_fc_params *params,
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
    (void)ctx;
    if (params->filter_offset != 0) {
        return TD_ERROR_ARGUMENT;
    }
    td_fully_connected_s8_int4_reference(params, quant, per_channel, batches, input_depth, output_depth, input,
                                         packed_filter, bias, output);
    return TD_OK;
}
