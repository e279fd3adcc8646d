/*
 * CONV_2D, float32 (TFLite's reference_ops::Conv): the same loop order as the reference so
 * the float32 sums round identically; bias added after the sum, then the activation clamp.
 */
#include "../internal/td_common.h"

int32_t td_conv2d_f32_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_conv2d_f32(const td_context *ctx,
                        const td_conv_params_f32 *params,
                        const td_dims *input_dims,
                        const float *input,
                        const td_dims *filter_dims,
                        const float *filter,
                        const float *bias,
                        const td_dims *output_dims,
                        float *output)
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
    int32_t batch, out_y, out_x, out_c;
    (void)ctx;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                for (out_c = 0; out_c < output_c; ++out_c) {
                    const int32_t group_channel = (out_c / filters_per_group) * filter_c;
                    float total = 0.0f;
                    int32_t ky, kx, ic;
                    for (ky = 0; ky < filter_h; ++ky) {
                        const int32_t in_y = in_y_origin + params->dilation.h * ky;
                        if (in_y < 0 || in_y >= input_h) {
                            continue;
                        }
                        for (kx = 0; kx < filter_w; ++kx) {
                            const int32_t in_x = in_x_origin + params->dilation.w * kx;
                            const float *input_pixel;
                            const float *filter_pixel;
                            if (in_x < 0 || in_x >= input_w) {
                                continue;
                            }
                            input_pixel = input + ((batch * input_h + in_y) * input_w + in_x) * input_c + group_channel;
                            filter_pixel = filter + ((out_c * filter_h + ky) * filter_w + kx) * filter_c;
                            for (ic = 0; ic < filter_c; ++ic) {
                                total += input_pixel[ic] * filter_pixel[ic];
                            }
                        }
                    }
                    {
                        const float bias_value = bias != NULL ? bias[out_c] : 0.0f;
                        *output++ = td_clamp_f32(total + bias_value, params->activation.min, params->activation.max);
                    }
                }
            }
        }
    }
    return TD_OK;
}
