/*
 * CONV_2D, int8 activations, packed int4 weights, Cortex-M DSP variant: overrides
 * src/conv/td_conv2d_s8_int4.c by name with the same bits. Per output pixel the patch
 * (K_h * K_w * C_in values plus the input offset, padded taps 0, as the reference skips them) is
 * widened once into the scratch in td_int4_dsp.h's lane order; then every filter, two at a time,
 * is one dot product over its packed row (eight weights per word load, four AND and four SMLALD). A patch of odd length
 * (rows starting mid-byte), grouped convolution and patches shorter than eight take the portable
 * loop; a patch's last length % 8 values go through the nibble loop. The filter is never unpacked.
 */
#include "../../conv/td_conv2d_s8_int4_reference.h"
#include "td_int4_dsp.h"

/** The scratch words of a patch of `length` values: whole groups of eight lanes, then the rest one int16 each. */
static int32_t td_conv2d_s8_int4_patch_bytes(int32_t length)
{
    return 2 * ((length + 7) & ~7);
}

int32_t td_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    return TD_KERNELS_DSP ? td_conv2d_s8_int4_patch_bytes(filter_dims->h * filter_dims->w * filter_dims->c) : 0;
}

#if TD_KERNELS_DSP
/** The finished output of one filter: bias, requantization, offset, clamp. */
TD_INLINE int8_t td_conv2d_s8_int4_finish(const td_conv_params *params, const td_per_channel_quant *quant, const int32_t *bias, int32_t out_c, int32_t acc)
{
    if (bias != NULL) {
        acc += bias[out_c];
    }
    acc = td_multiply_by_quantized_multiplier(acc, quant->multiplier[out_c], quant->shift[out_c]);
    acc += params->output_offset;
    return (int8_t)td_clamp_i32(acc, params->activation.min, params->activation.max);
}

/** The tail of a patch (values groups * 8 .. length - 1, kept as plain int16) against filter `out_c`'s nibbles. */
TD_INLINE int32_t td_conv2d_s8_int4_tail(const int8_t *packed_filter, int32_t start, const td_int4_half *patch, int32_t from, int32_t length)
{
    int32_t acc = 0;
    int32_t i;
    for (i = from; i < length; ++i) {
        acc += td_int4_at(packed_filter, start + i) * patch[i];
    }
    return acc;
}
#endif

td_status td_conv2d_s8_int4(const td_context *ctx,
                            const td_conv_params *params,
                            const td_per_channel_quant *quant,
                            const td_dims *input_dims,
                            const int8_t *input,
                            const td_dims *filter_dims,
                            const int8_t *packed_filter,
                            const int32_t *bias,
                            const td_dims *output_dims,
                            int8_t *output)
{
#if TD_KERNELS_DSP
    const int32_t length = filter_dims->h * filter_dims->w * filter_dims->c;
    if (filter_dims->c == input_dims->c && length % 2 == 0 && length >= 8 && length <= TD_INT4_DSP_MAX_DEPTH) {
        const int32_t groups = length >> 3;
        const int32_t row_bytes = length >> 1;
        const int32_t input_c = input_dims->c;
        const int32_t output_c = output_dims->c;
        td_word *lanes;
        td_int4_half *patch;
        int32_t batch, out_y, out_x;
        if (ctx == NULL || ctx->buf == NULL || ctx->size < td_conv2d_s8_int4_patch_bytes(length)) {
            return TD_ERROR_SCRATCH;
        }
        lanes = (td_word *)ctx->buf;
        patch = (td_int4_half *)ctx->buf;
        for (batch = 0; batch < output_dims->n; ++batch) {
            for (out_y = 0; out_y < output_dims->h; ++out_y) {
                const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
                for (out_x = 0; out_x < output_dims->w; ++out_x) {
                    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                    int32_t ky, kx, ic, out_c, i = 0;
                    for (ky = 0; ky < filter_dims->h; ++ky) {
                        const int32_t in_y = in_y_origin + params->dilation.h * ky;
                        const int inside_y = in_y >= 0 && in_y < input_dims->h;
                        for (kx = 0; kx < filter_dims->w; ++kx) {
                            const int32_t in_x = in_x_origin + params->dilation.w * kx;
                            if (input_c % 8 == 0) {
                                /* Whole groups per tap: widened eight at a time, or zero words for a padded tap. */
                                if (inside_y && in_x >= 0 && in_x < input_dims->w) {
                                    td_int4_widen(input + ((batch * input_dims->h + in_y) * input_dims->w + in_x) * input_c, input_c >> 3,
                                                  params->input_offset, lanes + (i >> 1));
                                } else {
                                    memset(lanes + (i >> 1), 0, (size_t)input_c * 2);
                                }
                                i += input_c;
                            } else if (inside_y && in_x >= 0 && in_x < input_dims->w) {
                                const int8_t *pixel = input + ((batch * input_dims->h + in_y) * input_dims->w + in_x) * input_c;
                                for (ic = 0; ic < input_c; ++ic, ++i) {
                                    patch[i < groups * 8 ? td_int4_lane(i) : i] = (int16_t)(pixel[ic] + params->input_offset);
                                }
                            } else {
                                for (ic = 0; ic < input_c; ++ic, ++i) {
                                    patch[i < groups * 8 ? td_int4_lane(i) : i] = 0;
                                }
                            }
                        }
                    }
                    for (out_c = 0; out_c + 1 < output_c; out_c += 2) {
                        int32_t acc0, acc1;
                        td_int4_dot_lanes_two(packed_filter + out_c * row_bytes, row_bytes, lanes, groups, &acc0, &acc1);
                        acc0 += td_conv2d_s8_int4_tail(packed_filter, out_c * length, patch, groups * 8, length);
                        acc1 += td_conv2d_s8_int4_tail(packed_filter, (out_c + 1) * length, patch, groups * 8, length);
                        *output++ = td_conv2d_s8_int4_finish(params, quant, bias, out_c, acc0);
                        *output++ = td_conv2d_s8_int4_finish(params, quant, bias, out_c + 1, acc1);
                    }
                    if (out_c < output_c) {
                        const int32_t acc = td_int4_dot_lanes(packed_filter + out_c * row_bytes, lanes, groups) +
                                            td_conv2d_s8_int4_tail(packed_filter, out_c * length, patch, groups * 8, length);
                        *output++ = td_conv2d_s8_int4_finish(params, quant, bias, out_c, acc);
                    }
                }
            }
        }
        return TD_OK;
    }
#endif
    (void)ctx;
    return td_conv2d_s8_int4_reference(params, quant, input_dims, input, filter_dims, packed_filter, bias, output_dims, output);
}
