/*
 * CONV_2D, int8, portable: TFLite's reference_integer_ops::ConvPerChannel (see
 * td_conv2d_s8_reference.h). Needs no scratch.
 */
#include "td_conv2d_s8_reference.h"

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_conv2d_s8(const td_context *ctx,
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

