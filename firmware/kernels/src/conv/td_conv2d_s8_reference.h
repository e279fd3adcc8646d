/*
 * TinyDeploy kernel library, internal: the portable CONV_2D int8 loop, bit-exact with TFLite's
 * reference_integer_ops::ConvPerChannel. The portable td_conv2d_s8 is this function; the
 * Cortex-M variant falls back to it for what its fast path does not cover (grouped convolution).
 */
#ifndef TD_CONV2D_S8_REFERENCE_H
#define TD_CONV2D_S8_REFERENCE_H

#include "../internal/td_common.h"

static inline td_status td_conv2d_s8_reference(const td_context *ctx,
                                               const td_conv_params *params,
                                               const td_per_channel_quant *quant,
                                               const td_dims *input_dims,
                                               const int8_t *input,
                                               const td_dims *filter_dims,
                                               const int8_t *filter,
                                               const int32_t *bias,
                                               const td_dims *output_dims,
                                               int8_t *output)
{
    const int32_t input_h = input_dims->h;
    const int32_t input_w = input_dims->w;
    const int32_t input_c = input_dims->c;
    const int32_t filter_h = filter_dims->h;
    const int32_t filter_w = filter_dims->w;
    const int32_t filter_c = filter_dims->c;
    const int32_t output_c = output_dims->c;
    const int32_t groups = input_c / filter_c;
    const int32_t filters_per_group = output_c / groups;
    const int32_t input_offset = params->input_offset;
    int32_t batch, out_y, out_x, out_c;
    (void)ctx;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                for (out_c = 0; out_c < output_c; ++out_c) {
                    const int32_t group_channel = (out_c / filters_per_group) * filter_c;
                    int32_t acc = 0;
                    int32_t ky, kx, ic;
                    for (ky = 0; ky < filter_h; ++ky) {
                        const int32_t in_y = in_y_origin + params->dilation.h * ky;
                        if (in_y < 0 || in_y >= input_h) {
                            continue;
                        }
                        for (kx = 0; kx < filter_w; ++kx) {
                            const int32_t in_x = in_x_origin + params->dilation.w * kx;
                            const int8_t *input_pixel;
                            const int8_t *filter_pixel;
                            if (in_x < 0 || in_x >= input_w) {
                                continue;
                            }
                            input_pixel = input + ((batch * input_h + in_y) * input_w + in_x) * input_c + group_channel;
                            filter_pixel = filter + ((out_c * filter_h + ky) * filter_w + kx) * filter_c;
                            for (ic = 0; ic < filter_c; ++ic) {
                                acc += (int32_t)filter_pixel[ic] * ((int32_t)input_pixel[ic] + input_offset);
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[out_c];
                    }
                    acc = td_multiply_by_quantized_multiplier(acc, quant->multiplier[out_c], quant->shift[out_c]);
                    acc += params->output_offset;
                    acc = td_clamp_i32(acc, params->activation.min, params->activation.max);
                    *output++ = (int8_t)acc;
                }
            }
        }
    }
    return TD_OK;
}

#endif /* TD_CONV2D_S8_REFERENCE_H */
