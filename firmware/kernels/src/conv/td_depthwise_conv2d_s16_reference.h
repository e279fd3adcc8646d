/*
 * TinyDeploy kernel library, internal: the portable DEPTHWISE_CONV_2D 16x8 loop, bit-exact with
 * TFLite's reference_integer_ops::DepthwiseConvPerChannel for int16 input (zero points 0, 64-bit
 * sum, td_s16.h's epilogue). Output channel oc = ic * depth_multiplier + m. The portable
 * td_depthwise_conv2d_s16 is this function; the Cortex-M variant falls back to it for the shapes
 * its four-channel blocks do not cover.
 */
#ifndef TD_DEPTHWISE_CONV2D_S16_REFERENCE_H
#define TD_DEPTHWISE_CONV2D_S16_REFERENCE_H

#include "../internal/td_s16.h"

static inline td_status td_depthwise_conv2d_s16_reference(const td_context *ctx,
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
    const int32_t input_h = input_dims->h;
    const int32_t input_w = input_dims->w;
    const int32_t input_c = input_dims->c;
    const int32_t output_c = output_dims->c;
    int32_t batch, out_y, out_x, out_c;
    (void)ctx;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            int32_t ky_start, ky_end;
            td_tap_range(in_y_origin, input_h, filter_dims->h, params->dilation.h, &ky_start, &ky_end);
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                int32_t kx_start, kx_end;
                td_tap_range(in_x_origin, input_w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
                for (out_c = 0; out_c < output_c; ++out_c) {
                    const int32_t in_c = out_c / params->depth_multiplier;
                    /* At most K_h * K_w products of |x * w| <= 2^22: int32 is exact below 512 taps. */
                    int64_t acc = 0;
                    int32_t ky, kx;
                    for (ky = ky_start; ky < ky_end; ++ky) {
                        const int32_t in_y = in_y_origin + params->dilation.h * ky;
                        const int16_t *in_row = input + ((batch * input_h + in_y) * input_w) * input_c + in_c;
                        const int8_t *f_row = filter + ky * filter_dims->w * output_c + out_c;
                        int32_t row = 0;
                        for (kx = kx_start; kx < kx_end; ++kx) {
                            const int32_t in_x = in_x_origin + params->dilation.w * kx;
                            row += (int32_t)f_row[kx * output_c] * (int32_t)in_row[in_x * input_c];
                        }
                        acc += row;
                    }
                    *output++ = td_requantize_s16_output(acc, bias, out_c, params->wide, quant->multiplier[out_c],
                                                         quant->shift[out_c], &params->activation);
                }
            }
        }
    }
    return TD_OK;
}

#endif /* TD_DEPTHWISE_CONV2D_S16_REFERENCE_H */
