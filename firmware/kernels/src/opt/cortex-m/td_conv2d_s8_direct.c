/*
 * td_conv2d_s8_direct, Cortex-M DSP variant (overrides src/conv/td_conv2d_s8_direct.c by name; the
 * same bits as the reference). The generator's choice for convolutions of few outputs (output
 * pixels x channels <= 64) where td_conv2d_s8's im2col columns would cost more: those widen every
 * tap of a patch, padded ones as 0, for few filters, while this loop reads only the taps inside
 * the image, as the reference does (src/core/common/codegen/ops/conv.ts, convDirect, has the
 * estimate). bench/shapes seed 681, 4x4 stride 2 over 3x3x70 to one channel, half its taps in the
 * padding: 24,520 instructions through the columns, 5,960 here, 14,080 for the portable kernel.
 *
 * The reference's loop order and arithmetic (td_conv2d_s8_reference.h: the same requantization),
 * its dot products four bytes at a time (one load each of input and weights, SXTAB16 adding the
 * input offset, SXTB16, two SMLAD): per window row the taps inside the image are one run of
 * K_w' * C_in bytes in the input and in the filter (dilation 1 across), else a run of C_in per tap.
 * Grouped convolutions run the reference loop. Needs no scratch.
 */
#include "../../conv/td_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** The sum of a run of `length` input bytes (input offset added) times as many weights, onto acc. */
TD_INLINE int32_t td_conv_direct_run(const int8_t *input, const int8_t *weights, int32_t length, uint32_t offsets,
                                     int32_t acc)
{
    const int32_t offset = (int32_t)(int16_t)(offsets & 0xffffu);
    int32_t i = 0;
    for (; i + 4 <= length; i += 4) {
        const uint32_t x = td_read_u32(input + i), w = td_read_u32(weights + i);
        acc = td_smlad(td_sxtb16(w), td_sxtab16(offsets, x), acc);
        acc = td_smlad(td_sxtb16_ror8(w), td_sxtab16_ror8(offsets, x), acc);
    }
    for (; i < length; ++i) {
        acc += (int32_t)weights[i] * ((int32_t)input[i] + offset);
    }
    return acc;
}

td_status td_conv2d_s8_direct(const td_context *ctx,
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
    const int32_t channels = input_dims->c;
    const int32_t row_bytes = filter_dims->w * channels;
    const int32_t length = filter_dims->h * row_bytes;
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    int32_t batch, out_y, out_x, out_c, ky, kx;

    if (channels != filter_dims->c) {
        return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                      output);
    }
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                /* The window's columns inside the image at dilation 1: [kx_start, kx_end). */
                const int32_t kx_start = td_max_i32(0, -in_x_origin);
                const int32_t kx_end = td_min_i32(filter_dims->w, input_dims->w - in_x_origin);
                for (out_c = 0; out_c < output_dims->c; ++out_c) {
                    int32_t acc = 0;
                    for (ky = 0; ky < filter_dims->h; ++ky) {
                        const int32_t in_y = in_y_origin + params->dilation.h * ky;
                        const int8_t *input_row;
                        const int8_t *filter_row;
                        if (in_y < 0 || in_y >= input_dims->h) {
                            continue;
                        }
                        input_row = input + (batch * input_dims->h + in_y) * input_dims->w * channels;
                        filter_row = filter + out_c * length + ky * row_bytes;
                        if (params->dilation.w == 1) {
                            if (kx_end > kx_start) {
                                acc = td_conv_direct_run(input_row + (in_x_origin + kx_start) * channels,
                                                         filter_row + kx_start * channels,
                                                         (kx_end - kx_start) * channels, offsets, acc);
                            }
                            continue;
                        }
                        for (kx = 0; kx < filter_dims->w; ++kx) {
                            const int32_t in_x = in_x_origin + params->dilation.w * kx;
                            if (in_x >= 0 && in_x < input_dims->w) {
                                acc = td_conv_direct_run(input_row + in_x * channels, filter_row + kx * channels,
                                                         channels, offsets, acc);
                            }
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
    return TD_OK;
}

#else /* no DSP extension: the portable entry */

#include "../../conv/td_conv2d_s8_direct.c"

#endif
