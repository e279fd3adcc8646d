/*
 * TinyDeploy kernel library, internal: the portable DEPTHWISE_CONV_2D loop with packed int4
 * weights (td_int4.h), TFLite's reference_integer_ops::DepthwiseConvPerChannel over the unpacked
 * filter [1, K_h, K_w, C_out] (TFLite Micro unpacks it first), padded taps skipped. Per output
 * pixel the taps go outer and the channels inner, into one int32 sum per output channel (the
 * scratch, td_depthwise_conv2d_s8_int4_get_buffer_size's): each tap's C_out weights are
 * consecutive nibbles, read a byte (two channels) at a time (td_int4_depthwise_tap). The portable
 * td_depthwise_conv2d_s8_int4 is this function; the Cortex-M variant runs it for the shapes its
 * channel blocks leave.
 *
 * A template: the includer defines TD_DEPTHWISE_INT4_REFERENCE as the function's specifiers and
 * name (the portable kernel itself, or the Cortex-M variant's out-of-line fallback), so that the
 * loop is compiled as a function of its own either way (inlined into a wrapper it lost a tenth of
 * its speed to register allocation on the M4).
 */
#include "../internal/td_int4.h"

TD_DEPTHWISE_INT4_REFERENCE(const td_context *ctx,
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
    int32_t *sums;
    int32_t batch, out_y, out_x, out_c;
    if (multiplier <= 0 || input_c * multiplier != output_c || filter_dims->c != output_c) {
        return TD_ERROR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_depthwise_conv2d_s8_int4_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    sums = (int32_t *)ctx->buf;
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            int32_t ky_start, ky_end;
            td_tap_range(in_y_origin, input_dims->h, filter_dims->h, params->dilation.h, &ky_start, &ky_end);
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                int32_t kx_start, kx_end, ky, kx;
                td_tap_range(in_x_origin, input_dims->w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
                for (out_c = 0; out_c < output_c; ++out_c) {
                    sums[out_c] = bias != NULL ? bias[out_c] : 0;
                }
                for (ky = ky_start; ky < ky_end; ++ky) {
                    const int32_t in_y = in_y_origin + params->dilation.h * ky;
                    for (kx = kx_start; kx < kx_end; ++kx) {
                        const int32_t in_x = in_x_origin + params->dilation.w * kx;
                        td_int4_depthwise_tap(sums, packed_filter, (ky * filter_dims->w + kx) * output_c,
                                              input + ((batch * input_dims->h + in_y) * input_dims->w + in_x) * input_c, output_c,
                                              multiplier, params->input_offset);
                    }
                }
                for (out_c = 0; out_c < output_c; ++out_c) {
                    int32_t acc = td_multiply_by_quantized_multiplier(sums[out_c], quant->multiplier[out_c], quant->shift[out_c]);
                    acc += params->output_offset;
                    *output++ = (int8_t)td_clamp_i32(acc, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TD_OK;
}

#undef TD_DEPTHWISE_INT4_REFERENCE
