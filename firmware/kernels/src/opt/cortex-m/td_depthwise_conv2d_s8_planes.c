/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP variant for 3x3 filters at stride 1 (the generator's
 * choice, src/core/common/codegen/ops/conv.ts): the same bits as td_depthwise_conv2d_s8. A shape,
 * clamp or block of channels it does not take runs the portable per-channel loop
 * (td_depthwise_channels_s8), so that a model whose depthwise layers all come here does not link
 * td_depthwise_conv2d_s8.
 *
 * Channel planes. Four channels at a time (NHWC: one word holds them at one pixel), the input rows
 * are widened into int16 pair words P_m = (x[2m], x[2m + 1]) of ONE channel (padded positions), so
 * that SMLAD does two useful multiply-accumulates. Two pixels' words a, b give the four channels'
 * pairs: PKHBT(a, b << 16) = (c0, c1 of both), PKHTB(b, a >> 16) = (c2, c3 of both), then SXTB16
 * and SXTB16 ROR #8 of each (td_planes_pairs: 28 instructions for 16 values). The input offset is
 * folded into the bias (bias + offset * sum of the taps) and the padding positions hold the input
 * zero point, so they contribute 0: the border words are the same loop over four staged pixels
 * with the zero point in place of those outside.
 *
 * Layout: per channel a plane of groups, one per four output pixels of a row (and one more on
 * either side that only the widening writes), a group per row slot (12 bytes apart) the three words
 * its four pixels read (positions 4g .. 4g + 5: the third word is the next group's first, stored
 * twice so that one LDM loads a slot's words). With a filter row's taps as (w0, w1) and (w1, w2)
 * and the words A, B, C:
 *     out0 += A.w01 + B.lo * w2     (SMLAD, SMLABT)
 *     out1 += A.hi * w0 + B.w12     (SMLATB, SMLAD)
 *     out2 += B.w01 + C.lo * w2,    out3 += B.hi * w0 + C.w12
 * so a group is 3 x (LDM, LDRD, 8 SMLAxx) for 36 multiply-accumulates, then the four outputs'
 * requantization (td_requant_fast, taps and bias doubled so the sums are 2 * acc) and four byte
 * stores, 58 instructions (td_depthwise_planes_row: the four channels of one output row in one
 * call; one or two pixels left over after the groups run a two-pixel step instead of a group).
 * Rows: a ring of three slots, input row i in slot i mod 3; the taps rotate with the output row
 * (per channel three records, one per rotation).
 *
 * Scratch (td_depthwise_conv2d_s8_planes_get_buffer_size): 4 planes of ceil(W / 4) + 2 groups of
 * 36 bytes, and 12 records of 52 bytes.
 */
#include "../../conv/td_depthwise_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** What td_depthwise_planes_row reads per channel and row rotation (offsets fixed in its assembly). */
typedef struct {
    int32_t bias[4];     /* 0: the channel's doubled bias (input offset folded in), four times */
    td_word taps[6];     /* 16: per slot (2w0, 2w1), (2w1, 2w2) of the filter row it holds */
    int32_t rounding;    /* 40 */
    int32_t multiplier;  /* 44 */
    int32_t right_shift; /* 48 */
} td_planes_record;

/** One output row of the four channels (offsets fixed in the assembly). */
typedef struct {
    const td_word *plane;             /* 0: channel 0's group 0, slot 0 */
    int8_t *out;                      /* 4: pixel 0 of the row, channel 0 of the block */
    int32_t out_step;                 /* 8: bytes between the row's output pixels (the channel count) */
    const td_planes_record *records;  /* 12: channel 0's record of the row's rotation */
    int32_t groups;                   /* 16: groups of four pixels (the last one may store three) */
    int32_t last;                     /* 20: pixels the last group stores (3 or 4) */
    int32_t pair;                     /* 24: pixels after the groups (0, 1, 2) */
    int32_t plane_step;               /* 28: bytes between two channels' planes */
} td_planes_row;

/** Words of one channel's plane for rows of `width` input pixels (with a group on either side). */
TD_INLINE int32_t td_planes_plane_words(int32_t width)
{
    return 9 * ((width + 3) / 4 + 2);
}

int32_t td_depthwise_conv2d_s8_planes_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)filter_dims;
    return 4 * td_planes_plane_words(input_dims->w) * (int32_t)sizeof(td_word) + 12 * (int32_t)sizeof(td_planes_record);
}

#if TD_DSP_ASM
void td_depthwise_planes_row(const td_planes_row *row);

#define TD_PLANES_SLOT(taps)                                                                   \
    "ldmia   r0!, {r8-r10}\n\t"                                                                \
    "ldrd    r11, r12, [r3, #" taps "]\n\t"                                                    \
    "smlad   r4, r8, r11, r4\n\t"                                                              \
    "smlabt  r4, r9, r12, r4\n\t"                                                              \
    "smlatb  r5, r8, r11, r5\n\t"                                                              \
    "smlad   r5, r9, r12, r5\n\t"                                                              \
    "smlad   r6, r9, r11, r6\n\t"                                                              \
    "smlabt  r6, r10, r12, r6\n\t"                                                             \
    "smlatb  r7, r9, r11, r7\n\t"                                                              \
    "smlad   r7, r10, r12, r7\n\t"
#define TD_PLANES_PAIR_SLOT(words, taps)                                                       \
    "ldrd    r6, r7, [r0, #" words "]\n\t"                                                     \
    "ldrd    r11, r12, [r3, #" taps "]\n\t"                                                    \
    "smlad   r4, r6, r11, r4\n\t"                                                              \
    "smlabt  r4, r7, r12, r4\n\t"                                                              \
    "smlatb  r5, r6, r11, r5\n\t"                                                              \
    "smlad   r5, r7, r12, r5\n\t"
#define TD_PLANES_ROUND(acc, scratch)                                                          \
    "add     " scratch ", r11, " acc ", asr #31\n\t"                                           \
    "smmlar  " acc ", " acc ", r12, " scratch "\n\t"
#define TD_PLANES_SHIFT(acc)                                                                   \
    "asr     " acc ", " acc ", r10\n\t"                                                        \
    "ssat    " acc ", #8, " acc "\n\t"
/*
 * Frame: 0 the channel's plane, 4 its output, 8 its records, 12 groups, 16 channels left, 20 last,
 * 24 pair, 28 plane step. Registers: r0 plane, r1 out, r2 output step, r3 the
 * channel's record, r4-r7 the four sums, r8-r10 a slot's words, r11-r12 taps then
 * requantization, lr groups left. The group loop stores the previous group's bytes at its top.
 */
__asm__(".section .text.td_depthwise_planes_row,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_depthwise_planes_row\n\t"
        ".thumb_func\n\t"
        ".type td_depthwise_planes_row, %function\n"
        "td_depthwise_planes_row:\n\t"
        "push    {r4-r11, lr}\n\t"
        "sub     sp, sp, #32\n\t"
        "ldm     r0, {r4-r11}\n\t"
        "mov     r2, r6\n\t"
        "movs    r6, #4\n\t"
        "strd    r4, r5, [sp]\n\t"
        "strd    r7, r8, [sp, #8]\n\t"
        "str     r6, [sp, #16]\n\t"
        "strd    r9, r10, [sp, #20]\n\t"
        "str     r11, [sp, #28]\n"
        "1:\n\t"
        "ldm     sp, {r0, r1, r3, lr}\n\t"
        "cmp     lr, #0\n\t"
        "bne     3f\n\t"
        "b       6f\n"
        "2:\n\t"
        "strb    r4, [r1]\n\t"
        "strb    r5, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n\t"
        "strb    r6, [r1]\n\t"
        "strb    r7, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n"
        "3:\n\t"
        "ldm     r3, {r4-r7}\n\t"
        TD_PLANES_SLOT("16")
        TD_PLANES_SLOT("24")
        TD_PLANES_SLOT("32")
        "ldrd    r11, r12, [r3, #40]\n\t"
        "ldr     r10, [r3, #48]\n\t"
        TD_PLANES_ROUND("r4", "r8")
        TD_PLANES_ROUND("r5", "r8")
        TD_PLANES_ROUND("r6", "r8")
        TD_PLANES_ROUND("r7", "r8")
        TD_PLANES_SHIFT("r4")
        TD_PLANES_SHIFT("r5")
        TD_PLANES_SHIFT("r6")
        TD_PLANES_SHIFT("r7")
        "subs    lr, lr, #1\n\t"
        "bne     2b\n\t"
        "ldr     r8, [sp, #20]\n\t"
        "strb    r4, [r1]\n\t"
        "strb    r5, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n\t"
        "strb    r6, [r1]\n\t"
        "cmp     r8, #4\n\t"
        "bne     8f\n\t"
        "strb    r7, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n"
        "6:\n\t"
        "ldr     r8, [sp, #24]\n\t"
        "cmp     r8, #0\n\t"
        "beq     8f\n\t"
        "ldrd    r4, r5, [r3]\n\t"
        TD_PLANES_PAIR_SLOT("0", "16")
        TD_PLANES_PAIR_SLOT("12", "24")
        TD_PLANES_PAIR_SLOT("24", "32")
        "ldrd    r11, r12, [r3, #40]\n\t"
        "ldr     r10, [r3, #48]\n\t"
        TD_PLANES_ROUND("r4", "r6")
        TD_PLANES_ROUND("r5", "r6")
        TD_PLANES_SHIFT("r4")
        TD_PLANES_SHIFT("r5")
        "strb    r4, [r1]\n\t"
        "cmp     r8, #2\n\t"
        "bne     8f\n\t"
        "strb    r5, [r1, r2]\n"
        "8:\n\t"
        "ldm     sp, {r4-r6}\n\t"
        "ldr     r7, [sp, #28]\n\t"
        "add     r4, r4, r7\n\t"
        "adds    r5, r5, #1\n\t"
        "add     r6, r6, #156\n\t"
        "stm     sp, {r4-r6}\n\t"
        "ldr     r7, [sp, #16]\n\t"
        "subs    r7, r7, #1\n\t"
        "str     r7, [sp, #16]\n\t"
        "bne     1b\n\t"
        "add     sp, sp, #32\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_depthwise_planes_row, . - td_depthwise_planes_row\n\t"
        ".text");

/*
 * Pairs of words m, m + 1 (m even) of the four channels from four pixels `step` bytes apart:
 * `pairs` turns of 4 LDR, 4 PKH, 8 SXTB16, 4 STRD (a channel's two words, then the next group) and
 * 4 STR (the even word again as the previous group's third). `word`: channel 0's even word, the
 * channels' planes `plane_step` bytes apart.
 */
static void td_planes_pairs(const int8_t *p, int32_t step, td_word *word, int32_t plane_step, int32_t pairs)
{
    td_word *w1 = (td_word *)(void *)((char *)word + plane_step);
    td_word *w2 = (td_word *)(void *)((char *)w1 + plane_step);
    td_word *w3 = (td_word *)(void *)((char *)w2 + plane_step);
    uint32_t a, b, c, d, e, f;
    __asm__ volatile("1:\n\t"
                     "ldr     %[a], [%[p]]\n\t"
                     "ldr     %[b], [%[p], %[s]]\n\t"
                     "add     %[p], %[p], %[s], lsl #1\n\t"
                     "ldr     %[c], [%[p]]\n\t"
                     "ldr     %[d], [%[p], %[s]]\n\t"
                     "add     %[p], %[p], %[s], lsl #1\n\t"
                     "pkhbt   %[e], %[a], %[b], lsl #16\n\t"
                     "pkhtb   %[f], %[b], %[a], asr #16\n\t"
                     "pkhbt   %[a], %[c], %[d], lsl #16\n\t"
                     "pkhtb   %[b], %[d], %[c], asr #16\n\t"
                     "sxtb16  %[c], %[e]\n\t"
                     "sxtb16  %[d], %[a]\n\t"
                     "str     %[c], [%[w0], #-28]\n\t"
                     "strd    %[c], %[d], [%[w0]], #36\n\t"
                     "sxtb16  %[c], %[e], ror #8\n\t"
                     "sxtb16  %[d], %[a], ror #8\n\t"
                     "str     %[c], [%[w1], #-28]\n\t"
                     "strd    %[c], %[d], [%[w1]], #36\n\t"
                     "sxtb16  %[c], %[f]\n\t"
                     "sxtb16  %[d], %[b]\n\t"
                     "str     %[c], [%[w2], #-28]\n\t"
                     "strd    %[c], %[d], [%[w2]], #36\n\t"
                     "sxtb16  %[c], %[f], ror #8\n\t"
                     "sxtb16  %[d], %[b], ror #8\n\t"
                     "str     %[c], [%[w3], #-28]\n\t"
                     "strd    %[c], %[d], [%[w3]], #36\n\t"
                     "subs    %[n], %[n], #1\n\t"
                     "bne     1b"
                     : [p] "+r"(p), [w0] "+r"(word), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3), [n] "+r"(pairs),
                       [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d), [e] "=&r"(e), [f] "=&r"(f)
                     : [s] "r"(step)
                     : "cc", "memory");
}
#else
/** acc + lo(x) * hi(y) (SMLABT). */
TD_INLINE int32_t td_planes_smlabt(uint32_t x, uint32_t y, int32_t acc) { return td_smlabb(x, y >> 16, acc); }
/** acc + hi(x) * lo(y) (SMLATB). */
TD_INLINE int32_t td_planes_smlatb(uint32_t x, uint32_t y, int32_t acc) { return td_smlabb(x >> 16, y, acc); }

/** td_depthwise_planes_row's C twin (the same sums). */
static void td_depthwise_planes_row(const td_planes_row *row)
{
    int32_t channel, pixel, slot, i;
    const int32_t pixels = row->groups > 0 ? 4 * (row->groups - 1) + row->last + row->pair : row->pair;
    for (channel = 0; channel < 4; ++channel) {
        const td_planes_record *const record = row->records + 3 * channel;
        const td_word *group = (const td_word *)(const void *)((const char *)row->plane + channel * row->plane_step);
        int8_t *out = row->out + channel;
        for (pixel = 0; pixel < pixels; pixel += 4) {
            int32_t acc[4];
            for (i = 0; i < 4; ++i) {
                acc[i] = record->bias[i];
            }
            for (slot = 0; slot < 3; ++slot) {
                const uint32_t a = group[3 * slot], b = group[3 * slot + 1], c = group[3 * slot + 2];
                const uint32_t w01 = record->taps[2 * slot], w12 = record->taps[2 * slot + 1];
                acc[0] = td_planes_smlabt(b, w12, td_smlad(a, w01, acc[0]));
                acc[1] = td_smlad(b, w12, td_planes_smlatb(a, w01, acc[1]));
                acc[2] = td_planes_smlabt(c, w12, td_smlad(b, w01, acc[2]));
                acc[3] = td_smlad(c, w12, td_planes_smlatb(b, w01, acc[3]));
            }
            for (i = 0; i < 4 && pixel + i < pixels; ++i) {
                const int32_t value =
                    td_smmlar(acc[i], record->multiplier, record->rounding + (acc[i] >> 31)) >> record->right_shift;
                out[i * row->out_step] = (int8_t)td_ssat8(value);
            }
            out += 4 * row->out_step;
            group += 9;
        }
    }
}

/** td_planes_pairs' C twin. */
static void td_planes_pairs(const int8_t *p, int32_t step, td_word *word, int32_t plane_step, int32_t pairs)
{
    int32_t c;
    for (; pairs > 0; --pairs) {
        const uint32_t a = td_read_u32(p), b = td_read_u32(p + step), c2 = td_read_u32(p + 2 * step),
                       d = td_read_u32(p + 3 * step);
        const uint32_t lanes[4][2] = {
            {(a & 0xffffu) | (b << 16), (c2 & 0xffffu) | (d << 16)},
            {(a & 0xffffu) | (b << 16), (c2 & 0xffffu) | (d << 16)},
            {(a >> 16) | (b & 0xffff0000u), (c2 >> 16) | (d & 0xffff0000u)},
            {(a >> 16) | (b & 0xffff0000u), (c2 >> 16) | (d & 0xffff0000u)},
        };
        for (c = 0; c < 4; ++c) {
            td_word *const w = (td_word *)(void *)((char *)word + c * plane_step);
            const uint32_t even = (c & 1) != 0 ? td_sxtb16_ror8(lanes[c][0]) : td_sxtb16(lanes[c][0]);
            const uint32_t odd = (c & 1) != 0 ? td_sxtb16_ror8(lanes[c][1]) : td_sxtb16(lanes[c][1]);
            w[0] = even;
            w[1] = odd;
            w[-7] = even;
        }
        p += 4 * step;
        word += 9;
    }
}
#endif

/**
 * Input row `row` (position 0, the block's channel 0; `step` bytes between positions, `length`
 * positions, `padding` before them) into `slot` (channel 0's group 0 of that slot): every pair of
 * words (m, m + 1) for m = 0, 2, .., 2 * groups, those whose four pixels lie inside the image
 * straight from the input, the others from four staged pixels with the zero point outside.
 */
static void td_planes_widen(const int8_t *row,
                            int32_t step,
                            int32_t length,
                            int32_t padding,
                            int32_t groups,
                            int32_t plane_step,
                            td_word *slot,
                            uint32_t zero4)
{
    /* Pair k reads pixels 4k - padding .. 4k - padding + 3: inside for k in [inside, inside_end). */
    const int32_t inside = (padding + 3) >> 2;
    const int32_t inside_end = td_max_i32(inside, td_min_i32(groups + 1, (length - 4 + padding) / 4 + 1));
    int32_t k, i;
    if (length - 4 + padding < 0) {
        /* No pair inside at all. */
        for (k = 0; k <= groups; ++k) {
            uint32_t staged[4];
            for (i = 0; i < 4; ++i) {
                const int32_t x = 4 * k - padding + i;
                staged[i] = x >= 0 && x < length ? td_read_u32(row + x * step) : zero4;
            }
            td_planes_pairs((const int8_t *)staged, 4, slot + 9 * k, plane_step, 1);
        }
        return;
    }
    if (inside_end > inside) {
        td_planes_pairs(row + (4 * inside - padding) * step, step, slot + 9 * inside, plane_step, inside_end - inside);
    }
    for (k = 0; k <= groups; ++k) {
        uint32_t staged[4];
        if (k == inside && inside_end > inside) {
            k = inside_end - 1;
            continue;
        }
        for (i = 0; i < 4; ++i) {
            const int32_t x = 4 * k - padding + i;
            staged[i] = x >= 0 && x < length ? td_read_u32(row + x * step) : zero4;
        }
        td_planes_pairs((const int8_t *)staged, 4, slot + 9 * k, plane_step, 1);
    }
}

/** Fills one slot of the four channels' planes (their groups) with the zero point. */
static void td_planes_fill(td_word *slot, int32_t groups, int32_t plane_words, uint32_t zero)
{
    int32_t g, c;
    for (c = 0; c < 4; ++c) {
        td_word *word = slot + c * plane_words;
        for (g = 0; g < groups; ++g) {
            word[0] = zero;
            word[1] = zero;
            word[2] = zero;
            word += 9;
        }
    }
}

/** The requantization of channel c with the input offset folded into its bias; right_shift 0: not in the fast form. */
TD_NOINLINE static td_channel_requant td_planes_requant(const td_depthwise_conv_params *params,
                                                        const td_per_channel_quant *quant,
                                                        const int8_t *filter,
                                                        const int32_t *bias,
                                                        int32_t channels,
                                                        int32_t c)
{
    td_channel_requant requant =
        td_channel_requant_folded_of(bias != NULL ? bias[c] : 0, quant->multiplier[c], quant->shift[c], params->output_offset, 9);
    int32_t tap, sum = 0;
    for (tap = 0; tap < 9; ++tap) {
        sum += filter[tap * channels + c];
    }
    requant.bias += params->input_offset * sum;
    return requant;
}

/**
 * The records of the block's four channels, three rotations each; 0 when one of them is not in
 * the fast requantization (the block then runs the portable loop).
 */
TD_NOINLINE static int td_planes_records(const td_depthwise_conv_params *params,
                                         const td_per_channel_quant *quant,
                                         const int8_t *filter,
                                         const int32_t *bias,
                                         int32_t channels,
                                         int32_t block,
                                         td_planes_record *record)
{
    int32_t c, r, i;
    for (c = block; c < block + 4; ++c) {
        const td_channel_requant requant = td_planes_requant(params, quant, filter, bias, channels, c);
        const int32_t doubled = (int32_t)((uint32_t)requant.bias << 1);
        td_word rows[10]; /* filter rows 0, 1, 2, 0, 1 as (2w0, 2w1), (2w1, 2w2) */
        if (requant.right_shift == 0) {
            return 0;
        }
        for (r = 0; r < 3; ++r) {
            const int8_t *const w = filter + 3 * r * channels + c;
            const int32_t w0 = 2 * w[0], w1 = 2 * w[channels], w2 = 2 * w[2 * channels];
            rows[2 * r] = td_pack16(w0, w1);
            rows[2 * r + 1] = td_pack16(w1, w2);
        }
        rows[6] = rows[0];
        rows[7] = rows[1];
        rows[8] = rows[2];
        rows[9] = rows[3];
        for (r = 0; r < 3; ++r) {
            /* Rotation r: slot s holds filter row (r + s) mod 3. */
            record->bias[0] = record->bias[1] = record->bias[2] = record->bias[3] = doubled;
            for (i = 0; i < 6; ++i) {
                record->taps[i] = rows[2 * r + i];
            }
            record->rounding = requant.rounding;
            record->multiplier = requant.multiplier;
            record->right_shift = requant.right_shift;
            ++record;
        }
    }
    return 1;
}

/** Every output through the planes (td_depthwise_conv2d_s8_planes checked the shape). */
TD_NOINLINE static void td_depthwise_planes_3x3(const td_context *ctx,
                                                const td_depthwise_conv_params *params,
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
    const int32_t width = input_dims->w, height = input_dims->h;
    const int32_t out_w = output_dims->w, out_h = output_dims->h;
    const int32_t pad_w = params->padding.w, pad_h = params->padding.h;
    const int32_t groups = (out_w + 3) / 4;
    const int32_t plane_words = td_planes_plane_words(width);
    td_word *const planes = (td_word *)ctx->buf + 9; /* channel 0's group 0 */
    td_planes_record *const records = (td_planes_record *)(void *)((td_word *)ctx->buf + 4 * plane_words);
    const int8_t zp = (int8_t)(-params->input_offset);
    const uint32_t zero4 = (uint32_t)(uint8_t)zp * 0x01010101u;
    const uint32_t zero = td_pack16(zp, zp);
    td_planes_row job;
    int32_t batch, block, i;
    job.plane = planes;
    job.out_step = channels;
    job.plane_step = plane_words * (int32_t)sizeof(td_word);
    job.groups = out_w / 4;
    job.last = 4;
    job.pair = out_w % 4;
    if (job.pair == 3) {
        ++job.groups;
        job.last = 3;
        job.pair = 0;
    }
    /* Channel blocks outermost, each over the batches' pixels in order (an output placed over its input, channel by channel). */
    for (block = 0; block < channels; block += 4) {
        if (!td_planes_records(params, quant, filter, bias, channels, block, records)) {
            td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                                   output_dims->n, block, block + 4);
            continue;
        }
        for (batch = 0; batch < output_dims->n; ++batch) {
            const int8_t *const batch_input = input + batch * height * width * channels + block;
            int8_t *out = output + batch * out_h * out_w * channels + block;
            /* A ring: input row i in slot (i + 3) mod 3 (i >= -1). */
            int32_t slot = pad_h == 0 ? 0 : 2;
            for (i = -pad_h; i < out_h - pad_h + 2; ++i) {
                td_word *const place = planes + 3 * slot;
                if (i < 0 || i >= height) {
                    td_planes_fill(place, groups, plane_words, zero);
                } else {
                    td_planes_widen(batch_input + i * width * channels, channels, width, pad_w, groups,
                                    job.plane_step, place, zero4);
                }
                slot = slot == 2 ? 0 : slot + 1;
                if (i >= 2 - pad_h) {
                    /* The next output row: its first input row is in `slot` now (the oldest). */
                    job.out = out;
                    job.records = records + (3 - slot) % 3;
                    td_depthwise_planes_row(&job);
                    out += out_w * channels;
                }
            }
        }
    }
}

td_status td_depthwise_conv2d_s8_planes(const td_context *ctx,
                                        const td_depthwise_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const td_dims *input_dims,
                                        const int8_t *input,
                                        const td_dims *filter_dims,
                                        const int8_t *filter,
                                        const int32_t *bias,
                                        const td_dims *output_dims,
                                        int8_t *output)
{
    const int32_t channels = output_dims->c;
    int ok = filter_dims->h == 3 && filter_dims->w == 3 && params->stride.h == 1 && params->stride.w == 1 &&
             params->dilation.h == 1 && params->dilation.w == 1 && params->depth_multiplier == 1 &&
             input_dims->c == channels && channels % 4 == 0 && params->activation.min == -128 &&
             params->activation.max == 127 && params->padding.h <= 1 && params->padding.w <= 1 &&
             output_dims->h == input_dims->h + 2 * params->padding.h - 2 &&
             output_dims->w == input_dims->w + 2 * params->padding.w - 2 && output_dims->h > 0 && output_dims->w > 0 &&
             ctx != NULL && ctx->buf != NULL &&
             ctx->size >= td_depthwise_conv2d_s8_planes_get_buffer_size(input_dims, filter_dims);
    /* Channel blocks outermost: an output over its input must start a whole number of pixels
     * from it (each channel over itself; see td_depthwise_conv2d_s8). */
    if (ok) {
        const uintptr_t input_start = (uintptr_t)input, input_end = input_start + (uintptr_t)td_dims_count(input_dims);
        const uintptr_t output_start = (uintptr_t)output, output_end = output_start + (uintptr_t)td_dims_count(output_dims);
        if (output_start < input_end && input_start < output_end &&
            (int32_t)((intptr_t)output_start - (intptr_t)input_start) % channels != 0) {
            ok = 0;
        }
    }
    if (!ok) {
        td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                               output_dims->n, 0, output_dims->c);
        return TD_OK;
    }
    td_depthwise_planes_3x3(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
    return TD_OK;
}

#else /* no DSP extension: the portable loop */

int32_t td_depthwise_conv2d_s8_planes_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_s8_planes(const td_context *ctx,
                                        const td_depthwise_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const td_dims *input_dims,
                                        const int8_t *input,
                                        const td_dims *filter_dims,
                                        const int8_t *filter,
                                        const int32_t *bias,
                                        const td_dims *output_dims,
                                        int8_t *output)
{
    (void)ctx;
    td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                           output_dims->n, 0, output_dims->c);
    return TD_OK;
}

#endif
