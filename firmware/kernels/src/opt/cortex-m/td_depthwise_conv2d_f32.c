/*
 * DEPTHWISE_CONV_2D, float32, on a core with a single-precision FPU (__ARM_FP bit 2; the host
 * tests' TD_DSP_EMULATE compiles the same blocks in C): with a depth multiplier of 1, blocks of
 * eight channels, then four, then single channels. A tap of a block is one VLDM of eight inputs
 * and one of eight weights (the weights [K_h][K_w][C] hold a tap's channels side by side, so
 * nothing is repacked), the eight accumulators held in FPU registers over the tap rows. The taps
 * outside the input are found once per output pixel (td_f32_tap_range), not tested per tap.
 * Each channel's sum is taken in the reference's order (filter rows, then columns) with a
 * separate multiply and add, bias added after it, then the clamp: bit-identical with the
 * portable kernel, which runs depth multipliers above 1 and cores without an FPU. Output pixels
 * are written in increasing order, all channels of a pixel together (the memory planner's
 * contract, codegen/memory/windowed.ts).
 */
#include "../../conv/td_depthwise_conv2d_f32_reference.h"
#include "../../internal/td_f32_runs.h"

#if (defined(__ARM_FP) && (__ARM_FP & 4)) || defined(TD_DSP_EMULATE)
#define TD_DEPTHWISE_F32_BLOCKS 1
#else
#define TD_DEPTHWISE_F32_BLOCKS 0
#endif

int32_t td_depthwise_conv2d_f32_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

#if TD_DEPTHWISE_F32_BLOCKS
static void depthwise_blocks(const td_depthwise_conv_params_f32 *params,
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
    const int32_t channels = input_dims->c;
    const int32_t filter_h = filter_dims->h;
    const int32_t filter_w = filter_dims->w;
    const int32_t dilation_h = params->dilation.h;
    const int32_t dilation_w = params->dilation.w;
    const int32_t x_step = dilation_w * channels;
    const float lo = params->activation.min;
    const float hi = params->activation.max;
    int32_t batch, out_y, out_x;

    for (batch = 0; batch < output_dims->n; ++batch) {
        const float *input_image = input + batch * input_h * input_w * channels;
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            int32_t ky0, ky1;
            td_f32_tap_range(in_y_origin, dilation_h, input_h, filter_h, &ky0, &ky1);
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                int32_t kx0, kx1, taps, c, ky;
                td_f32_tap_range(in_x_origin, dilation_w, input_w, filter_w, &kx0, &kx1);
                taps = kx1 - kx0;
                {
                    /* The first tap of each filter row in the input and in the weights (channel 0). */
                    const float *x_first = input_image + ((in_y_origin + dilation_h * ky0) * input_w + in_x_origin + dilation_w * kx0) * channels;
                    const float *w_first = filter + (ky0 * filter_w + kx0) * channels;
                    const int32_t x_row = dilation_h * input_w * channels;
                    const int32_t w_row = filter_w * channels;
                    for (c = 0; c + 8 <= channels; c += 8) {
                        td_f32_acc8 acc = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
                        for (ky = ky0; ky < ky1; ++ky) {
                            td_f32_run_lanes8(&acc, x_first + (ky - ky0) * x_row + c, x_step, w_first + (ky - ky0) * w_row + c, channels, taps);
                        }
                        output[c] = td_clamp_f32(acc.a0 + (bias != NULL ? bias[c] : 0.0f), lo, hi);
                        output[c + 1] = td_clamp_f32(acc.a1 + (bias != NULL ? bias[c + 1] : 0.0f), lo, hi);
                        output[c + 2] = td_clamp_f32(acc.a2 + (bias != NULL ? bias[c + 2] : 0.0f), lo, hi);
                        output[c + 3] = td_clamp_f32(acc.a3 + (bias != NULL ? bias[c + 3] : 0.0f), lo, hi);
                        output[c + 4] = td_clamp_f32(acc.a4 + (bias != NULL ? bias[c + 4] : 0.0f), lo, hi);
                        output[c + 5] = td_clamp_f32(acc.a5 + (bias != NULL ? bias[c + 5] : 0.0f), lo, hi);
                        output[c + 6] = td_clamp_f32(acc.a6 + (bias != NULL ? bias[c + 6] : 0.0f), lo, hi);
                        output[c + 7] = td_clamp_f32(acc.a7 + (bias != NULL ? bias[c + 7] : 0.0f), lo, hi);
                    }
                    if (c + 4 <= channels) {
                        td_f32_acc4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
                        for (ky = ky0; ky < ky1; ++ky) {
                            td_f32_run_lanes4(&acc, x_first + (ky - ky0) * x_row + c, x_step, w_first + (ky - ky0) * w_row + c, channels, taps);
                        }
                        output[c] = td_clamp_f32(acc.a0 + (bias != NULL ? bias[c] : 0.0f), lo, hi);
                        output[c + 1] = td_clamp_f32(acc.a1 + (bias != NULL ? bias[c + 1] : 0.0f), lo, hi);
                        output[c + 2] = td_clamp_f32(acc.a2 + (bias != NULL ? bias[c + 2] : 0.0f), lo, hi);
                        output[c + 3] = td_clamp_f32(acc.a3 + (bias != NULL ? bias[c + 3] : 0.0f), lo, hi);
                        c += 4;
                    }
                    for (; c < channels; ++c) {
                        float total = 0.0f;
                        int32_t kx;
                        for (ky = ky0; ky < ky1; ++ky) {
                            const float *x = x_first + (ky - ky0) * x_row + c;
                            const float *w = w_first + (ky - ky0) * w_row + c;
                            for (kx = 0; kx < taps; ++kx) {
                                total += x[kx * x_step] * w[kx * channels];
                            }
                        }
                        output[c] = td_clamp_f32(total + (bias != NULL ? bias[c] : 0.0f), lo, hi);
                    }
                }
                output += channels;
            }
        }
    }
}
#endif

td_status td_depthwise_conv2d_f32(const td_context *ctx,
                                  const td_depthwise_conv_params_f32 *params,
                                  const td_dims *input_dims,
                                  const float *input,
                                  const td_dims *filter_dims,
                                  const float *filter,
                                  const float *bias,
                                  const td_dims *output_dims,
                                  float *output)
{
    (void)ctx;
#if TD_DEPTHWISE_F32_BLOCKS
    if (params->depth_multiplier == 1) {
        depthwise_blocks(params, input_dims, input, filter_dims, filter, bias, output_dims, output);
        return TD_OK;
    }
#endif
    td_depthwise_conv2d_f32_reference(params, input_dims, input, filter_dims, filter, bias, output_dims, output);
    return TD_OK;
}
