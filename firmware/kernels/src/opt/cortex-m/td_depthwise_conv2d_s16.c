/*
 * DEPTHWISE_CONV_2D, 16x8, Cortex-M DSP variant: depth multiplier 1 and channels a multiple of
 * four, in blocks of four channels. A block's taps are expanded once into int16 lane pairs and
 * its four requantizations prepared (td_s16_requant); then at every output pixel each tap inside
 * the image reads the block's four input values as two words and adds them in with SMLABB and
 * SMLATT. Sums are exact in int32 up to TD_S16_MAX_TERMS taps. Other shapes take the portable
 * loop. Same bits as the portable kernel.
 */
#include "../../conv/td_depthwise_conv2d_s16_reference.h"
#include "td_s16_dsp.h"

int32_t td_depthwise_conv2d_s16_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
#if TD_KERNELS_DSP
    return 8 * filter_dims->h * filter_dims->w + 4 * (int32_t)sizeof(td_s16_requant);
#else
    (void)filter_dims;
    return 0;
#endif
}

td_status td_depthwise_conv2d_s16(const td_context *ctx,
                                  const td_depthwise_conv_params_s16 *params,
                                  const td_per_channel_quant *quant,
                                  const td_dims *input_dims,
                                  const int16_t *input,
                                  const td_dims *filter_dims,
                                  const int8_t *filter,
                                  const int64_t *bias,
                                  const td_dims *output_dims,
                                  int16_t *output)
{
#if TD_KERNELS_DSP
    const int32_t channels = output_dims->c;
    const int32_t taps = filter_dims->h * filter_dims->w;
    td_s16_requant *requants;
    td_word *weights;
    int32_t batch, block;
    if (params->depth_multiplier != 1 || channels % 4 != 0 || taps > TD_S16_MAX_TERMS || !params->wide) {
        return td_depthwise_conv2d_s16_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias,
                                                 output_dims, output);
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_depthwise_conv2d_s16_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    requants = (td_s16_requant *)ctx->buf;
    weights = (td_word *)(void *)(requants + 4);
    for (block = 0; block < channels; block += 4) {
        int32_t t, i;
        for (t = 0; t < taps; ++t) {
            const int8_t *w = filter + t * channels + block;
            weights[2 * t] = td_pack16(w[0], w[1]);
            weights[2 * t + 1] = td_pack16(w[2], w[3]);
        }
        for (i = 0; i < 4; ++i) {
            requants[i] = td_s16_requant_of(bias, block + i, quant->multiplier[block + i], quant->shift[block + i]);
        }
        for (batch = 0; batch < output_dims->n; ++batch) {
            int32_t out_y, out_x;
            for (out_y = 0; out_y < output_dims->h; ++out_y) {
                const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
                int32_t ky_start, ky_end;
                td_tap_range(in_y_origin, input_dims->h, filter_dims->h, params->dilation.h, &ky_start, &ky_end);
                for (out_x = 0; out_x < output_dims->w; ++out_x) {
                    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                    const int32_t x_step = params->dilation.w * channels;
                    int16_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * channels + block;
                    int32_t kx_start, kx_end, ky;
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    td_tap_range(in_x_origin, input_dims->w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
                    for (ky = ky_start; ky < ky_end; ++ky) {
                        const int32_t in_y = in_y_origin + params->dilation.h * ky;
                        const int16_t *x = input +
                                           ((batch * input_dims->h + in_y) * input_dims->w + in_x_origin +
                                            params->dilation.w * kx_start) * channels + block;
                        const td_word *w = weights + 2 * (ky * filter_dims->w + kx_start);
                        const td_word *w_end = w + 2 * (kx_end - kx_start);
                        for (; w < w_end; w += 2, x += x_step) {
                            const uint32_t x01 = td_read_u32(x);
                            const uint32_t x23 = td_read_u32(x + 2);
                            a0 = td_smlabb(x01, w[0], a0);
                            a1 = td_smlatt(x01, w[0], a1);
                            a2 = td_smlabb(x23, w[1], a2);
                            a3 = td_smlatt(x23, w[1], a3);
                        }
                    }
                    out[0] = td_s16_requant_apply(a0, &requants[0], &params->activation);
                    out[1] = td_s16_requant_apply(a1, &requants[1], &params->activation);
                    out[2] = td_s16_requant_apply(a2, &requants[2], &params->activation);
                    out[3] = td_s16_requant_apply(a3, &requants[3], &params->activation);
                }
            }
        }
    }
    return TD_OK;
#else
    return td_depthwise_conv2d_s16_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias,
                                             output_dims, output);
#endif
}
