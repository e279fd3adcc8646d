/*
 * CONV_2D, 16x8, Cortex-M DSP variant. Each output pixel's patch is gathered once into scratch
 * as int16 groups interleaved for SXTB16 (td_s16_dsp.h), padding as zeros; then two pixels
 * against two filters at a time, each weight word loaded once for both pixels, four SMLADs per
 * four weights. The sums are exact in int32 up to TD_S16_MAX_TERMS products; longer patches
 * take the portable loop. Same bits as the portable kernel.
 */
#include "../../conv/td_conv2d_s16_reference.h"
#include "td_s16_dsp.h"

int32_t td_conv2d_s16_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
#if TD_KERNELS_DSP
    {
        const int32_t length = filter_dims->c * filter_dims->h * filter_dims->w;
        return length > TD_S16_MAX_TERMS ? 0 : 24 * ((length + 3) / 4) + (int32_t)sizeof(td_s16_requant) * filter_dims->n;
    }
#else
    (void)filter_dims;
    return 0;
#endif
}

#if TD_KERNELS_DSP

/**
 * Output pixel `pixel`'s patch, (ky, kx, c) order, zeros where it leaves the image, gathered in
 * `staging`, then written interleaved by groups of four into every other pair of words of
 * `column` (a block holds two pixels' groups side by side: even0, odd0, even1, odd1).
 */
static void td_conv2d_s16_patch(const td_conv_params_s16 *params,
                                const td_dims *input_dims,
                                const int16_t *input,
                                const td_dims *filter_dims,
                                const td_dims *output_dims,
                                int32_t pixel,
                                td_word *staging,
                                td_word *column)
{
    const int32_t channels = input_dims->c;
    const int32_t length = channels * filter_dims->h * filter_dims->w;
    const int32_t groups = (length + 3) / 4;
    const int32_t out_x = pixel % output_dims->w;
    const int32_t out_y = (pixel / output_dims->w) % output_dims->h;
    const int32_t batch = pixel / (output_dims->w * output_dims->h);
    const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
    int16_t *values = (int16_t *)staging;
    int32_t ky, kx, g;
    for (ky = 0; ky < filter_dims->h; ++ky) {
        const int32_t in_y = in_y_origin + params->dilation.h * ky;
        for (kx = 0; kx < filter_dims->w; ++kx) {
            const int32_t in_x = in_x_origin + params->dilation.w * kx;
            int16_t *to = values + (ky * filter_dims->w + kx) * channels;
            const int32_t inside = in_y >= 0 && in_y < input_dims->h && in_x >= 0 && in_x < input_dims->w;
            if (channels == 1) {
                /* One value a tap (a keyword-spotting stem): no library call per tap. */
                *to = inside ? input[(batch * input_dims->h + in_y) * input_dims->w + in_x] : 0;
            } else if (!inside) {
                memset(to, 0, (size_t)channels * sizeof(int16_t));
            } else {
                memcpy(to, input + ((batch * input_dims->h + in_y) * input_dims->w + in_x) * channels,
                       (size_t)channels * sizeof(int16_t));
            }
        }
    }
    for (g = length; g < groups * 4; ++g) {
        values[g] = 0;
    }
    for (g = 0; g < groups; ++g) {
        uint32_t even, odd;
        td_s16_interleave(staging[2 * g], staging[2 * g + 1], &even, &odd);
        column[4 * g] = even;
        column[4 * g + 1] = odd;
    }
}

/*
 * TD_S16_DOT_TWO_BY_TWO(weights, weights_end, second, block, a00, a01, a10, a11): filter rows
 * `weights` and weights + second against the two pixels of `block` (td_conv2d_s16_patch's layout),
 * four weights per step to weights_end (at least one step): a<filter><pixel>. Per step two LDRD
 * of the pixels, per filter one load, two SXTB16 and four SMLAD (18 instructions per 16
 * multiply-accumulates). The pointers are advanced. In assembly on the target (fourteen
 * registers); the C twin is the same sums.
 */
#if TD_DSP_ASM
#define TD_S16_DOT_TWO_BY_TWO(weights, weights_end, second, block, a00, a01, a10, a11)                      \
    do {                                                                                                 \
        uint32_t td_e0_, td_o0_, td_e1_, td_o1_, td_w_, td_t_;                                           \
        __asm__("1:\n\t"                                                                                 \
                "ldrd    %[e0], %[o0], [%[bp]], #8\n\t"                                                  \
                "ldrd    %[e1], %[o1], [%[bp]], #8\n\t"                                                  \
                "ldr     %[w], [%[f], %[sec]]\n\t"                                                       \
                "sxtb16  %[t], %[w]\n\t"                                                                 \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s10], %[t], %[e0], %[s10]\n\t"                                                \
                "smlad   %[s11], %[t], %[e1], %[s11]\n\t"                                                \
                "smlad   %[s10], %[w], %[o0], %[s10]\n\t"                                                \
                "smlad   %[s11], %[w], %[o1], %[s11]\n\t"                                                \
                "ldr     %[w], [%[f]], #4\n\t"                                                           \
                "sxtb16  %[t], %[w]\n\t"                                                                 \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s00], %[t], %[e0], %[s00]\n\t"                                                \
                "smlad   %[s01], %[t], %[e1], %[s01]\n\t"                                                \
                "smlad   %[s00], %[w], %[o0], %[s00]\n\t"                                                \
                "smlad   %[s01], %[w], %[o1], %[s01]\n\t"                                                \
                "cmp     %[f], %[end]\n\t"                                                               \
                "bne     1b"                                                                             \
                : [s00] "+r"(a00), [s01] "+r"(a01), [s10] "+r"(a10), [s11] "+r"(a11), [f] "+r"(weights),     \
                  [bp] "+r"(block), [e0] "=&r"(td_e0_), [o0] "=&r"(td_o0_), [e1] "=&r"(td_e1_),               \
                  [o1] "=&r"(td_o1_), [w] "=&r"(td_w_), [t] "=&r"(td_t_)                                     \
                : [end] "r"(weights_end), [sec] "r"(second)                                                 \
                : "cc", "memory");                                                                      \
    } while (0)
#else
#define TD_S16_DOT_TWO_BY_TWO(weights, weights_end, second, block, a00, a01, a10, a11)                      \
    do {                                                                                                 \
        do {                                                                                             \
            const uint32_t td_w0_ = td_read_u32(weights);                                                \
            const uint32_t td_w1_ = td_read_u32((weights) + (second));                                    \
            (a00) = td_s16_mac4(td_w0_, (block)[0], (block)[1], (a00));                                   \
            (a01) = td_s16_mac4(td_w0_, (block)[2], (block)[3], (a01));                                   \
            (a10) = td_s16_mac4(td_w1_, (block)[0], (block)[1], (a10));                                   \
            (a11) = td_s16_mac4(td_w1_, (block)[2], (block)[3], (a11));                                   \
            (weights) += 4;                                                                              \
            (block) += 4;                                                                                \
        } while ((weights) != (weights_end));                                                            \
    } while (0)
#endif

/**
 * Sums of filters f0 and f0 + second (length weights each) against the two pixels of `block`
 * (td_conv2d_s16_patch's layout): sums[filter * 2 + pixel].
 */
static TD_NOINLINE void td_conv2d_s16_block(const int8_t *f0,
                                             int32_t second,
                                             int32_t length,
                                             const td_word *block,
                                             int32_t sums[4])
{
    int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
    const int8_t *end = f0 + (length & ~3);
    if (f0 != end) {
        TD_S16_DOT_TWO_BY_TWO(f0, end, second, block, a00, a01, a10, a11);
    }
    if (length % 4 != 0) {
        const uint32_t w0 = td_s16_tail_weights(f0, length % 4);
        const uint32_t w1 = td_s16_tail_weights(f0 + second, length % 4);
        a00 = td_s16_mac4(w0, block[0], block[1], a00);
        a01 = td_s16_mac4(w0, block[2], block[3], a01);
        a10 = td_s16_mac4(w1, block[0], block[1], a10);
        a11 = td_s16_mac4(w1, block[2], block[3], a11);
    }
    sums[0] = a00;
    sums[1] = a01;
    sums[2] = a10;
    sums[3] = a11;
}

#endif

td_status td_conv2d_s16(const td_context *ctx,
                        const td_conv_params_s16 *params,
                        const td_per_channel_quant *quant,
                        const td_dims *input_dims,
                        const int16_t *input,
                        const td_dims *filter_dims,
                        const int8_t *filter,
                        const int64_t *bias,
                        const td_dims *output_dims,
                        int16_t *output)
{
#if TD_KERNELS_DSP
    const int32_t length = filter_dims->c * filter_dims->h * filter_dims->w;
    const int32_t groups = (length + 3) / 4;
    const int32_t pixels = output_dims->n * output_dims->h * output_dims->w;
    const int32_t output_c = output_dims->c;
    td_word *block;
    td_word *staging;
    td_s16_requant *requants;
    int32_t pixel, oc;
    if (length > TD_S16_MAX_TERMS || filter_dims->c != input_dims->c) {
        return td_conv2d_s16_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                       output);
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_conv2d_s16_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    block = (td_word *)ctx->buf;
    staging = block + 4 * groups;
    requants = (td_s16_requant *)(void *)(staging + 2 * groups);
    if (params->wide) {
        for (oc = 0; oc < output_c; ++oc) {
            requants[oc] = td_s16_requant_of(bias, oc, quant->multiplier[oc], quant->shift[oc]);
        }
    }
    for (pixel = 0; pixel < pixels; pixel += 2) {
        const int32_t pair = pixel + 1 < pixels;
        int16_t *out0 = output + pixel * output_c;
        int16_t *out1 = out0 + output_c;
        td_conv2d_s16_patch(params, input_dims, input, filter_dims, output_dims, pixel, staging, block);
        /* The last, odd pixel: its sums twice, the copy dropped. */
        td_conv2d_s16_patch(params, input_dims, input, filter_dims, output_dims, pair ? pixel + 1 : pixel, staging, block + 2);
        for (oc = 0; oc < output_c; oc += 2) {
            /* An odd last channel: its filter twice, the copy dropped. */
            const int32_t second = oc + 1 < output_c ? oc + 1 : oc;
            int32_t sums[4];
            int32_t k;
            td_conv2d_s16_block(filter + oc * length, (second - oc) * length, length, block, sums);
            if (params->wide) {
                out0[oc] = td_s16_requant_apply(sums[0], &requants[oc], &params->activation);
                if (pair) {
                    out1[oc] = td_s16_requant_apply(sums[1], &requants[oc], &params->activation);
                }
                if (second != oc) {
                    out0[second] = td_s16_requant_apply(sums[2], &requants[second], &params->activation);
                    if (pair) {
                        out1[second] = td_s16_requant_apply(sums[3], &requants[second], &params->activation);
                    }
                }
            } else {
                for (k = 0; k < 4; ++k) {
                    const int32_t channel = k < 2 ? oc : second;
                    if (((k & 1) && !pair) || (k >= 2 && second == oc)) {
                        continue;
                    }
                    ((k & 1) ? out1 : out0)[channel] = td_requantize_s16_output(
                        sums[k], bias, channel, 0, quant->multiplier[channel], quant->shift[channel], &params->activation);
                }
            }
        }
    }
    return TD_OK;
#else
    return td_conv2d_s16_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                   output);
#endif
}
