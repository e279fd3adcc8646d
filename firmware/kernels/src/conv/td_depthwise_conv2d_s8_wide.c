/*
 * DEPTHWISE_CONV_2D, int8, the entry the generator picks for 5x5 filters (stride 1 or 2) and for
 * 3x3 filters at stride 1 with a depth multiplier above 1 over small images. The DSP variant
 * (src/opt/cortex-m) widens the input into planes of int16 pairs of one channel (SMLAD); here,
 * without the DSP extension, it is the reference loop, pixel by pixel (the same bits), for the
 * rows-of-five entry (td_depthwise_conv2d_s8_wide_rows5) too. Needs no scratch.
 */
#include "td_depthwise_conv2d_s8_reference.h"

int32_t td_depthwise_conv2d_s8_wide_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_s8_wide(const td_context *ctx,
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
    td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                           output_dims->n, 0, output_dims->c);
    return TD_OK;
}

td_status td_depthwise_conv2d_s8_wide_packed(const td_context *ctx,
                                             const td_depthwise_conv_params *params,
                                             const td_per_channel_quant *quant,
                                             const td_dims *input_dims,
                                             const int8_t *input,
                                             const td_dims *filter_dims,
                                             const int8_t *filter,
                                             const int32_t *bias,
                                             const td_dims *output_dims,
                                             int8_t *output,
                                             const int32_t *blocks)
{
    (void)blocks;
    return td_depthwise_conv2d_s8_wide(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                       output);
}

int32_t td_depthwise_conv2d_s8_wide_rows5_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_s8_wide_rows5(const td_context *ctx,
                                            const td_depthwise_conv_params *params,
                                            const td_per_channel_quant *quant,
                                            const td_dims *input_dims,
                                            const int8_t *input,
                                            const td_dims *filter_dims,
                                            const int8_t *filter,
                                            const int32_t *bias,
                                            const td_dims *output_dims,
                                            int8_t *output,
                                            const int32_t *blocks)
{
    (void)blocks;
    return td_depthwise_conv2d_s8_wide(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                       output);
}

td_status td_depthwise_conv2d_s8_wide_rows5_compact(const td_context *ctx,
                                                    const td_depthwise_conv_params *params,
                                                    const td_per_channel_quant *quant,
                                                    const td_dims *input_dims,
                                                    const int8_t *input,
                                                    const td_dims *filter_dims,
                                                    const int8_t *filter,
                                                    const int32_t *bias,
                                                    const td_dims *output_dims,
                                                    int8_t *output,
                                                    const int32_t *blocks)
{
    (void)blocks;
    return td_depthwise_conv2d_s8_wide(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                       output);
}
