/*
 * DEPTHWISE_CONV_2D, 16x8, Cortex-M DSP variant: depth multiplier 1 and channels a multiple of
 * four. Once per call every tap is expanded into int16 lane pairs, in blocks of four channels
 * ([block][tap][two words]), and every channel's requantization prepared (td_s16_requant); then
 * at each output pixel the taps inside the image are found once and every block adds them in,
 * its four input values read as two words, with SMLABB and SMLATT. Sums are exact in int32 up to
 * TD_S16_MAX_TERMS taps. Other shapes take the portable loop. Same bits as the portable kernel.
 */
#include "../../conv/td_depthwise_conv2d_s16_reference.h"
#include "td_s16_dsp.h"

int32_t td_depthwise_conv2d_s16_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
#if TD_KERNELS_DSP
    return 2 * filter_dims->h * filter_dims->w * filter_dims->c + (int32_t)sizeof(td_s16_requant) * filter_dims->c;
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
    const int32_t x_step = params->dilation.w * channels;
    td_s16_requant *requants;
    td_word *weights;
    int32_t batch, block, t, c;
    if (params->depth_multiplier != 1 || channels % 4 != 0 || taps > TD_S16_MAX_TERMS || !params->wide) {
        return td_depthwise_conv2d_s16_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias,
                                                 output_dims, output);
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_depthwise_conv2d_s16_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    requants = (td_s16_requant *)ctx->buf;
    weights = (td_word *)(void *)(requants + channels);
    for (c = 0; c < channels; ++c) {
        requants[c] = td_s16_requant_of(bias, c, quant->multiplier[c], quant->shift[c]);
    }
    for (block = 0; block < channels; block += 4) {
        td_word *to = weights + (block / 4) * taps * 2;
        for (t = 0; t < taps; ++t) {
            /* Four channels' weights: SXTB16 gives (w0, w2) and (w1, w3), the interleave (w0, w1) and (w2, w3). */
            const uint32_t w = td_read_u32(filter + t * channels + block);
            uint32_t low, high;
            td_s16_interleave(td_sxtb16(w), td_sxtb16_ror8(w), &low, &high);
            to[2 * t] = low;
            to[2 * t + 1] = high;
        }
    }
    for (batch = 0; batch < output_dims->n; ++batch) {
        int32_t out_y, out_x;
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            int32_t ky_start, ky_end;
            td_tap_range(in_y_origin, input_dims->h, filter_dims->h, params->dilation.h, &ky_start, &ky_end);
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                int16_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * channels;
                const int16_t *window;
                int32_t kx_start, kx_end, columns, row_step;
                td_tap_range(in_x_origin, input_dims->w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
                columns = kx_end - kx_start;
                row_step = params->dilation.h * input_dims->w * channels;
                window = input + ((batch * input_dims->h + in_y_origin + params->dilation.h * ky_start) * input_dims->w +
                                  in_x_origin + params->dilation.w * kx_start) * channels;
                for (block = 0; block < channels; block += 4, window += 4, out += 4) {
                    const td_word *block_weights = weights + (block / 4) * taps * 2 + 2 * kx_start;
                    const td_s16_requant *rq = requants + block;
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    int32_t ky;
                    for (ky = ky_start; ky < ky_end; ++ky) {
                        const int16_t *x = window + (ky - ky_start) * row_step;
                        const td_word *w = block_weights + 2 * ky * filter_dims->w;
                        const td_word *w_end = w + 2 * columns;
                        for (; w < w_end; w += 2, x += x_step) {
                            const uint32_t x01 = td_read_u32(x);
                            const uint32_t x23 = td_read_u32(x + 2);
                            a0 = td_smlabb(x01, w[0], a0);
                            a1 = td_smlatt(x01, w[0], a1);
                            a2 = td_smlabb(x23, w[1], a2);
                            a3 = td_smlatt(x23, w[1], a3);
                        }
                    }
                    out[0] = td_s16_requant_apply(a0, &rq[0], &params->activation);
                    out[1] = td_s16_requant_apply(a1, &rq[1], &params->activation);
                    out[2] = td_s16_requant_apply(a2, &rq[2], &params->activation);
                    out[3] = td_s16_requant_apply(a3, &rq[3], &params->activation);
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
