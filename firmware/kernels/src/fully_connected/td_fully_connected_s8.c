/*
 * FULLY_CONNECTED, int8, portable: TFLite's reference_integer_ops::FullyConnected (per-tensor)
 * and FullyConnectedPerChannel (see td_fully_connected_s8_reference.h). Needs no scratch.
 */
#include "td_fully_connected_s8_reference.h"

int32_t td_fully_connected_s8_get_buffer_size(int32_t input_depth, int32_t output_depth)
{
    (void)input_depth;
    (void)output_depth;
    return 0;
}

td_status td_fully_connected_s8(const td_context *ctx,
                                const td_fc_params *params,
                                const td_per_channel_quant *quant,
                                int32_t per_channel,
                                int32_t batches,
                                int32_t input_depth,
                                int32_t output_depth,
                                const int8_t *input,
                                const int8_t *filter,
                                const int32_t *bias,
                                int8_t *output)
{
    (void)ctx;
    td_fully_connected_s8_reference_rows(params, quant, per_channel, batches, input_depth, output_depth, 0,
                                         output_depth, input, filter, bias, output);
    return TD_OK;
}
