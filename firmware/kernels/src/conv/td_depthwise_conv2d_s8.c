/*
 * DEPTHWISE_CONV_2D, int8 (portable). Bit-exact with TFLite's
 * reference_integer_ops::DepthwiseConvPerChannel (see td_depthwise_conv2d_s8_reference.h).
 * With depth multiplier 1, four neighbouring channels share each tap's loop (integer sums do
 * not depend on their order; td_depthwise_portable_s8). Needs no scratch.
 */
#include "td_depthwise_conv2d_s8_reference.h"

int32_t td_depthwise_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_s8(const td_context *ctx,
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

TD_DEPTHWISE_PAIRED_AS_PORTABLE
TD_DEPTHWISE_LINES_AS_PORTABLE
TD_DEPTHWISE_COLUMNS_AS_PORTABLE
TD_DEPTHWISE_3X3_AS_PORTABLE
