/*
 * DEPTHWISE_CONV_2D, int8 activations, packed int4 weights (td_kernels.h): the loop of
 * td_depthwise_conv2d_s8_int4_reference.h (TFLite's DepthwiseConvPerChannel over the unpacked
 * filter, the nibbles read in place, one int32 sum per output channel in the scratch). The
 * Cortex-M variant runs blocks of four channels over widened input rows instead, the block's taps
 * unpacked once per call.
 */
#include "td_depthwise_conv2d_s8_int4_reference.h"

int32_t td_depthwise_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    return 4 * filter_dims->c;
}

td_status td_depthwise_conv2d_s8_int4(const td_context *ctx,
                                      const td_depthwise_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *packed_filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output)
{
    const int32_t output_c = output_dims->c;
    const int32_t multiplier = params->depth_multiplier;
    if (multiplier <= 0 || input_dims->c * multiplier != output_c || filter_dims->c != output_c) {
        return TD_ERROR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_depthwise_conv2d_s8_int4_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    td_depthwise_conv2d_s8_int4_reference((int32_t *)ctx->buf, params, quant, input_dims, input, filter_dims, packed_filter, bias,
                                          output_dims, output);
    return TD_OK;
}
