/*
 * DEPTHWISE_CONV_2D, int8, the entry the generator picks in DSP builds for some windows one row or one column wide
 * (conv.ts, depthwiseWidened). The DSP variant (src/opt/cortex-m) runs them over widened channel planes; here,
 * without the DSP extension, it is the portable depthwise loop (the same bits), with no scratch.
 */
#include "td_depthwise_conv2d_s8_reference.h"

int32_t td_depthwise_conv2d_s8_widened_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_s8_widened(const td_context *ctx,
                                         const td_depthwise_conv_params *params,
                                         const td_per_channel_quant *quant,
                                         const td_dims *input_dims,
                                         const int8_t *input,
                                         const td_dims *filter_dims,
                                         const int8_t *filter,
                                         const int32_t *bias,
                                         const td_dims *output_dims,
                                         int8_t *output)
{
    (void)ctx;
    td_depthwise_portable_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
    return TD_OK;
}
