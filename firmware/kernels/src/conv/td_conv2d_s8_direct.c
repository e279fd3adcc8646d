/*
 * td_conv2d_s8_direct, portable: TFLite's reference loop (td_conv2d_s8_reference.h), as td_conv2d_s8.
 * The generator calls this entry only in DSP builds (src/opt/cortex-m/td_conv2d_s8_direct.c); the
 * portable build defines it for the same API everywhere. Needs no scratch.
 */
#include "td_conv2d_s8_reference.h"

td_status td_conv2d_s8_direct(const td_context *ctx,
                              const td_conv_params *params,
                              const td_per_channel_quant *quant,
                              const td_dims *input_dims,
                              const int8_t *input,
                              const td_dims *filter_dims,
                              const int8_t *filter,
                              const int32_t *bias,
                              const td_dims *output_dims,
                              int8_t *output)
{
    return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                  output);
}
