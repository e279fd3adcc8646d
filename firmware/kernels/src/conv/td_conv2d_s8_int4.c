/*
 * CONV_2D, int8 activations, packed int4 weights, portable (td_kernels.h): the reference loop
 * reading the nibbles in place (td_conv2d_s8_int4_reference.h). Needs no scratch.
 */
#include "td_conv2d_s8_int4_reference.h"

int32_t td_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_conv2d_s8_int4(const td_context *ctx,
                            const td_conv_params *params,
                            const td_per_channel_quant *quant,
                            const td_dims *input_dims,
                            const int8_t *input,
                            const td_dims *filter_dims,
                            const int8_t *packed_filter,
                            const int32_t *bias,
                            const td_dims *output_dims,
                            int8_t *output)
{
    (void)ctx;
    return td_conv2d_s8_int4_reference(params, quant, input_dims, input, filter_dims, packed_filter, bias, output_dims, output);
}
