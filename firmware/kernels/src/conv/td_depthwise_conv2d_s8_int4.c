/*
 * DEPTHWISE_CONV_2D, int8 activations, packed int4 weights (td_kernels.h): TFLite's
 * reference_integer_ops::DepthwiseConvPerChannel over the unpacked filter [1, K_h, K_w, C_out]
 * (TFLite Micro unpacks it first; here each tap's nibble is read in place), padded taps skipped.
 * One loop for every build (no DSP variant yet); needs no scratch.
 */
#include "../internal/td_int4.h"

int32_t td_depthwise_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_s8_int4(const td_context *ctx,
                                      const td_depthwise_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *packed_filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output)
{
    const int32_t input_c = input_dims->c;
    const int32_t output_c = output_dims->c;
    const int32_t multiplier = params->depth_multiplier;
    int32_t batch, out_y, out_x, in_c, m;
    (void)ctx;
    if (multiplier <= 0 || input_c * multiplier != output_c || filter_dims->c != output_c) {
        return TD_ERROR_ARGUMENT;
    }
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            int32_t ky_start, ky_end;
            td_tap_range(in_y_origin, input_dims->h, filter_dims->h, params->dilation.h, &ky_start, &ky_end);
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                int32_t kx_start, kx_end;
                td_tap_range(in_x_origin, input_dims->w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
                for (in_c = 0; in_c < input_c; ++in_c) {
                    for (m = 0; m < multiplier; ++m) {
                        const int32_t out_c = in_c * multiplier + m;
                        int32_t acc = 0;
                        int32_t ky, kx;
                        for (ky = ky_start; ky < ky_end; ++ky) {
                            const int32_t in_y = in_y_origin + params->dilation.h * ky;
                            const int8_t *input_row = input + ((batch * input_dims->h + in_y) * input_dims->w) * input_c + in_c;
                            for (kx = kx_start; kx < kx_end; ++kx) {
                                const int32_t in_x = in_x_origin + params->dilation.w * kx;
                                acc += td_int4_at(packed_filter, (ky * filter_dims->w + kx) * output_c + out_c) *
                                       ((int32_t)input_row[in_x * input_c] + params->input_offset);
                            }
                        }
                        if (bias != NULL) {
                            acc += bias[out_c];
                        }
                        acc = td_multiply_by_quantized_multiplier(acc, quant->multiplier[out_c], quant->shift[out_c]);
                        acc += params->output_offset;
                        *output++ = (int8_t)td_clamp_i32(acc, params->activation.min, params->activation.max);
                    }
                }
            }
        }
    }
    return TD_OK;
}
