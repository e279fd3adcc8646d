/*
 * td_conv2d_s8_direct, Cortex-M DSP variant (overrides src/conv/td_conv2d_s8_direct.c by name; the
 * same bits as the reference). The generator's choice for convolutions of few outputs (output
 * pixels x channels <= 64) where td_conv2d_s8's im2col columns would cost more: those widen every
 * tap of a patch, padded ones as 0, for few filters, while this loop reads only the taps inside
 * the image, as the reference does (src/core/common/codegen/ops/conv.ts, convDirect, has the
 * estimate). bench/shapes seed 681, 4x4 stride 2 over 3x3x70 to one channel, half its taps in the
 * padding: 24,520 instructions through the columns, 5,960 here, 14,080 for the portable kernel.
 *
 * The reference's loop order (pixel by pixel, every filter: the memory planner may lay the output
 * over the input for it), its dot products four bytes at a time (one load each of input and
 * weights, SXTAB16 adding the input offset, SXTB16, two SMLAD): per window row the taps inside the
 * image are one run of K_w' * C_in bytes in the input and in the filter (dilation 1 across), else a
 * run of C_in per tap; a pixel's rows and columns inside the image are found once for all its
 * filters. The requantization is td_dsp.h's fast form with the output offset folded in when every
 * channel allows it (td_conv_direct_fast), else the reference's. Grouped convolutions run the
 * reference loop. Needs no scratch.
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

/**
 * Whether every channel takes the fast requantization with the output offset folded in (td_dsp.h: a right shift of 1
 * to 21, any for an empty channel, and |bias| + taps * 255 * 128 < 2^30), so that each output needs no 64-bit product.
 */
static int td_conv_direct_fast(const td_per_channel_quant *quant, const int32_t *bias, int32_t channels, int32_t taps)
{
    int32_t c;
    for (c = 0; c < channels; ++c) {
        const int32_t right = quant->multiplier[c] == 0 ? 1 : -quant->shift[c];
        const int64_t magnitude = bias != NULL ? (bias[c] < 0 ? -(int64_t)bias[c] : (int64_t)bias[c]) : 0;
        if (right < 1 || right > TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT ||
            magnitude + (int64_t)taps * TD_PRODUCT_MAX_ABS >= ((int64_t)1 << 30)) {
            return 0;
        }
    }
    return 1;
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
    const int32_t dilation_h = params->dilation.h;
    const int32_t dilation_w = params->dilation.w;
    const int32_t input_step = dilation_h * input_dims->w * channels;
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    int fast;
    int32_t batch, out_y, out_x, out_c, ky, kx;

    if (channels != filter_dims->c || dilation_h < 1 || dilation_w < 1) {
        return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                      output);
    }
    fast = td_conv_direct_fast(quant, bias, output_dims->c, length);
    /* Pixel by pixel, every filter (the order the memory planner may lay the output over the input for). */
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            /* The window rows inside the image: [ky_start, ky_end), in_y = in_y_origin + dilation_h * ky. */
            const int32_t ky_start = in_y_origin < 0 ? (dilation_h - 1 - in_y_origin) / dilation_h : 0;
            const int32_t ky_end =
                in_y_origin >= input_dims->h
                    ? 0
                    : td_min_i32(filter_dims->h, (input_dims->h - 1 - in_y_origin) / dilation_h + 1);
            const int8_t *const input_row =
                input + (batch * input_dims->h + in_y_origin + dilation_h * ky_start) * input_dims->w * channels;
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                /* At dilation 1 across, the window's columns inside the image: each window row one run of bytes in the
                 * input and in the filter, the rows input_step and row_bytes apart. */
                const int32_t kx_start = td_max_i32(0, -in_x_origin);
                const int32_t run = (td_min_i32(filter_dims->w, input_dims->w - in_x_origin) - kx_start) * channels;
                const int8_t *const first_input = input_row + (in_x_origin + kx_start) * channels;
                const int32_t first_weight = ky_start * row_bytes + kx_start * channels;
                for (out_c = 0; out_c < output_dims->c; ++out_c) {
                    const int8_t *const weights = filter + out_c * length;
                    int32_t acc = bias != NULL ? bias[out_c] : 0;
                    int32_t value;
                    if (dilation_w == 1) {
                        if (run > 0) {
                            const int8_t *row_input = first_input;
                            const int8_t *row_weights = weights + first_weight;
                            for (ky = ky_start; ky < ky_end; ++ky, row_input += input_step, row_weights += row_bytes) {
                                acc = td_conv_direct_run(row_input, row_weights, run, offsets, acc);
                            }
                        }
                    } else {
                        const int8_t *row_input = input_row;
                        for (ky = ky_start; ky < ky_end; ++ky, row_input += input_step) {
                            for (kx = 0; kx < filter_dims->w; ++kx) {
                                const int32_t in_x = in_x_origin + dilation_w * kx;
                                if (in_x >= 0 && in_x < input_dims->w) {
                                    acc = td_conv_direct_run(row_input + in_x * channels,
                                                             weights + ky * row_bytes + kx * channels, channels,
                                                             offsets, acc);
                                }
                            }
                        }
                    }
                    if (fast) {
                        const int32_t right = quant->multiplier[out_c] == 0 ? 1 : -quant->shift[out_c];
                        value = td_requant_fast(acc, quant->multiplier[out_c], right,
                                                ((int32_t)1 << (right - 1)) + params->output_offset * ((int32_t)1 << right));
                    } else {
                        value = td_multiply_by_quantized_multiplier(acc, quant->multiplier[out_c], quant->shift[out_c]) +
                                params->output_offset;
                    }
                    *output++ = (int8_t)td_clamp_i32(value, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TD_OK;
}

#else /* no DSP extension: the portable entry */

#include "../../conv/td_conv2d_s8_direct.c"

#endif
