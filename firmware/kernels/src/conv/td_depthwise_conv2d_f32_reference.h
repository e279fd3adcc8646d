/*
 * DEPTHWISE_CONV_2D, float32: TFLite's reference_ops::DepthwiseConv loop, shared by the portable
 * kernel and the FPU variant (src/opt/cortex-m), which runs it for depth multipliers above 1.
 */
#ifndef TD_DEPTHWISE_CONV2D_F32_REFERENCE_H
#define TD_DEPTHWISE_CONV2D_F32_REFERENCE_H

#include "../internal/td_common.h"

static inline void td_depthwise_conv2d_f32_reference(const td_depthwise_conv_params_f32 *params,
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
    const int32_t output_c = output_dims->c;
    const int32_t depth_multiplier = params->depth_multiplier;
    int32_t batch, out_y, out_x, in_c, m;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                for (in_c = 0; in_c < input_c; ++in_c) {
                    for (m = 0; m < depth_multiplier; ++m) {
                        const int32_t out_c = in_c * depth_multiplier + m;
                        float total = 0.0f;
                        int32_t ky, kx;
                        for (ky = 0; ky < filter_h; ++ky) {
                            const int32_t in_y = in_y_origin + params->dilation.h * ky;
                            if (in_y < 0 || in_y >= input_h) {
                                continue;
                            }
                            for (kx = 0; kx < filter_w; ++kx) {
                                const int32_t in_x = in_x_origin + params->dilation.w * kx;
                                if (in_x < 0 || in_x >= input_w) {
                                    continue;
                                }
                                total += input[((batch * input_h + in_y) * input_w + in_x) * input_c + in_c] *
                                         filter[(ky * filter_w + kx) * output_c + out_c];
                            }
                        }
                        {
                            const float bias_value = bias != NULL ? bias[out_c] : 0.0f;
                            output[((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_c + out_c] =
                                td_clamp_f32(total + bias_value, params->activation.min, params->activation.max);
                        }
                    }
                }
            }
        }
    }
}

#endif /* TD_DEPTHWISE_CONV2D_F32_REFERENCE_H */
