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
 * Receptive fields under 16 bytes (1x1 layers over fewer than 16 channels) leave too few MACs per
 * output for the vector loop to pay for its set-up, and run the DSP kernel, included here under
 * another name: bench/helium measured it faster on those and slower on all the others (one
 * input channel through a 10x4 window: 449,781 instructions against 333,156).
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
    return filter_dims->h * filter_dims->w * filter_dims->c >= 16;
}

/**
 * What the Helium loop prepares once per call (scratch, td_conv_mve_buffer_size), per output
 * channel: the folded start value (bias + input_offset * the sum of its weights) and the
 * requantization's vectors as td_mve_requant holds them, so that four channels of a pixel load
 * them (VLDRW) instead of deriving them. Then one column of the receptive field.
 */
typedef struct {
    int32_t *folded;
    int32_t *left_shift;
    int32_t *right_shift_negated;
    int32_t *mask;
    const int32_t *multiplier;
    int32_t output_offset;
    int32_t min;
    int32_t max;
} td_conv_mve_table;

/** The Helium loop's scratch: four words per output channel (td_conv_mve_table), then one column of the receptive field. */
TD_INLINE int32_t td_conv_mve_buffer_size(const td_dims *filter_dims)
{
    const int32_t length = filter_dims->h * filter_dims->w * filter_dims->c;
    return 16 * filter_dims->n + ((length + 15) & ~15);
}

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return td_conv_mve_pays(filter_dims) ? td_conv_mve_buffer_size(filter_dims) : td_conv2d_s8_dsp_get_buffer_size(input_dims, filter_dims);
}

/**
 * Four output channels' sums += their dot products with one run of `run` input bytes (at least
 * one): per sixteen bytes one VLDRB of the input, one of each channel's weights and four
 * VMLADAVA, in a tail-predicated low-overhead loop (DLSTP / LETP: the last sixteen take only the
 * bytes left). VMLADAVA accumulates into even registers, hence the sums' fixed registers. The
 * pointers move on by `run` rounded up to sixteen (the loads' writeback is not predicated): the
 * caller takes the excess back.
 */
#define TD_CONV_MVE_RUN(x, w0, w1, w2, w3, run)                                                      \
    __asm__("dlstp.8 lr, %[count]\n"                                                                 \
            "1:\n\t"                                                                                 \
            "vldrb.u8    q0, [%[xp]], #16\n\t"                                                       \
            "vldrb.u8    q1, [%[p0]], #16\n\t"                                                       \
            "vmladava.s8 %[s0], q0, q1\n\t"                                                          \
            "vldrb.u8    q1, [%[p1]], #16\n\t"                                                       \
            "vmladava.s8 %[s1], q0, q1\n\t"                                                          \
            "vldrb.u8    q1, [%[p2]], #16\n\t"                                                       \
            "vmladava.s8 %[s2], q0, q1\n\t"                                                          \
            "vldrb.u8    q1, [%[p3]], #16\n\t"                                                       \
            "vmladava.s8 %[s3], q0, q1\n\t"                                                          \
            "letp    lr, 1b"                                                                        \
            : [s0] "+r"(td_s0_), [s1] "+r"(td_s1_), [s2] "+r"(td_s2_), [s3] "+r"(td_s3_), [xp] "+r"(x), \
              [p0] "+r"(w0), [p1] "+r"(w1), [p2] "+r"(w2), [p3] "+r"(w3)                              \
            : [count] "r"(run)                                                                      \
            : "lr", "q0", "q1", "memory")

/** Copies `count` bytes (none when count <= 0), sixteen a step, the last step predicated to those left. */
TD_INLINE void td_mve_copy(int8_t *destination, const int8_t *source, int32_t count)
{
    for (; count > 0; count -= 16, destination += 16, source += 16) {
        const mve_pred16_t lanes = vctp8q((uint32_t)count);
        vstrbq_p_s8(destination, vldrbq_z_s8(source, lanes), lanes);
    }
}

/** Sets `count` bytes to `value` (none when count <= 0), sixteen a step. */
TD_INLINE void td_mve_fill(int8_t *destination, int8_t value, int32_t count)
{
    const int8x16_t values = vdupq_n_s8(value);
    for (; count > 0; count -= 16, destination += 16) vstrbq_p_s8(destination, values, vctp8q((uint32_t)count));
}

/**
 * Output channels first..last of one pixel: each channel's dot product over `runs` runs of `run`
 * bytes (`source_step` apart in the input, one after the other in the filter row), four channels
 * per pass (TD_CONV_MVE_RUN per run), requantized four at a time from the table; the channels
 * past the last four one at a time.
 */
TD_NOINLINE static void td_conv_mve_channels(const int8_t *source,
                                             int32_t runs,
                                             int32_t run,
                                             int32_t source_step,
                                             const int8_t *filter,
                                             int32_t length,
                                             int32_t first,
                                             int32_t last,
                                             const td_conv_mve_table *table,
                                             const td_per_channel_quant *quant,
                                             int8_t *out)
{
    const int32_t excess = ((run + 15) & ~15) - run;
    const int32_t x_skip = source_step - run - excess;
    const int8_t *w0 = filter + first * length;
    int32_t oc;
    for (oc = first; oc + 4 <= last; oc += 4) {
        register int32_t td_s0_ __asm__("r0") = table->folded[oc];
        register int32_t td_s1_ __asm__("r2") = table->folded[oc + 1];
        register int32_t td_s2_ __asm__("r4") = table->folded[oc + 2];
        register int32_t td_s3_ __asm__("r6") = table->folded[oc + 3];
        const int8_t *w1 = w0 + length, *w2 = w1 + length, *w3 = w2 + length;
        const int8_t *x = source;
        int32_t r = runs;
        do {
            TD_CONV_MVE_RUN(x, w0, w1, w2, w3, run);
            x += x_skip;
            w0 -= excess;
            w1 -= excess;
            w2 -= excess;
            w3 -= excess;
        } while (--r > 0);
        /* w3 ends where the next four channels' weights start. */
        w0 = w3;
        {
            int32x4_t acc = vdupq_n_s32(td_s0_);
            int32x4_t high, remainder, threshold, quotient, value;
            acc = vsetq_lane_s32(td_s1_, acc, 1);
            acc = vsetq_lane_s32(td_s2_, acc, 2);
            acc = vsetq_lane_s32(td_s3_, acc, 3);
            /* td_mve_requant_store with the table's vectors. */
            high = vqrdmulhq_s32(vshlq_s32(acc, vldrwq_s32(table->left_shift + oc)), vldrwq_s32(table->multiplier + oc));
            {
                const int32x4_t mask = vldrwq_s32(table->mask + oc);
                remainder = vandq_s32(high, mask);
                threshold = vaddq_s32(vshrq_n_s32(mask, 1), vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(high), 31)));
            }
            quotient = vshlq_s32(high, vldrwq_s32(table->right_shift_negated + oc));
            value = vaddq_m_n_s32(quotient, quotient, 1, vcmpgtq_s32(remainder, threshold));
            value = vaddq_n_s32(value, table->output_offset);
            value = vminq_s32(vmaxq_s32(value, vdupq_n_s32(table->min)), vdupq_n_s32(table->max));
            vstrbq_s32(out + oc, value);
        }
    }
    for (; oc < last; ++oc) {
        const int8_t *w = filter + oc * length;
        int32_t acc = table->folded[oc], r;
        for (r = 0; r < runs; ++r, w += run) acc = td_mve_dot_s8(acc, source + r * source_step, w, run);
        out[oc] = td_mve_output_one(acc, quant->multiplier[oc], quant->shift[oc], table->output_offset, table->min, table->max);
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
    td_conv_mve_table table;
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
    table.folded = (int32_t *)ctx->buf;
    table.left_shift = table.folded + out_c;
    table.right_shift_negated = table.left_shift + out_c;
    table.mask = table.right_shift_negated + out_c;
    table.multiplier = quant->multiplier;
    table.output_offset = params->output_offset;
    table.min = params->activation.min;
    table.max = params->activation.max;
    column = (int8_t *)(table.mask + out_c);
    for (oc = 0; oc < out_c; ++oc) {
        /* Wrapping, as the reference's int32 accumulator: the same value modulo 2^32. */
        const uint32_t start = bias != NULL ? (uint32_t)bias[oc] : 0u;
        const int32_t shift = quant->shift[oc], right = shift < 0 ? -shift : 0;
        table.folded[oc] = (int32_t)(start + (uint32_t)params->input_offset * (uint32_t)td_mve_sum_s8(filter + oc * length, length));
        table.left_shift[oc] = shift > 0 ? shift : 0;
        table.right_shift_negated[oc] = -right;
        table.mask[oc] = (int32_t)((1u << right) - 1u);
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
                                         out_c, &table, quant, out);
                    continue;
                }
                for (group = 0; group < groups; ++group) {
                    int8_t *cell = column;
                    int32_t ky, kx;
                    for (ky = 0; ky < k_h; ++ky) {
                        const int32_t in_y = in_y0 + ky * dilation_h;
                        if (in_y < 0 || in_y >= in_h) {
                            td_mve_fill(cell, pad, k_w * filter_c);
                            cell += k_w * filter_c;
                        } else if (contiguous) {
                            /* The taps inside the row in one copy, the padding on either side in one fill each. */
                            const int32_t first = in_x0 < 0 ? -in_x0 : 0;
                            const int32_t end = in_x0 + k_w > in_w ? in_w - in_x0 : k_w;
                            if (end <= first) {
                                td_mve_fill(cell, pad, k_w * in_c);
                            } else {
                                td_mve_fill(cell, pad, first * in_c);
                                td_mve_copy(cell + first * in_c, image + (in_y * in_w + in_x0 + first) * in_c, (end - first) * in_c);
                                td_mve_fill(cell + end * in_c, pad, (k_w - end) * in_c);
                            }
                            cell += k_w * in_c;
                        } else {
                            for (kx = 0; kx < k_w; ++kx, cell += filter_c) {
                                const int32_t in_x = in_x0 + kx * dilation_w;
                                if (in_x < 0 || in_x >= in_w) {
                                    td_mve_fill(cell, pad, filter_c);
                                } else {
                                    td_mve_copy(cell, image + (in_y * in_w + in_x) * in_c + group * filter_c, filter_c);
                                }
                            }
                        }
                    }
                    td_conv_mve_channels(column, 1, length, 0, filter, length, group * per_group, (group + 1) * per_group,
                                         &table, quant, out);
                }
            }
        }
    }
    return TD_OK;
}

