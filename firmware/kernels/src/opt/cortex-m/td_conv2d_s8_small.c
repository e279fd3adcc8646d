/*
 * CONV_2D, int8, one input channel, Cortex-M DSP variant (overrides src/conv/td_conv2d_s8_small.c
 * by name; the same bits as the reference). For small one-channel patches (3x3, 5x5) the im2col
 * GEMM of td_conv2d_s8 spends most of its time gathering 9-25 bytes per pixel one row at a time
 * and on its fixed per-filter cost per block; here, per output row:
 *  - the K_h input rows the row needs are widened once into int16 rows (input offset added,
 *    padding columns and rows as 0; four values per SXTB16 pair), so the patch of a pixel is, per filter row, ceil(K_w / 2)
 *    word loads at a halfword offset (the M4 loads unaligned words; the tap past an odd K_w has
 *    a zero weight);
 *  - each pixel's patch words are loaded once and every filter runs against them: the weights,
 *    widened to int16 pairs once per call in the scratch, one SMLAD per two taps, then the
 *    channel's requantization (prepared once per call: the fast form with the output offset
 *    folded into its rounding, else TFLite's exact one) and the clamp.
 * A 3x3 patch (six words) runs its filter loop in assembly when every channel is in the fast
 * requantization; other sizes, and the host, take the same sums in C.
 * Other shapes (more channels, dilation) take the reference loop.
 *
 * Scratch (get_buffer_size): the requantization per output channel, the widened weights
 * (C_out * K_h * ceil(K_w / 2) words) and K_h int16 rows of W_in + 2 K_w values.
 */
#include "../../conv/td_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** Words of one filter row: two taps each, the last one zero-padded for an odd K_w. */
TD_INLINE int32_t td_small_row_words(const td_dims *filter_dims) { return (filter_dims->w + 1) / 2; }

/** Values of one widened row in the scratch (enough for any padding of a window that fits). */
TD_INLINE int32_t td_small_row_values(const td_dims *input_dims, const td_dims *filter_dims)
{
    return (input_dims->w + 2 * filter_dims->w + 1) & ~1;
}

/**
 * A filter's record in the scratch, `words` + 6 words: the bias, the widened weights, then the
 * requantization (multiplier, rounding, right shift: td_channel_requant's fast form with the
 * output offset folded in, or right shift 0 and TFLite's shift in `rounding`) and the clamp's
 * min and max, in the order the assembly loads them.
 */
enum { TD_SMALL_BIAS, TD_SMALL_WEIGHTS };
enum { TD_SMALL_MULTIPLIER, TD_SMALL_ROUNDING, TD_SMALL_RIGHT_SHIFT, TD_SMALL_MIN, TD_SMALL_MAX, TD_SMALL_TAIL };

TD_INLINE int32_t td_small_record_words(int32_t words) { return 1 + words + TD_SMALL_TAIL; }

int32_t td_conv2d_s8_small_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    const int32_t words = filter_dims->h * td_small_row_words(filter_dims);
    return filter_dims->n * td_small_record_words(words) * 4 + filter_dims->h * td_small_row_values(input_dims, filter_dims) * 2;
}

/** One accumulator requantized and clamped, from the tail of its record. */
TD_NOINLINE static int8_t td_small_output(const int32_t *tail, int32_t acc, int32_t output_offset)
{
    const int32_t value =
        tail[TD_SMALL_RIGHT_SHIFT] != 0
            ? td_requant_fast(acc, tail[TD_SMALL_MULTIPLIER], tail[TD_SMALL_RIGHT_SHIFT], tail[TD_SMALL_ROUNDING])
            : td_multiply_by_quantized_multiplier(acc, tail[TD_SMALL_MULTIPLIER], tail[TD_SMALL_ROUNDING]) +
                  output_offset;
    return (int8_t)td_clamp_i32(value, tail[TD_SMALL_MIN], tail[TD_SMALL_MAX]);
}

/** Every filter (records from `records` to `records_end`) against a patch of `words` words: the C form. */
TD_NOINLINE static void td_small_pixel(const int32_t *records,
                                       const int32_t *records_end,
                                       int32_t words,
                                       const uint32_t *patch,
                                       int32_t output_offset,
                                       int8_t *output)
{
    int32_t i;
    while (records != records_end) {
        int32_t acc = records[TD_SMALL_BIAS];
        const int32_t *weights = records + TD_SMALL_WEIGHTS;
        for (i = 0; i < words; ++i) {
            acc = td_smlad(patch[i], (uint32_t)weights[i], acc);
        }
        records = weights + words;
        *output++ = td_small_output(records, acc, output_offset);
        records += TD_SMALL_TAIL;
    }
}

#if TD_DSP_ASM
#define TD_SMALL_HAS_ASM 1
/*
 * TD_SMALL_3X3_ASM(name, clamp): every filter against a 3x3 patch (six words, in r4-r9), all
 * channels in the fast form: per filter three LDM (bias and weights, weights, requantization and
 * min), six SMLAD, SMMLAR and three more, the clamp, a byte store and the loop: 17 instructions
 * per 9 MACs with the full int8 range (SSAT), 23 with a narrower one (the max loaded, two
 * compares).
 */
#define TD_SMALL_CLAMP_FULL "ssat    r0, #8, r0\n\t"
#define TD_SMALL_CLAMP_RANGE                                                                      \
    "ldr     r1, [%[rp], #-4]\n\t"                                                                 \
    "cmp     r0, lr\n\t"                                                                           \
    "it      lt\n\t"                                                                               \
    "movlt   r0, lr\n\t"                                                                           \
    "cmp     r0, r1\n\t"                                                                           \
    "it      gt\n\t"                                                                               \
    "movgt   r0, r1\n\t"
/** td_small_row_3x3 state, byte offsets 0, 4, ... in the assembly. */
enum { TD_SMALL_STATE_START, TD_SMALL_STATE_STRIDE, TD_SMALL_STATE_ROW_STEP, TD_SMALL_STATE_START_END,
       TD_SMALL_STATE_RECORDS, TD_SMALL_STATE_OUTPUT_C, TD_SMALL_STATE_WORDS };
#define TD_SMALL_3X3_ASM(name, clamp)                                                             \
    TD_NOINLINE static void name(uintptr_t *state, int8_t *output)                                 \
    {                                                                                              \
        /* The first pixel's patch: two words (at a halfword offset: unaligned loads) per row. */  \
        const int16_t *start = (const int16_t *)state[TD_SMALL_STATE_START];                       \
        const int32_t row_step = (int32_t)state[TD_SMALL_STATE_ROW_STEP] / 2;                      \
        register uintptr_t *st __asm__("r0") = state;                                              \
        register uint32_t p0 __asm__("r4") = td_read_u32(start);                                   \
        register uint32_t p1 __asm__("r5") = td_read_u32(start + 2);                               \
        register uint32_t p2 __asm__("r6") = td_read_u32(start + row_step);                        \
        register uint32_t p3 __asm__("r7") = td_read_u32(start + row_step + 2);                    \
        register uint32_t p4 __asm__("r8") = td_read_u32(start + 2 * row_step);                    \
        register uint32_t p5 __asm__("r9") = td_read_u32(start + 2 * row_step + 2);                \
        register const int32_t *rp __asm__("r10") = (const int32_t *)state[TD_SMALL_STATE_RECORDS]; \
        register int8_t *out __asm__("r11") = output;                                              \
        register int8_t *end __asm__("r12") = output + state[TD_SMALL_STATE_OUTPUT_C];             \
        __asm__ volatile("push    {r0}\n\t"                                                        \
                         "1:\n\t"                                                                  \
                         "ldmia   %[rp]!, {r0, r1, r2, r3}\n\t"                                    \
                         "smlad   r0, %[p0], r1, r0\n\t"                                           \
                         "smlad   r0, %[p1], r2, r0\n\t"                                           \
                         "smlad   r0, %[p2], r3, r0\n\t"                                           \
                         "ldmia   %[rp]!, {r1, r2, r3}\n\t"                                        \
                         "smlad   r0, %[p3], r1, r0\n\t"                                           \
                         "smlad   r0, %[p4], r2, r0\n\t"                                           \
                         "smlad   r0, %[p5], r3, r0\n\t"                                           \
                         "ldmia   %[rp]!, {r1, r2, r3, lr}\n\t"                                    \
                         "add     %[rp], %[rp], #4\n\t"                                            \
                         "lsl     r0, r0, #1\n\t"                                                  \
                         "add     r2, r2, r0, asr #31\n\t"                                         \
                         "smmlar  r0, r0, r1, r2\n\t"                                              \
                         "asr     r0, r0, r3\n\t"                                                  \
                         clamp                                                                     \
                         "strb    r0, [%[out]], #1\n\t"                                            \
                         "cmp     %[out], %[end]\n\t"                                              \
                         "bne     1b\n\t"                                                          \
                         /* The next pixel: its patch start, its records from the first. */         \
                         "ldr     r0, [sp]\n\t"                                                    \
                         "ldmia   r0, {r1, r2, r3, lr}\n\t"                                        \
                         "add     r1, r1, r2\n\t"                                                  \
                         "cmp     r1, lr\n\t"                                                      \
                         "beq     2f\n\t"                                                          \
                         "str     r1, [r0]\n\t"                                                    \
                         "ldrd    %[rp], r2, [r0, #16]\n\t"                                        \
                         "add     %[end], %[out], r2\n\t"                                          \
                         "ldr     %[p0], [r1]\n\t"                                                 \
                         "ldr     %[p1], [r1, #4]\n\t"                                             \
                         "add     r1, r1, r3\n\t"                                                  \
                         "ldr     %[p2], [r1]\n\t"                                                 \
                         "ldr     %[p3], [r1, #4]\n\t"                                             \
                         "add     r1, r1, r3\n\t"                                                  \
                         "ldr     %[p4], [r1]\n\t"                                                 \
                         "ldr     %[p5], [r1, #4]\n\t"                                             \
                         "b       1b\n\t"                                                          \
                         "2:\n\t"                                                                  \
                         "pop     {r0}"                                                            \
                         : [st] "+r"(st), [rp] "+r"(rp), [out] "+r"(out), [end] "+r"(end),          \
                           [p0] "+r"(p0), [p1] "+r"(p1), [p2] "+r"(p2), [p3] "+r"(p3), [p4] "+r"(p4), \
                           [p5] "+r"(p5)                                                           \
                         :                                                                         \
                         : "r1", "r2", "r3", "lr", "cc", "memory");                                \
    }
TD_SMALL_3X3_ASM(td_small_row_3x3_full_asm, TD_SMALL_CLAMP_FULL)
TD_SMALL_3X3_ASM(td_small_row_3x3_asm, TD_SMALL_CLAMP_RANGE)
#else
#define TD_SMALL_HAS_ASM 0
#endif

td_status td_conv2d_s8_small(const td_context *ctx,
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
    const int32_t kh = filter_dims->h;
    const int32_t kw = filter_dims->w;
    const int32_t row_words = td_small_row_words(filter_dims);
    const int32_t words = kh * row_words;
    const int32_t output_c = output_dims->c;
    const int32_t stride_w = params->stride.w;
    /* The widened row's values: every tap of the row's pixels, plus the zero-weighted one past an odd K_w. */
    const int32_t row_length = (output_dims->w - 1) * stride_w + 2 * row_words;
    const int32_t row_step = td_small_row_values(input_dims, filter_dims);
    const int32_t record_words = td_small_record_words(words);
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    int32_t *records;
    int32_t *records_end;
    int16_t *rows;
    uint32_t patch[32];
    int all_fast = 1;
    const int full_range = params->activation.min == -128 && params->activation.max == 127;
    int32_t out_c, ky, j, batch, out_y, out_x;

    if (input_dims->c != 1 || filter_dims->c != 1 || params->dilation.h != 1 || params->dilation.w != 1 ||
        words > 32 || row_length > row_step) {
        return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                      output);
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_conv2d_s8_small_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    records = (int32_t *)ctx->buf;
    records_end = records + output_c * record_words;
    rows = (int16_t *)(void *)records_end;
    for (out_c = 0; out_c < output_c; ++out_c) {
        const int8_t *row = filter + out_c * kh * kw;
        int32_t *record = records + out_c * record_words;
        int32_t *tail = record + TD_SMALL_WEIGHTS + words;
        const td_channel_requant requant = td_channel_requant_folded_of(
            bias != NULL ? bias[out_c] : 0, quant->multiplier[out_c], quant->shift[out_c], params->output_offset, kh * kw);
        record[TD_SMALL_BIAS] = requant.bias;
        for (ky = 0; ky < kh; ++ky, row += kw) {
            for (j = 0; j < row_words; ++j) {
                record[TD_SMALL_WEIGHTS + ky * row_words + j] =
                    (int32_t)td_pack16(row[2 * j], 2 * j + 1 < kw ? row[2 * j + 1] : 0);
            }
        }
        tail[TD_SMALL_MULTIPLIER] = requant.multiplier;
        tail[TD_SMALL_ROUNDING] = requant.rounding;
        tail[TD_SMALL_RIGHT_SHIFT] = requant.right_shift;
        tail[TD_SMALL_MIN] = params->activation.min;
        tail[TD_SMALL_MAX] = params->activation.max;
        all_fast &= requant.right_shift != 0;
    }
    (void)all_fast;
    (void)full_range;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            const int32_t in_x_origin = -params->padding.w;
            /* The K_h rows widened: 0 outside the image (what the reference's skipped taps add). */
            for (ky = 0; ky < kh; ++ky) {
                const int32_t in_y = in_y_origin + ky;
                int16_t *widened = rows + ky * row_step;
                int32_t i;
                if (in_y < 0 || in_y >= input_dims->h) {
                    for (i = 0; i < row_length; ++i) {
                        widened[i] = 0;
                    }
                    continue;
                }
                {
                    const int8_t *source = input + (batch * input_dims->h + in_y) * input_dims->w;
                    const int32_t inside_start = td_clamp_i32(-in_x_origin, 0, row_length);
                    const int32_t inside_end = td_clamp_i32(input_dims->w - in_x_origin, inside_start, row_length);
                    const int16_t offset = (int16_t)params->input_offset;
                    for (i = 0; i < inside_start; ++i) {
                        widened[i] = 0;
                    }
                    /* Four values a step: SXTB16 and SADD16 widen (b0, b2) and (b1, b3), repacked in order. */
                    for (; i + 4 <= inside_end; i += 4) {
                        const uint32_t four = td_read_u32(source + in_x_origin + i);
                        const uint32_t even = td_sadd16(td_sxtb16(four), offsets);
                        const uint32_t odd = td_sadd16(td_sxtb16_ror8(four), offsets);
                        const uint32_t low = (even & 0xffffu) | (odd << 16);
                        const uint32_t high = (even >> 16) | (odd & 0xffff0000u);
                        memcpy(widened + i, &low, sizeof(low));
                        memcpy(widened + i + 2, &high, sizeof(high));
                    }
                    for (; i < inside_end; ++i) {
                        widened[i] = (int16_t)(source[in_x_origin + i] + offset);
                    }
                    for (; i < row_length; ++i) {
                        widened[i] = 0;
                    }
                }
            }
#if TD_SMALL_HAS_ASM
            if (words == 6 && all_fast) {
                /* The whole output row in assembly. */
                uintptr_t state[TD_SMALL_STATE_WORDS];
                int8_t *row_output = output + (batch * output_dims->h + out_y) * output_dims->w * output_c;
                state[TD_SMALL_STATE_START] = (uintptr_t)rows;
                state[TD_SMALL_STATE_STRIDE] = (uintptr_t)(stride_w * 2);
                state[TD_SMALL_STATE_ROW_STEP] = (uintptr_t)(row_step * 2);
                state[TD_SMALL_STATE_START_END] = (uintptr_t)(rows + output_dims->w * stride_w);
                state[TD_SMALL_STATE_RECORDS] = (uintptr_t)records;
                state[TD_SMALL_STATE_OUTPUT_C] = (uintptr_t)output_c;
                if (full_range) {
                    td_small_row_3x3_full_asm(state, row_output);
                } else {
                    td_small_row_3x3_asm(state, row_output);
                }
                continue;
            }
#endif
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int16_t *start = rows + out_x * stride_w;
                int8_t *pixel_output = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_c;
                uint32_t *word = patch;
                for (ky = 0; ky < kh; ++ky) {
                    for (j = 0; j < row_words; ++j) {
                        *word++ = td_read_u32(start + ky * row_step + 2 * j);
                    }
                }
                td_small_pixel(records, records_end, words, patch, params->output_offset, pixel_output);
            }
        }
    }
    return TD_OK;
}

#else /* no DSP extension: the portable kernel */

int32_t td_conv2d_s8_small_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_conv2d_s8_small(const td_context *ctx,
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
    return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                  output);
}

#endif
