/*
 * CONV_2D, int8, Helium (MVE) variant for the Cortex-M55: the same bits as TFLite's
 * reference_integer_ops::ConvPerChannel (src/conv/td_conv2d_s8.c).
 *
 * sum((x + input_offset) * w) = sum(x * w) + input_offset * sum(w): the second term and the
 * bias are folded once per call into one start value per output channel (scratch), so the inner
 * loop is a plain int8 dot product, sixteen MACs per VMLADAVA.S8, each sixteen input bytes loaded
 * once for four output channels. A receptive field inside the input with no dilation is read
 * where it lies (one run of K_w * C_in bytes per kernel row); one that crosses the padding, a
 * dilated or a grouped one is first gathered into a column whose padded taps hold the input zero
 * point (x + input_offset = 0 there, so the folded sum stays right). Four channels are
 * requantized at once with VQRDMULH (td_mve.h).
 *
 * Shapes with fewer than three input channels per group or receptive fields under 32 bytes
 * (the first layer of an image model, 1x1 layers over 8 or 16 channels) leave too few MACs per
 * output for the vector loop to pay for its set-up, and run the DSP kernel, included here under
 * another name: bench/helium measured it faster on those (and slower on all the others).
 */
#include "td_mve.h"

#define td_conv2d_s8 td_conv2d_s8_dsp
#define td_conv2d_s8_get_buffer_size td_conv2d_s8_dsp_get_buffer_size
#include "../cortex-m/td_conv2d_s8.c"
#undef td_conv2d_s8
#undef td_conv2d_s8_get_buffer_size

/** Whether the Helium loop runs this convolution (else the DSP kernel does). */
TD_INLINE int td_conv_mve_pays(const td_dims *filter_dims)
{
    return filter_dims->c >= 3 && filter_dims->h * filter_dims->w * filter_dims->c >= 32;
}

/** The Helium loop's scratch: the folded start value of every output channel, then one column of the receptive field. */
TD_INLINE int32_t td_conv_mve_buffer_size(const td_dims *filter_dims)
{
    const int32_t length = filter_dims->h * filter_dims->w * filter_dims->c;
    return 4 * filter_dims->n + ((length + 15) & ~15);
}

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return td_conv_mve_pays(filter_dims) ? td_conv_mve_buffer_size(filter_dims) : td_conv2d_s8_dsp_get_buffer_size(input_dims, filter_dims);
}

/**
 * Output channels first..last of one pixel: each channel's dot product over `runs` runs of `run`
 * bytes (`source_step` apart in the input, one after the other in the filter row), four channels
 * per pass, then their outputs.
 */
TD_INLINE void td_conv_mve_channels(const int8_t *source,
                                    int32_t runs,
                                    int32_t run,
                                    int32_t source_step,
                                    const int8_t *filter,
                                    int32_t length,
                                    int32_t first,
                                    int32_t last,
                                    const int32_t *folded,
                                    const td_per_channel_quant *quant,
                                    const td_conv_params *params,
                                    int8_t *out)
{
    const int32_t output_offset = params->output_offset, min = params->activation.min, max = params->activation.max;
    int32_t oc = first, r;
    for (; oc + 4 <= last; oc += 4) {
        const int8_t *w0 = filter + oc * length;
        const int8_t *w1 = w0 + length, *w2 = w1 + length, *w3 = w2 + length;
        int32_t acc0 = folded[oc], acc1 = folded[oc + 1], acc2 = folded[oc + 2], acc3 = folded[oc + 3];
        for (r = 0; r < runs; ++r) {
            const int8_t *x = source + r * source_step;
            int32_t count = run;
            for (; count >= 16; count -= 16, x += 16, w0 += 16, w1 += 16, w2 += 16, w3 += 16) {
                const int8x16_t values = vldrbq_s8(x);
                acc0 = vmladavaq_s8(acc0, values, vldrbq_s8(w0));
                acc1 = vmladavaq_s8(acc1, values, vldrbq_s8(w1));
                acc2 = vmladavaq_s8(acc2, values, vldrbq_s8(w2));
                acc3 = vmladavaq_s8(acc3, values, vldrbq_s8(w3));
            }
            if (count > 0) {
                const mve_pred16_t lanes = vctp8q((uint32_t)count);
                const int8x16_t values = vldrbq_z_s8(x, lanes);
                acc0 = vmladavaq_s8(acc0, values, vldrbq_z_s8(w0, lanes));
                acc1 = vmladavaq_s8(acc1, values, vldrbq_z_s8(w1, lanes));
                acc2 = vmladavaq_s8(acc2, values, vldrbq_z_s8(w2, lanes));
                acc3 = vmladavaq_s8(acc3, values, vldrbq_z_s8(w3, lanes));
                w0 += count;
                w1 += count;
                w2 += count;
                w3 += count;
            }
        }
        {
            int32x4_t acc = vdupq_n_s32(acc0);
            acc = vsetq_lane_s32(acc1, acc, 1);
            acc = vsetq_lane_s32(acc2, acc, 2);
            acc = vsetq_lane_s32(acc3, acc, 3);
            td_mve_requant requant;
            td_mve_requant_of(&requant, NULL, quant, oc, output_offset, min, max);
            td_mve_requant_store(out + oc, acc, &requant);
        }
    }
    for (; oc < last; ++oc) {
        const int8_t *w = filter + oc * length;
        int32_t acc = folded[oc];
        for (r = 0; r < runs; ++r, w += run) acc = td_mve_dot_s8(acc, source + r * source_step, w, run);
        out[oc] = td_mve_output_one(acc, quant->multiplier[oc], quant->shift[oc], output_offset, min, max);
    }
}

td_status td_conv2d_s8(const td_context *ctx,
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
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, filter_c = filter_dims->c, out_c = filter_dims->n;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    const int32_t stride_h = params->stride.h, stride_w = params->stride.w;
    const int32_t dilation_h = params->dilation.h, dilation_w = params->dilation.w;
    const int32_t length = k_h * k_w * filter_c;
    const int8_t pad = (int8_t)(-params->input_offset);
    int32_t groups, per_group, oc, batch, out_y, out_x, group;
    int32_t *folded;
    int8_t *column;
    if (params == NULL || quant == NULL || input_dims == NULL || input == NULL || filter_dims == NULL || filter == NULL ||
        output_dims == NULL || output == NULL || filter_c <= 0 || in_c % filter_c != 0) {
        return TD_ERROR_ARGUMENT;
    }
    if (!td_conv_mve_pays(filter_dims)) {
        return td_conv2d_s8_dsp(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
    }
    groups = in_c / filter_c;
    per_group = out_c / groups;
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_conv2d_s8_get_buffer_size(input_dims, filter_dims)) return TD_ERROR_SCRATCH;
    folded = (int32_t *)ctx->buf;
    column = (int8_t *)(folded + out_c);
    for (oc = 0; oc < out_c; ++oc) {
        /* Wrapping, as the reference's int32 accumulator: the same value modulo 2^32. */
        const uint32_t start = bias != NULL ? (uint32_t)bias[oc] : 0u;
        folded[oc] = (int32_t)(start + (uint32_t)params->input_offset * (uint32_t)td_mve_sum_s8(filter + oc * length, length));
    }
    for (batch = 0; batch < input_dims->n; ++batch) {
        const int8_t *const image = input + batch * in_h * in_w * in_c;
        for (out_y = 0; out_y < out_h; ++out_y) {
            const int32_t in_y0 = out_y * stride_h - params->padding.h;
            for (out_x = 0; out_x < out_w; ++out_x) {
                const int32_t in_x0 = out_x * stride_w - params->padding.w;
                int8_t *const out = output + ((batch * out_h + out_y) * out_w + out_x) * out_c;
                /* Read in place: K_h runs of K_w * C_in bytes, one input row apart, when they are long enough to fill vectors. */
                const int contiguous = groups == 1 && dilation_w == 1;
                if (contiguous && dilation_h == 1 && k_w * in_c >= 16 && in_y0 >= 0 && in_x0 >= 0 && in_y0 + k_h <= in_h &&
                    in_x0 + k_w <= in_w) {
                    td_conv_mve_channels(image + (in_y0 * in_w + in_x0) * in_c, k_h, k_w * in_c, in_w * in_c, filter, length, 0,
                                         out_c, folded, quant, params, out);
                    continue;
                }
                for (group = 0; group < groups; ++group) {
                    int8_t *cell = column;
                    int32_t ky, kx;
                    for (ky = 0; ky < k_h; ++ky) {
                        const int32_t in_y = in_y0 + ky * dilation_h;
                        if (in_y < 0 || in_y >= in_h) {
                            memset(cell, pad, (size_t)(k_w * filter_c));
                            cell += k_w * filter_c;
                        } else if (contiguous) {
                            /* The taps inside the row in one copy, the padding on either side in one fill each. */
                            const int32_t first = in_x0 < 0 ? -in_x0 : 0;
                            const int32_t end = in_x0 + k_w > in_w ? in_w - in_x0 : k_w;
                            if (end <= first) {
                                memset(cell, pad, (size_t)(k_w * in_c));
                            } else {
                                memset(cell, pad, (size_t)(first * in_c));
                                memcpy(cell + first * in_c, image + (in_y * in_w + in_x0 + first) * in_c, (size_t)((end - first) * in_c));
                                memset(cell + end * in_c, pad, (size_t)((k_w - end) * in_c));
                            }
                            cell += k_w * in_c;
                        } else {
                            for (kx = 0; kx < k_w; ++kx, cell += filter_c) {
                                const int32_t in_x = in_x0 + kx * dilation_w;
                                if (in_x < 0 || in_x >= in_w) {
                                    memset(cell, pad, (size_t)filter_c);
                                } else {
                                    memcpy(cell, image + (in_y * in_w + in_x) * in_c + group * filter_c, (size_t)filter_c);
                                }
                            }
                        }
                    }
                    td_conv_mve_channels(column, 1, length, 0, filter, length, group * per_group, (group + 1) * per_group,
                                         folded, quant, params, out);
                }
            }
        }
    }
    return TD_OK;
}

