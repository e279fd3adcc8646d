/*
 * DEPTHWISE_CONV_2D, int8, Helium (MVE) variant for the Cortex-M55: the same bits as TFLite's
 * reference_integer_ops::DepthwiseConvPerChannel (src/conv/td_depthwise_conv2d_s8_reference.h,
 * whose window of the taps inside the image it walks).
 *
 * Depth multiplier 1, eight channels at a time: per tap, the eight inputs widen to int16 with
 * the input offset added (x + offset fits int16), the eight weights widen likewise, and
 * VMULLB/VMULLT multiply the even and the odd channels into two int32 accumulators (8 MACs in 7
 * instructions, against one MAC per instruction at best without vectors). VST2 interleaves the two
 * back into channel order and four channels at a time are biased and requantized with VQRDMULH
 * (td_mve.h). The channels past the last eight and other depth multipliers go through the
 * reference's channel loop.
 */
#include "td_mve.h"
#include "../../conv/td_depthwise_conv2d_s8_reference.h"

int32_t td_depthwise_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

/** Bias, requantization, offset and clamp of four consecutive channels' accumulators. */
TD_INLINE void td_depthwise_mve_store_four(int8_t *out,
                                           int32x4_t acc,
                                           const int32_t *bias,
                                           const td_per_channel_quant *quant,
                                           const td_depthwise_conv_params *params,
                                           int32_t c)
{
    if (bias != NULL) acc = vaddq_s32(acc, vldrwq_s32(bias + c));
    td_mve_store_four(out + c, acc, quant->multiplier + c, quant->shift + c, params->output_offset, params->activation.min,
                      params->activation.max);
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
    const int16_t input_offset = (int16_t)params->input_offset;
    const int32_t blocked = params->depth_multiplier == 1 ? output_c & ~7 : 0;
    int32_t batch, out_y, out_x, c, row, column;
    (void)ctx;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const td_depthwise_window window = td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
                int8_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_c;
                for (c = 0; c < blocked; c += 8) {
                    int32x4_t even = vdupq_n_s32(0), odd = vdupq_n_s32(0);
                    int32_t sums[8];
                    for (row = 0; row < window.rows; ++row) {
                        const int8_t *in = input + window.input_start + row * window.input_row_step + c;
                        const int8_t *f = filter + window.filter_start + row * window.filter_row_step + c;
                        for (column = 0; column < window.columns; ++column) {
                            const int16x8_t x = vaddq_n_s16(vldrbq_s16(in), input_offset);
                            const int16x8_t w = vldrbq_s16(f);
                            even = vaddq_s32(even, vmullbq_int_s16(x, w));
                            odd = vaddq_s32(odd, vmulltq_int_s16(x, w));
                            in += window.input_tap_step;
                            f += window.filter_tap_step;
                        }
                    }
                    {
                        const int32x4x2_t pair = {{even, odd}};
                        vst2q_s32(sums, pair);
                    }
                    td_depthwise_mve_store_four(out, vldrwq_s32(sums), bias, quant, params, c);
                    td_depthwise_mve_store_four(out, vldrwq_s32(sums + 4), bias, quant, params, c + 4);
                }
                td_depthwise_channels_s8(params, quant, &window, blocked, output_c, input, filter, bias, out);
            }
        }
    }
    return TD_OK;
}
