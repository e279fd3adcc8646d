/*
 * DEPTHWISE_CONV_2D, int8, the entry the generator picks for 3x3 filters at stride 1 over wide
 * rows. The DSP variant (src/opt/cortex-m) runs them through channel planes; here, without the
 * DSP extension, it is td_depthwise_conv2d_s8 (the same bits).
 */
#include "td_kernels.h"

int32_t td_depthwise_conv2d_s8_planes_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return td_depthwise_conv2d_s8_get_buffer_size(input_dims, filter_dims);
}

td_status td_depthwise_conv2d_s8_planes(const td_context *ctx,
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
    return td_depthwise_conv2d_s8(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
}
