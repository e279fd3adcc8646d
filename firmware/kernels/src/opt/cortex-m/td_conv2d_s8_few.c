/*
 * td_conv2d_s8_few, Cortex-M DSP variant: convolutions of one to three output channels
 * (td_conv_takes_few), the generator's choice for them in DSP builds, so that other models do not
 * link this path. Overrides src/conv/td_conv2d_s8_few.c (td_conv2d_s8 itself) by name; without the
 * DSP extension this file is that one.
 */
#include "td_conv2d_s8_dsp.h"

#if TD_KERNELS_DSP

/*
 * The few-channel path (1 to TD_CONV_FEW_MAX output channels): the block path widens each
 * pixel's patch once and then uses it for one or two filters only, so widening (and, with C_in
 * % 4 != 0, gathering) costs more than the dot products. Here each filter row (K_w * C_in
 * contiguous bytes of the patch) is read in place from the input for outputs whose window lies
 * inside the image (dilation 1 across; the others gather their patch as bytes, the input zero
 * point standing for padded taps), a word at a time: SXTAB16 widens its bytes (0, 2) and (1, 3)
 * and adds the input offset, and SMLAD multiplies them with the filters' weights, widened once
 * per call in that lane order (td_conv_few_weights). A row of R bytes is ceil(R / 4) words, the
 * last one read at R - 4 (inside the row) with zero weights for the bytes the word before
 * took. Per group of four k: one load, two SXTAB16, then per filter one LDRD of weights and two
 * SMLAD.
 */

/** The filters widened for td_conv_few: [K_h][group][filter][(w0, w2), (w1, w3)]. */
TD_NOINLINE static void td_conv_few_weights(const int8_t *filter, const td_dims *filter_dims, uint32_t *words)
{
    const int32_t row = filter_dims->w * filter_dims->c;
    const int32_t groups = (row + 3) >> 2;
    const int32_t length = row * filter_dims->h;
    int32_t ky, group, out_c, lane;
    for (ky = 0; ky < filter_dims->h; ++ky) {
        for (group = 0; group < groups; ++group) {
            const int32_t start = td_min_i32(4 * group, row - 4);
            for (out_c = 0; out_c < filter_dims->n; ++out_c) {
                const int8_t *weights = filter + out_c * length + ky * row + start;
                int32_t lanes[4];
                if (start == 4 * group) {
                    /* A whole group: SXTB16 gives the lanes in this order (the common case). */
                    const uint32_t four = td_read_u32(weights);
                    *words++ = td_sxtb16(four);
                    *words++ = td_sxtb16_ror8(four);
                    continue;
                }
                for (lane = 0; lane < 4; ++lane) {
                    lanes[lane] = start + lane >= 4 * group ? weights[lane] : 0;
                }
                *words++ = td_pack16(lanes[0], lanes[2]);
                *words++ = td_pack16(lanes[1], lanes[3]);
            }
        }
    }
}

/** One group of four k of a filter row at `bytes` against `filters` widened filters, into acc[]. */
#define TD_CONV_FEW_GROUP(bytes, filters)                                                          \
    do {                                                                                           \
        const uint32_t td_four_ = td_read_u32(bytes);                                              \
        const uint32_t td_even_ = td_sxtab16(offsets, td_four_);                                   \
        const uint32_t td_odd_ = td_sxtab16_ror8(offsets, td_four_);                               \
        acc0 = td_smlad(words[1], td_odd_, td_smlad(words[0], td_even_, acc0));                    \
        if ((filters) > 1) {                                                                       \
            acc1 = td_smlad(words[3], td_odd_, td_smlad(words[2], td_even_, acc1));                \
        }                                                                                          \
        if ((filters) > 2) {                                                                       \
            acc2 = td_smlad(words[5], td_odd_, td_smlad(words[4], td_even_, acc2));                \
        }                                                                                          \
        words += 2 * (filters);                                                                    \
    } while (0)

/**
 * The sums of `filters` (a constant at each call) widened filters against the patch whose K_h
 * rows of `row_length` bytes start `row_step` apart at `rows`, each started at acc[].
 */
TD_INLINE void td_conv_few_sums(const int8_t *rows,
                                int32_t row_step,
                                int32_t height,
                                int32_t row_length,
                                const uint32_t *words,
                                uint32_t offsets,
                                int32_t filters,
                                int32_t *acc)
{
    const int32_t full = ((row_length + 3) >> 2) - 1;
    int32_t acc0 = acc[0], acc1 = filters > 1 ? acc[1] : 0, acc2 = filters > 2 ? acc[2] : 0;
    int32_t ky;
    /* Up to three filters two groups a turn (the odd one after), three filters one group a turn. */
    const int32_t turn = filters > 2 ? 1 : 2;
    for (ky = 0; ky < height; ++ky, rows += row_step) {
        const int8_t *bytes = rows;
        const int8_t *const last = rows + row_length - 4;
        const int8_t *const turns_end = rows + 4 * turn * (full / turn);
        if (bytes != turns_end) {
#if TD_DSP_ASM
            /* LDM fills its registers in ascending order: the four weight words are pinned. */
            register uint32_t w0 __asm__("r2");
            register uint32_t w1 __asm__("r3");
            register uint32_t w2 __asm__("r4");
            register uint32_t w3 __asm__("r5");
            uint32_t four, even;
            if (filters == 1) {
                __asm__("1:\n\t"
                        "ldr     %[f], [%[x]], #8\n\t"
                        "ldmia   %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n\t"
                        "sxtab16 %[e], %[off], %[f]\n\t"
                        "sxtab16 %[f], %[off], %[f], ror #8\n\t"
                        "smlad   %[s0], %[w0], %[e], %[s0]\n\t"
                        "smlad   %[s0], %[w1], %[f], %[s0]\n\t"
                        "ldr     %[f], [%[x], #-4]\n\t"
                        "sxtab16 %[e], %[off], %[f]\n\t"
                        "sxtab16 %[f], %[off], %[f], ror #8\n\t"
                        "smlad   %[s0], %[w2], %[e], %[s0]\n\t"
                        "smlad   %[s0], %[w3], %[f], %[s0]\n\t"
                        "cmp     %[x], %[end]\n\t"
                        "bne     1b"
                        : [s0] "+r"(acc0), [x] "+r"(bytes), [wp] "+r"(words), [f] "=&r"(four), [e] "=&r"(even),
                          [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3)
                        : [end] "r"(turns_end), [off] "r"(offsets), "m"(*(const int8_t(*)[])(bytes)),
                          "m"(*(const uint32_t(*)[])(words))
                        : "cc");
            } else if (filters == 2) {
                __asm__("1:\n\t"
                        "ldr     %[f], [%[x]], #8\n\t"
                        "ldmia   %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n\t"
                        "sxtab16 %[e], %[off], %[f]\n\t"
                        "sxtab16 %[f], %[off], %[f], ror #8\n\t"
                        "smlad   %[s0], %[w0], %[e], %[s0]\n\t"
                        "smlad   %[s0], %[w1], %[f], %[s0]\n\t"
                        "smlad   %[s1], %[w2], %[e], %[s1]\n\t"
                        "smlad   %[s1], %[w3], %[f], %[s1]\n\t"
                        "ldr     %[f], [%[x], #-4]\n\t"
                        "ldmia   %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n\t"
                        "sxtab16 %[e], %[off], %[f]\n\t"
                        "sxtab16 %[f], %[off], %[f], ror #8\n\t"
                        "smlad   %[s0], %[w0], %[e], %[s0]\n\t"
                        "smlad   %[s0], %[w1], %[f], %[s0]\n\t"
                        "smlad   %[s1], %[w2], %[e], %[s1]\n\t"
                        "smlad   %[s1], %[w3], %[f], %[s1]\n\t"
                        "cmp     %[x], %[end]\n\t"
                        "bne     1b"
                        : [s0] "+r"(acc0), [s1] "+r"(acc1), [x] "+r"(bytes), [wp] "+r"(words), [f] "=&r"(four),
                          [e] "=&r"(even), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3)
                        : [end] "r"(turns_end), [off] "r"(offsets), "m"(*(const int8_t(*)[])(bytes)),
                          "m"(*(const uint32_t(*)[])(words))
                        : "cc");
            } else {
                __asm__("1:\n\t"
                        "ldr     %[f], [%[x]], #4\n\t"
                        "ldmia   %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n\t"
                        "sxtab16 %[e], %[off], %[f]\n\t"
                        "sxtab16 %[f], %[off], %[f], ror #8\n\t"
                        "smlad   %[s0], %[w0], %[e], %[s0]\n\t"
                        "smlad   %[s0], %[w1], %[f], %[s0]\n\t"
                        "smlad   %[s1], %[w2], %[e], %[s1]\n\t"
                        "smlad   %[s1], %[w3], %[f], %[s1]\n\t"
                        "ldmia   %[wp]!, {%[w0], %[w1]}\n\t"
                        "smlad   %[s2], %[w0], %[e], %[s2]\n\t"
                        "smlad   %[s2], %[w1], %[f], %[s2]\n\t"
                        "cmp     %[x], %[end]\n\t"
                        "bne     1b"
                        : [s0] "+r"(acc0), [s1] "+r"(acc1), [s2] "+r"(acc2), [x] "+r"(bytes), [wp] "+r"(words),
                          [f] "=&r"(four), [e] "=&r"(even), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2),
                          [w3] "=&r"(w3)
                        : [end] "r"(turns_end), [off] "r"(offsets), "m"(*(const int8_t(*)[])(bytes)),
                          "m"(*(const uint32_t(*)[])(words))
                        : "cc");
            }
#else
            for (; bytes != turns_end; bytes += 4) {
                TD_CONV_FEW_GROUP(bytes, filters);
            }
#endif
        }
        if (bytes != rows + 4 * full) {
            TD_CONV_FEW_GROUP(bytes, filters);
        }
        TD_CONV_FEW_GROUP(last, filters);
    }
    acc[0] = acc0;
    if (filters > 1) {
        acc[1] = acc1;
    }
    if (filters > 2) {
        acc[2] = acc2;
    }
}

TD_NOINLINE static void td_conv_few_sums1(const int8_t *rows, int32_t row_step, int32_t height, int32_t row_length,
                                          const uint32_t *words, uint32_t offsets, int32_t *acc)
{
    td_conv_few_sums(rows, row_step, height, row_length, words, offsets, 1, acc);
}

TD_NOINLINE static void td_conv_few_sums2(const int8_t *rows, int32_t row_step, int32_t height, int32_t row_length,
                                          const uint32_t *words, uint32_t offsets, int32_t *acc)
{
    td_conv_few_sums(rows, row_step, height, row_length, words, offsets, 2, acc);
}

TD_NOINLINE static void td_conv_few_sums3(const int8_t *rows, int32_t row_step, int32_t height, int32_t row_length,
                                          const uint32_t *words, uint32_t offsets, int32_t *acc)
{
    td_conv_few_sums(rows, row_step, height, row_length, words, offsets, 3, acc);
}

#if TD_DSP_ASM
/**
 * A run of output pixels whose windows lie inside the image across (dilation 1), every channel in
 * the fast requantization with the output offset folded (right shift 1-21), at least one filter
 * row inside the image: per pixel the sums over its filter rows, read in place, then each
 * channel's requantization and clamp, all in one assembly loop (td_conv_few_run1/2/3). The state,
 * byte offsets 0, 4, ... in the assembly:
 */
enum {
    /** The current pixel's first filter row inside the image (advanced a pixel at a time). */
    TD_FEW_PIXEL,
    /** The widened weights of that filter row (td_conv_few_weights). */
    TD_FEW_WEIGHTS,
    /** Filter rows inside the image (>= 1). */
    TD_FEW_HEIGHT,
    /** The input offset in both lanes. */
    TD_FEW_OFFSETS,
    /** Groups of four bytes of a row before its last (ceil(R / 4) - 1, >= 1: R >= 8). */
    TD_FEW_GROUPS,
    /** The last group's offset from where the others end: R - 4 ceil(R / 4), -3..0. */
    TD_FEW_LAST,
    /** From there to the next filter row: the input row step less the groups' 4 (ceil(R / 4) - 1) bytes. */
    TD_FEW_ADVANCE,
    /** Bytes from one pixel's window to the next's. */
    TD_FEW_PIXEL_STEP,
    /** The next output byte, and the run's end. */
    TD_FEW_OUTPUT,
    TD_FEW_OUTPUT_END,
    /** The channels' td_channel_requant, each { bias, multiplier, right shift, rounding }. */
    TD_FEW_REQUANTS,
    /** The activation's range. */
    TD_FEW_MIN,
    TD_FEW_MAX,
    TD_FEW_STATE_WORDS
};

/* One group of four bytes (in r3) against 1, 2 or 3 filters' widened weights (r2, advanced): sums in r8, r9, r10. */
#define TD_FEW_GROUP1                                                                              \
    "ldmia   r2!, {r11, r12}\n\t"                                                                  \
    "sxtab16 r4, r5, r3\n\t"                                                                       \
    "sxtab16 r3, r5, r3, ror #8\n\t"                                                               \
    "smlad   r8, r11, r4, r8\n\t"                                                                  \
    "smlad   r8, r12, r3, r8\n\t"
#define TD_FEW_GROUP2                                                                              \
    "ldmia   r2!, {r10, r11, r12, lr}\n\t"                                                         \
    "sxtab16 r4, r5, r3\n\t"                                                                       \
    "sxtab16 r3, r5, r3, ror #8\n\t"                                                               \
    "smlad   r8, r10, r4, r8\n\t"                                                                  \
    "smlad   r8, r11, r3, r8\n\t"                                                                  \
    "smlad   r9, r12, r4, r9\n\t"                                                                  \
    "smlad   r9, lr, r3, r9\n\t"
#define TD_FEW_GROUP3                                                                              \
    "ldmia   r2!, {r11, r12, lr}\n\t"                                                              \
    "sxtab16 r4, r5, r3\n\t"                                                                       \
    "sxtab16 r3, r5, r3, ror #8\n\t"                                                               \
    "smlad   r8, r11, r4, r8\n\t"                                                                  \
    "smlad   r8, r12, r3, r8\n\t"                                                                  \
    "smlad   r9, lr, r4, r9\n\t"                                                                   \
    "ldmia   r2!, {r11, r12, lr}\n\t"                                                              \
    "smlad   r9, r11, r3, r9\n\t"                                                                  \
    "smlad   r10, r12, r4, r10\n\t"                                                                \
    "smlad   r10, lr, r3, r10\n\t"
/* The biases (r6 the requantization table). */
#define TD_FEW_BIAS1 "ldr     r8, [r6]\n\t"
#define TD_FEW_BIAS2 TD_FEW_BIAS1 "ldr     r9, [r6, #16]\n\t"
#define TD_FEW_BIAS3 TD_FEW_BIAS2 "ldr     r10, [r6, #32]\n\t"
/* One channel's sum requantized (fast form, offset folded), clamped to [r3, r4], stored at r7 (advanced). */
#define TD_FEW_OUTPUT(acc)                                                                         \
    "ldmia   r6!, {r2, r11, r12, lr}\n\t"                                                          \
    "lsl     " acc ", " acc ", #1\n\t"                                                             \
    "add     lr, lr, " acc ", asr #31\n\t"                                                         \
    "smmlar  " acc ", " acc ", r11, lr\n\t"                                                        \
    "asr     " acc ", " acc ", r12\n\t"                                                            \
    "ssat    " acc ", #8, " acc "\n\t"                                                             \
    "ssub16  r1, " acc ", r3\n\t"                                                                  \
    "sel     " acc ", " acc ", r3\n\t"                                                             \
    "ssub16  r1, r4, " acc "\n\t"                                                                  \
    "sel     " acc ", " acc ", r4\n\t"                                                             \
    "strb    " acc ", [r7], #1\n\t"
#define TD_FEW_OUTPUTS1 TD_FEW_OUTPUT("r8")
#define TD_FEW_OUTPUTS2 TD_FEW_OUTPUTS1 TD_FEW_OUTPUT("r9")
#define TD_FEW_OUTPUTS3 TD_FEW_OUTPUTS2 TD_FEW_OUTPUT("r10")
/*
 * A filter row: the groups before the last two a turn (an odd one first), then the last. `pairs` leaves the groups
 * count halved in r6 with the odd one in the carry, `last` loads the last group into r3, `advance` steps r1 to the
 * next row.
 */
#define TD_FEW_ROW(group, pairs, last, advance)                                                    \
    "2:\n\t"                                                                                       \
    pairs                                                                                          \
    "bcc     4f\n\t"                                                                               \
    "ldr     r3, [r1], #4\n\t"                                                                     \
    group                                                                                          \
    "4:\n\t"                                                                                       \
    "cbz     r6, 5f\n\t"                                                                           \
    "3:\n\t"                                                                                       \
    "ldr     r3, [r1], #4\n\t"                                                                     \
    group                                                                                          \
    "ldr     r3, [r1], #4\n\t"                                                                     \
    group                                                                                          \
    "subs    r6, r6, #1\n\t"                                                                       \
    "bne     3b\n\t"                                                                               \
    "5:\n\t"                                                                                       \
    last                                                                                           \
    group                                                                                          \
    advance                                                                                        \
    "subs    r7, r7, #1\n\t"                                                                       \
    "bne     2b\n\t"
/* One filter: the row's constants in registers (r9 the groups, r10 the last's offset, lr the advance), loaded per pixel. */
#define TD_FEW_ROW1                                                                                \
    TD_FEW_ROW(TD_FEW_GROUP1, "lsrs    r6, r9, #1\n\t", "ldr     r3, [r1, r10]\n\t", "add     r1, r1, lr\n\t")
#define TD_FEW_ROW_LOADED(group)                                                                   \
    TD_FEW_ROW(group, "ldr     r6, [r0, #16]\n\t"                                                  \
                      "lsrs    r6, r6, #1\n\t",                                                    \
               "ldr     r4, [r0, #20]\n\t"                                                         \
               "ldr     r3, [r1, r4]\n\t",                                                         \
               "ldr     r4, [r0, #24]\n\t"                                                         \
               "add     r1, r1, r4\n\t")
#define TD_FEW_CONSTANTS1                                                                          \
    "ldr     r9, [r0, #16]\n\t"                                                                    \
    "ldrd    r10, lr, [r0, #20]\n\t"
#define TD_FEW_RUN(name, bias, constants, row, outputs)                                            \
    TD_NOINLINE static void name(uintptr_t *state)                                                 \
    {                                                                                              \
        register uintptr_t *st __asm__("r0") = state;                                              \
        __asm__ volatile("ldr     r5, [r0, #12]\n\t"                                               \
                         "1:\n\t"                                                                  \
                         "ldmia   r0, {r1, r2, r7}\n\t"                                            \
                         "ldr     r6, [r0, #40]\n\t"                                               \
                         bias                                                                      \
                         constants                                                                 \
                         row                                                                       \
                         "ldr     r6, [r0, #40]\n\t"                                               \
                         "ldrd    r3, r4, [r0, #44]\n\t"                                           \
                         "ldr     r7, [r0, #32]\n\t"                                               \
                         outputs                                                                   \
                         "str     r7, [r0, #32]\n\t"                                               \
                         "ldr     r1, [r0]\n\t"                                                    \
                         "ldr     r2, [r0, #28]\n\t"                                               \
                         "add     r1, r1, r2\n\t"                                                  \
                         "str     r1, [r0]\n\t"                                                    \
                         "ldr     r2, [r0, #36]\n\t"                                               \
                         "cmp     r7, r2\n\t"                                                      \
                         "bne     1b"                                                              \
                         : [st] "+r"(st)                                                           \
                         :                                                                         \
                         : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", \
                           "cc", "memory");                                                        \
    }
TD_FEW_RUN(td_conv_few_run1, TD_FEW_BIAS1, TD_FEW_CONSTANTS1, TD_FEW_ROW1, TD_FEW_OUTPUTS1)
TD_FEW_RUN(td_conv_few_run2, TD_FEW_BIAS2, "", TD_FEW_ROW_LOADED(TD_FEW_GROUP2), TD_FEW_OUTPUTS2)
TD_FEW_RUN(td_conv_few_run3, TD_FEW_BIAS3, "", TD_FEW_ROW_LOADED(TD_FEW_GROUP3), TD_FEW_OUTPUTS3)
#endif

/** `count` copies of `value`, a word at a time where it can (Cortex-M4 stores unaligned words). */
TD_INLINE int8_t *td_fill_words(int8_t *bytes, int8_t value, int32_t count)
{
    const uint32_t four = (uint32_t)(uint8_t)value * 0x01010101u;
    for (; count >= 4; count -= 4, bytes += 4) {
        memcpy(bytes, &four, sizeof(four));
    }
    return td_fill_bytes(bytes, value, count);
}

/**
 * Every output of a convolution of 1 to TD_CONV_FEW_MAX output channels (td_conv_takes_few).
 * Filter rows whose input row lies outside the image are skipped (their taps add nothing); the
 * others are read in place when the window lies inside the image across (dilation 1), else
 * gathered into `patch` with the input zero point for the columns outside.
 */
TD_NOINLINE static void td_conv_few(const td_conv_params *params,
                                    const td_per_channel_quant *quant,
                                    const td_dims *input_dims,
                                    const int8_t *input,
                                    const td_dims *filter_dims,
                                    const int8_t *filter,
                                    const int32_t *bias,
                                    const td_dims *output_dims,
                                    int8_t *output,
                                    td_channel_requant *requants)
{
    /* Scratch: the requantization table, the patch in the block path's columns (groups * 32 bytes >=
     * the patch), the widened weights after the block path's scratch. */
    const int32_t length = filter_dims->c * filter_dims->h * filter_dims->w;
    int8_t *const patch = (int8_t *)(void *)(requants + output_dims->c);
    uint32_t *const words = (uint32_t *)(void *)((int8_t *)(void *)requants + td_conv_block_buffer_size(filter_dims));
    const int32_t channels = input_dims->c;
    const int32_t row_length = filter_dims->w * channels;
    const int32_t output_c = output_dims->c;
    const int32_t in_row_step = params->dilation.h * input_dims->w * channels;
    const int32_t pixel_step = params->stride.w * channels;
    /* Widened words of one filter row, all filters. */
    const int32_t row_words = ((row_length + 3) >> 2) * 2 * output_c;
    const int8_t pad = (int8_t)(-params->input_offset);
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    int32_t batch, out_y, out_x, out_c, ky, kx;
#if TD_DSP_ASM
    /* The assembly loop: every channel fast with its offset folded; runs of pixels read their rows in place. */
    int fast = 1;
    int runs;
    uintptr_t run[TD_FEW_STATE_WORDS];
    void (*const run_loop)(uintptr_t *) = output_c == 1 ? td_conv_few_run1 : output_c == 2 ? td_conv_few_run2 : td_conv_few_run3;
    /* The last output column whose window lies inside the image across. */
    const int32_t inside_last = (input_dims->w - filter_dims->w + params->padding.w) / params->stride.w;
#endif
    for (out_c = 0; out_c < output_c; ++out_c) {
        requants[out_c] = td_conv_requant(bias != NULL ? bias[out_c] : 0, quant->multiplier[out_c], quant->shift[out_c],
                                          params->output_offset, length);
#if TD_DSP_ASM
        fast &= requants[out_c].right_shift >= 1 && requants[out_c].right_shift <= TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT;
#endif
    }
    td_conv_few_weights(filter, filter_dims, words);
#if TD_DSP_ASM
    runs = fast && params->dilation.w == 1;
    run[TD_FEW_OFFSETS] = offsets;
    run[TD_FEW_GROUPS] = (uintptr_t)(((row_length + 3) >> 2) - 1);
    run[TD_FEW_LAST] = (uintptr_t)(row_length - 4 * ((row_length + 3) >> 2));
    run[TD_FEW_ADVANCE] = (uintptr_t)(in_row_step - 4 * (((row_length + 3) >> 2) - 1));
    run[TD_FEW_PIXEL_STEP] = (uintptr_t)pixel_step;
    run[TD_FEW_REQUANTS] = (uintptr_t)requants;
    run[TD_FEW_MIN] = (uintptr_t)params->activation.min;
    run[TD_FEW_MAX] = (uintptr_t)params->activation.max;
#endif
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            int32_t ky_start, ky_end;
            /* The window's first column and its first row inside the image, advanced a pixel at a time. */
            int32_t in_x_origin = -params->padding.w;
            const int8_t *first_row;
            td_tap_range(in_y_origin, input_dims->h, filter_dims->h, params->dilation.h, &ky_start, &ky_end);
            first_row = input + ((batch * input_dims->h + in_y_origin + params->dilation.h * ky_start) * input_dims->w +
                                 in_x_origin) *
                                    channels;
            for (out_x = 0; out_x < output_dims->w;
                 ++out_x, output += output_c, in_x_origin += params->stride.w, first_row += pixel_step) {
                int32_t acc[TD_CONV_FEW_MAX];
                const int8_t *rows = first_row;
                int32_t row_step = in_row_step;
#if TD_DSP_ASM
                if (runs && ky_end > ky_start && in_x_origin >= 0 && in_x_origin + filter_dims->w <= input_dims->w) {
                    /* This pixel and the next ones inside the image across, to the last or the row's end. */
                    const int32_t count = td_min_i32(inside_last + 1, output_dims->w) - out_x;
                    run[TD_FEW_PIXEL] = (uintptr_t)first_row;
                    run[TD_FEW_WEIGHTS] = (uintptr_t)(words + ky_start * row_words);
                    run[TD_FEW_HEIGHT] = (uintptr_t)(ky_end - ky_start);
                    run[TD_FEW_OUTPUT] = (uintptr_t)output;
                    run[TD_FEW_OUTPUT_END] = (uintptr_t)(output + count * output_c);
                    run_loop(run);
                    out_x += count - 1;
                    output += (count - 1) * output_c;
                    in_x_origin += (count - 1) * params->stride.w;
                    first_row += (count - 1) * pixel_step;
                    continue;
                }
#endif
                if (params->dilation.w != 1 || in_x_origin < 0 || in_x_origin + filter_dims->w > input_dims->w) {
                    int32_t kx_start, kx_end;
                    int8_t *bytes = patch;
                    const int8_t *row = first_row;
                    td_tap_range(in_x_origin, input_dims->w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
                    for (ky = ky_start; ky < ky_end; ++ky, row += in_row_step) {
                        bytes = td_fill_words(bytes, pad, kx_start * channels);
                        if (params->dilation.w == 1) {
                            bytes = td_copy_bytes(bytes, row + kx_start * channels, (kx_end - kx_start) * channels);
                        } else {
                            for (kx = kx_start; kx < kx_end; ++kx) {
                                bytes = td_copy_bytes(bytes, row + params->dilation.w * kx * channels, channels);
                            }
                        }
                        bytes = td_fill_words(bytes, pad, (filter_dims->w - kx_end) * channels);
                    }
                    rows = patch;
                    row_step = row_length;
                }
#if TD_DSP_ASM
                if (fast && ky_end > ky_start) {
                    /* A window at the image's edge (or dilated across): its gathered patch through the same loop. */
                    run[TD_FEW_PIXEL] = (uintptr_t)rows;
                    run[TD_FEW_WEIGHTS] = (uintptr_t)(words + ky_start * row_words);
                    run[TD_FEW_HEIGHT] = (uintptr_t)(ky_end - ky_start);
                    run[TD_FEW_ADVANCE] = (uintptr_t)(row_step - 4 * (((row_length + 3) >> 2) - 1));
                    run[TD_FEW_OUTPUT] = (uintptr_t)output;
                    run[TD_FEW_OUTPUT_END] = (uintptr_t)(output + output_c);
                    run_loop(run);
                    run[TD_FEW_ADVANCE] = (uintptr_t)(in_row_step - 4 * (((row_length + 3) >> 2) - 1));
                    continue;
                }
#endif
                for (out_c = 0; out_c < output_c; ++out_c) {
                    acc[out_c] = requants[out_c].bias;
                }
                if (ky_end > ky_start) {
                    const uint32_t *const row_weights = words + ky_start * row_words;
                    const int32_t height = ky_end - ky_start;
                    if (output_c == 1) {
                        td_conv_few_sums1(rows, row_step, height, row_length, row_weights, offsets, acc);
                    } else if (output_c == 2) {
                        td_conv_few_sums2(rows, row_step, height, row_length, row_weights, offsets, acc);
                    } else {
                        td_conv_few_sums3(rows, row_step, height, row_length, row_weights, offsets, acc);
                    }
                }
                for (out_c = 0; out_c < output_c; ++out_c) {
                    output[out_c] = td_conv_output(params, &requants[out_c], acc[out_c]);
                }
            }
        }
    }
}

/*
 * td_conv2d_s8_few: the few-channel path where td_conv_takes_few and 16 output pixels or more, all
 * known when the code is generated (the generator calls this entry then, so that other models do
 * not link the path), td_conv2d_s8 otherwise.
 */
td_status td_conv2d_s8_few(const td_context *ctx,
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
    if (input_dims->c == filter_dims->c && td_conv_takes_few(filter_dims) &&
        output_dims->n * output_dims->h * output_dims->w >= TD_CONV_FEW_MIN_PIXELS && ctx != NULL && ctx->buf != NULL &&
        ctx->size >= td_conv_few_buffer_size(filter_dims)) {
        td_conv_few(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                    (td_channel_requant *)ctx->buf);
        return TD_OK;
    }
    return td_conv2d_s8(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
}

#else /* no DSP extension: td_conv2d_s8 */

#include "../../conv/td_conv2d_s8_few.c"

#endif
