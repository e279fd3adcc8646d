/*
 * DEPTHWISE_CONV_2D, int8 (portable). Bit-exact with TFLite's
 * reference_integer_ops::DepthwiseConvPerChannel (see td_depthwise_conv2d_s8_reference.h).
 * With depth multiplier 1, four neighbouring channels share each tap's loop (integer sums do
 * not depend on their order). Needs no scratch.
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
    const int32_t output_c = output_dims->c;
    const int32_t input_offset = params->input_offset;
    const int32_t blocked = params->depth_multiplier == 1 ? output_c & ~3 : 0;
    int32_t batch, out_y, out_x, c, row, column;
    (void)ctx;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const td_depthwise_window window =
                    td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
                int8_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_c;
                for (c = 0; c < blocked; c += 4) {
                    int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
                    for (row = 0; row < window.rows; ++row) {
                        const int8_t *in = input + window.input_start + row * window.input_row_step + c;
                        const int8_t *f = filter + window.filter_start + row * window.filter_row_step + c;
                        for (column = 0; column < window.columns; ++column) {
                            acc0 += (int32_t)f[0] * ((int32_t)in[0] + input_offset);
                            acc1 += (int32_t)f[1] * ((int32_t)in[1] + input_offset);
                            acc2 += (int32_t)f[2] * ((int32_t)in[2] + input_offset);
                            acc3 += (int32_t)f[3] * ((int32_t)in[3] + input_offset);
                            in += window.input_tap_step;
                            f += window.filter_tap_step;
                        }
                    }
                    out[c] = td_depthwise_finish(params, quant, bias, c, acc0);
                    out[c + 1] = td_depthwise_finish(params, quant, bias, c + 1, acc1);
                    out[c + 2] = td_depthwise_finish(params, quant, bias, c + 2, acc2);
                    out[c + 3] = td_depthwise_finish(params, quant, bias, c + 3, acc3);
                }
                td_depthwise_channels_s8(params, quant, &window, blocked, output_c, input, filter, bias, out);
            }
        }
    }
    return TD_OK;
}
