/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP variant. Overrides src/conv/td_depthwise_conv2d_s8.c by
 * name and gives the same bits (see td_depthwise_conv2d_s8_reference.h).
 *
 * With depth multiplier 1, four neighbouring channels are done together: per tap one word of
 * input and one of filter are loaded, split by SXTB16 into even and odd int16 lanes (the input
 * offset added with SADD16), and SMLABB / SMLATT accumulate each lane into its own channel.
 * Other channels and depth multipliers take the shared one-at-a-time path. Needs no scratch.
 */
#include "../../conv/td_depthwise_conv2d_s8_reference.h"
#include "td_dsp.h"

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
#if TD_KERNELS_DSP
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    const int32_t blocked = params->depth_multiplier == 1 ? output_c & ~3 : 0;
#else
    const int32_t blocked = 0;
#endif
    int32_t batch, out_y, out_x;
    (void)ctx;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const td_depthwise_window window =
                    td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
                int8_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_c;
#if TD_KERNELS_DSP
                int32_t c, row, column;
                for (c = 0; c < blocked; c += 4) {
                    int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
                    for (row = 0; row < window.rows; ++row) {
                        const int8_t *in = input + window.input_start + row * window.input_row_step + c;
                        const int8_t *f = filter + window.filter_start + row * window.filter_row_step + c;
                        for (column = 0; column < window.columns; ++column) {
                            const uint32_t values = td_read_u32(in);
                            const uint32_t weights = td_read_u32(f);
                            const uint32_t values_even = td_sadd16(td_sxtb16(values), offsets);
                            const uint32_t values_odd = td_sadd16(td_sxtb16_ror8(values), offsets);
                            const uint32_t weights_even = td_sxtb16(weights);
                            const uint32_t weights_odd = td_sxtb16_ror8(weights);
                            acc0 = td_smlabb(values_even, weights_even, acc0);
                            acc2 = td_smlatt(values_even, weights_even, acc2);
                            acc1 = td_smlabb(values_odd, weights_odd, acc1);
                            acc3 = td_smlatt(values_odd, weights_odd, acc3);
                            in += window.input_tap_step;
                            f += window.filter_tap_step;
                        }
                    }
                    out[c] = td_depthwise_finish(params, quant, bias, c, acc0);
                    out[c + 1] = td_depthwise_finish(params, quant, bias, c + 1, acc1);
                    out[c + 2] = td_depthwise_finish(params, quant, bias, c + 2, acc2);
                    out[c + 3] = td_depthwise_finish(params, quant, bias, c + 3, acc3);
                }
#endif
                td_depthwise_channels_s8(params, quant, &window, blocked, output_c, input, filter, bias, out);
            }
        }
    }
    return TD_OK;
}
