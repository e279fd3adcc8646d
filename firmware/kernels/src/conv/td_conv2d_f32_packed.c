/*
 * CONV_2D, float32, over weights packed eight output channels at a time, then four
 * (td_kernels.h): each input value loaded serves eight (or four) accumulators, and one load
 * fetches the block's weights at a tap (one VLDM on a core with an FPU, td_f32_runs.h). Every output's sum is taken in the
 * order of TFLite's reference_ops::Conv (filter rows, columns, input channels), the taps outside
 * the input skipped as the reference skips them, but found once per output pixel rather than
 * tested per tap; bias added after the sum, then the clamp: bit-identical with td_conv2d_f32.
 */
#include "../internal/td_common.h"
#include "../internal/td_f32_runs.h"

int32_t td_conv2d_f32_packed_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_conv2d_f32_packed(const td_conv_params_f32 *params,
                               const td_dims *input_dims,
                               const float *input,
                               const td_dims *filter_dims,
                               const float *packed_filter,
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
    const int32_t blocked8 = output_c - output_c % 8;
    const int32_t filter_size = filter_h * filter_w * input_c;
    const int32_t dilation_h = params->dilation.h;
    const int32_t dilation_w = params->dilation.w;
    const float lo = params->activation.min;
    const float hi = params->activation.max;
    int32_t batch, out_y, out_x;

    for (batch = 0; batch < output_dims->n; ++batch) {
        const float *input_image = input + batch * input_h * input_w * input_c;
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            int32_t ky0, ky1;
            td_f32_tap_range(in_y_origin, dilation_h, input_h, filter_h, &ky0, &ky1);
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                int32_t kx0, kx1, out_c;
                td_f32_tap_range(in_x_origin, dilation_w, input_w, filter_w, &kx0, &kx1);
                for (out_c = 0; out_c < blocked8; out_c += 8) {
                    const float *block = packed_filter + out_c * filter_size;
                    td_f32_acc8 acc = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
                    int32_t ky, kx;
                    for (ky = ky0; ky < ky1; ++ky) {
                        const float *row = input_image + (in_y_origin + dilation_h * ky) * input_w * input_c;
                        if (dilation_w == 1) {
                            /* The row's taps are contiguous in the input and in the block. */
                            const float *x = row + (in_x_origin + kx0) * input_c;
                            const float *w = block + (ky * filter_w + kx0) * input_c * 8;
                            td_f32_run_broadcast8(&acc, &x, &w, (kx1 - kx0) * input_c);
                        } else {
                            for (kx = kx0; kx < kx1; ++kx) {
                                const float *x = row + (in_x_origin + dilation_w * kx) * input_c;
                                const float *w = block + (ky * filter_w + kx) * input_c * 8;
                                td_f32_run_broadcast8(&acc, &x, &w, input_c);
                            }
                        }
                    }
                    output[out_c] = td_clamp_f32(acc.a0 + (bias != NULL ? bias[out_c] : 0.0f), lo, hi);
                    output[out_c + 1] = td_clamp_f32(acc.a1 + (bias != NULL ? bias[out_c + 1] : 0.0f), lo, hi);
                    output[out_c + 2] = td_clamp_f32(acc.a2 + (bias != NULL ? bias[out_c + 2] : 0.0f), lo, hi);
                    output[out_c + 3] = td_clamp_f32(acc.a3 + (bias != NULL ? bias[out_c + 3] : 0.0f), lo, hi);
                    output[out_c + 4] = td_clamp_f32(acc.a4 + (bias != NULL ? bias[out_c + 4] : 0.0f), lo, hi);
                    output[out_c + 5] = td_clamp_f32(acc.a5 + (bias != NULL ? bias[out_c + 5] : 0.0f), lo, hi);
                    output[out_c + 6] = td_clamp_f32(acc.a6 + (bias != NULL ? bias[out_c + 6] : 0.0f), lo, hi);
                    output[out_c + 7] = td_clamp_f32(acc.a7 + (bias != NULL ? bias[out_c + 7] : 0.0f), lo, hi);
                }
                if (out_c + 4 <= output_c) {
                    const float *block = packed_filter + out_c * filter_size;
                    td_f32_acc4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
                    int32_t ky, kx;
                    for (ky = ky0; ky < ky1; ++ky) {
                        const float *row = input_image + (in_y_origin + dilation_h * ky) * input_w * input_c;
                        if (dilation_w == 1) {
                            const float *x = row + (in_x_origin + kx0) * input_c;
                            const float *w = block + (ky * filter_w + kx0) * input_c * 4;
                            td_f32_run_broadcast4(&acc, &x, &w, (kx1 - kx0) * input_c);
                        } else {
                            for (kx = kx0; kx < kx1; ++kx) {
                                const float *x = row + (in_x_origin + dilation_w * kx) * input_c;
                                const float *w = block + (ky * filter_w + kx) * input_c * 4;
                                td_f32_run_broadcast4(&acc, &x, &w, input_c);
                            }
                        }
                    }
                    output[out_c] = td_clamp_f32(acc.a0 + (bias != NULL ? bias[out_c] : 0.0f), lo, hi);
                    output[out_c + 1] = td_clamp_f32(acc.a1 + (bias != NULL ? bias[out_c + 1] : 0.0f), lo, hi);
                    output[out_c + 2] = td_clamp_f32(acc.a2 + (bias != NULL ? bias[out_c + 2] : 0.0f), lo, hi);
                    output[out_c + 3] = td_clamp_f32(acc.a3 + (bias != NULL ? bias[out_c + 3] : 0.0f), lo, hi);
                    out_c += 4;
                }
                /* The channels past the last block, one at a time (their weights as in the model). */
                for (; out_c < output_c; ++out_c) {
                    const float *filter = packed_filter + out_c * filter_size;
                    float total = 0.0f;
                    int32_t ky, kx, ic;
                    for (ky = ky0; ky < ky1; ++ky) {
                        const float *row = input_image + (in_y_origin + dilation_h * ky) * input_w * input_c;
                        for (kx = kx0; kx < kx1; ++kx) {
                            const float *x = row + (in_x_origin + dilation_w * kx) * input_c;
                            const float *w = filter + (ky * filter_w + kx) * input_c;
                            for (ic = 0; ic < input_c; ++ic) {
                                total += x[ic] * w[ic];
                            }
                        }
                    }
                    output[out_c] = td_clamp_f32(total + (bias != NULL ? bias[out_c] : 0.0f), lo, hi);
                }
                output += output_c;
            }
        }
    }
    return TD_OK;
}
