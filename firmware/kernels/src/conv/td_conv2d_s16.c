/*
 * CONV_2D, 16x8, portable: TFLite's reference_integer_ops::ConvPerChannel for int16 input (see
 * td_conv2d_s16_reference.h). Needs no scratch.
 */
#include "td_conv2d_s16_reference.h"

int32_t td_conv2d_s16_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_conv2d_s16(const td_context *ctx,
                        const td_conv_params_s16 *params,
                        const td_per_channel_quant *quant,
                        const td_dims *input_dims,
                        const int16_t *input,
                        const td_dims *filter_dims,
                        const int8_t *filter,
                        const int64_t *bias,
                        const td_dims *output_dims,
                        int16_t *output)
{
    return td_conv2d_s16_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                   output);
}
