/*
 * DEPTHWISE_CONV_2D, float32 (TFLite's reference_ops::DepthwiseConv): sum in float32 in the
 * reference's order, bias added after the sum, then the activation clamp.
 */
#include "td_depthwise_conv2d_f32_reference.h"

int32_t td_depthwise_conv2d_f32_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_f32(const td_context *ctx,
                                  const td_depthwise_conv_params_f32 *params,
                                  const td_dims *input_dims,
                                  const float *input,
                                  const td_dims *filter_dims,
                                  const float *filter,
                                  const float *bias,
                                  const td_dims *output_dims,
                                  float *output)
{
    (void)ctx;
    td_depthwise_conv2d_f32_reference(params, input_dims, input, filter_dims, filter, bias, output_dims, output);
    return TD_OK;
}
