/*
 * TinyDeploy kernel library, internal: the portable CONV_2D 16x8 loop, bit-exact with TFLite's
 * reference_integer_ops::ConvPerChannel for int16 input (zero points 0, 64-bit sum, td_s16.h's
 * epilogue). The portable td_conv2d_s16 is this function; the Cortex-M variant falls back to it
 * for patches longer than its int32 sums allow.
 */
#ifndef TD_CONV2D_S16_REFERENCE_H
#define TD_CONV2D_S16_REFERENCE_H

#include "../internal/td_s16.h"

static inline td_status td_conv2d_s16_reference(const td_context *ctx,
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
    const int32_t input_h = input_dims->h;
    const int32_t input_w = input_dims->w;
    const int32_t input_c = input_dims->c;
    const int32_t filter_h = filter_dims->h;
    const int32_t filter_w = filter_dims->w;
    int32_t batch, out_y, out_x, out_c;
    (void)ctx;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                for (out_c = 0; out_c < output_dims->c; ++out_c) {
                    int64_t acc = 0;
                    int32_t ky, kx, ic;
                    for (ky = 0; ky < filter_h; ++ky) {
                        const int32_t in_y = in_y_origin + params->dilation.h * ky;
                        if (in_y < 0 || in_y >= input_h) {
                            continue;
                        }
                        for (kx = 0; kx < filter_w; ++kx) {
                            const int32_t in_x = in_x_origin + params->dilation.w * kx;
                            const int16_t *input_pixel;
                            const int8_t *filter_pixel;
                            int32_t pixel = 0;
                            if (in_x < 0 || in_x >= input_w) {
                                continue;
                            }
                            input_pixel = input + ((batch * input_h + in_y) * input_w + in_x) * input_c;
                            filter_pixel = filter + ((out_c * filter_h + ky) * filter_w + kx) * input_c;
                            /* |x * w| <= 2^22: one pixel's int32 sum is exact below 512 channels. */
                            for (ic = 0; ic < input_c; ++ic) {
                                pixel += (int32_t)filter_pixel[ic] * (int32_t)input_pixel[ic];
                                if ((ic & 255) == 255) {
                                    acc += pixel;
                                    pixel = 0;
                                }
                            }
                            acc += pixel;
                        }
                    }
                    *output++ = td_requantize_s16_output(acc, bias, out_c, params->wide, quant->multiplier[out_c],
                                                         quant->shift[out_c], &params->activation);
                }
            }
        }
    }
    return TD_OK;
}

#endif /* TD_CONV2D_S16_REFERENCE_H */
