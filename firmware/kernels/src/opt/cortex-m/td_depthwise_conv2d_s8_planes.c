/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP variant for 3x3 filters at stride 1 (the generator's
 * choice, src/core/common/codegen/ops/conv.ts): the same bits as td_depthwise_conv2d_s8. A shape,
 * clamp or channel it does not take runs the portable per-channel loop (td_depthwise_channels_s8),
 * so that a model whose depthwise layers all come here does not link td_depthwise_conv2d_s8.
 *
 * Channel planes. Four channels at a time (NHWC: one word holds them at one pixel), the input rows
 * are widened into int16 pair words P_m = (x[2m], x[2m + 1]) of ONE channel (padded positions), so
 * that SMLAD does two useful multiply-accumulates. Two pixels' words a, b give the four channels'
 * pairs: PKHBT(a, b << 16) = (c0, c1 of both), PKHTB(b, a >> 16) = (c2, c3 of both), then SXTB16
 * and SXTB16 ROR #8 of each. The input offset is folded into the bias (bias + offset * sum of the
 * taps) and the padding positions hold the input zero point, so they contribute 0 and the borders
 * need no code of their own.
 *
 * Layout: a run of groups, one per four output pixels of a row; a group holds per channel (36
 * bytes apart) per row slot (12 bytes apart) the three words its four pixels read (positions
 * 4g .. 4g + 5: the third word is the next group's first, stored twice so that one LDM loads a
 * slot's words). With a filter row's taps as (w0, w1) and (w1, w2) and the words A, B, C:
 *     out0 += A.w01 + B.lo * w2     (SMLAD, SMLABT)
 *     out1 += A.hi * w0 + B.w12     (SMLATB, SMLAD)
 *     out2 += B.w01 + C.lo * w2,    out3 += B.hi * w0 + C.w12
 * so a group is 3 x (LDM, LDRD, 8 SMLAxx) for 36 multiply-accumulates, then the four outputs'
 * requantization (td_requant_fast, taps and bias doubled so the sums are 2 * acc) and four byte
 * stores (td_depthwise_planes_row: all four channels of one output row in one call; one or two
 * pixels left over after the groups run a two-pixel step instead of a whole group).
 *
 * Rows: a ring of three slots (input row i in slot i mod 3; the taps rotate with the output row:
 * per channel three records, one per rotation), or, for a tall narrow image (the keyword-spotting
 * model's 25 x 5), the image transposed: rows run down the columns (25 long instead of 5) and the
 * whole padded plane of the four channels is widened before their outputs are written (an output
 * placed over its input, channel by channel, is then safe in any order).
 *
 * Scratch (td_depthwise_conv2d_s8_planes_get_buffer_size): groups x 4 channels x slots x 12 bytes,
 * and 56 bytes per record (12, or 4 when transposed).
 */
#include "../../conv/td_depthwise_conv2d_s8_reference.h"
#include "td_dsp.h"

/** Channels [first, last) of every output, one at a time (the shared portable loop): what the planes do not take. */
TD_NOINLINE static void td_depthwise_planes_portable(const td_depthwise_conv_params *params,
                                                     const td_per_channel_quant *quant,
                                                     const td_dims *input_dims,
                                                     const int8_t *input,
                                                     const td_dims *filter_dims,
                                                     const int8_t *filter,
                                                     const int32_t *bias,
                                                     const td_dims *output_dims,
                                                     int8_t *output,
                                                     int32_t first,
                                                     int32_t last)
{
    int32_t batch, out_y, out_x;
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const td_depthwise_window window =
                    td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
                int8_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_dims->c;
                td_depthwise_channels_s8(params, quant, &window, first, last, input, filter, bias, out);
            }
        }
    }
}

#if TD_KERNELS_DSP

/** The slots of a transposed (whole) plane: input columns + 2 (at most 5 columns). */
#define TD_PLANES_WHOLE_SLOTS 7

/** What td_depthwise_planes_row reads per channel and row rotation (offsets fixed in its assembly). */
typedef struct {
    int32_t bias[4];     /* 0: the channel's doubled bias (input offset folded in), four times */
    td_word taps[6];     /* 16: per slot (2w0, 2w1), (2w1, 2w2) of the filter row it holds */
    int32_t rounding;    /* 40 */
    int32_t multiplier;  /* 44 */
    int32_t right_shift; /* 48 */
    int32_t jump;        /* 52: bytes from a group's third slot end to the next group */
} td_planes_record;

/** One output row of the four channels (offsets fixed in the assembly). */
typedef struct {
    const td_word *plane;             /* 0: group 0, channel 0, the row's first slot */
    int8_t *out;                      /* 4: pixel 0 of the row, channel 0 of the block */
    int32_t out_step;                 /* 8: bytes between the row's output pixels */
    const td_planes_record *records;  /* 12: channel 0's record (channel c: 3 records further each when rotating, 1 else) */
    int32_t groups;                   /* 16: groups of four pixels (the last one may store three) */
    int32_t last;                     /* 20: pixels the last group stores (3 or 4) */
    int32_t pair;                     /* 24: pixels after the groups (0, 1, 2) */
    int32_t record_step;              /* 28: bytes between two channels' records */
    int32_t channel_step;             /* 32: bytes between two channels' words in a group */
} td_planes_row;

/** How a call runs: rows along the width or (transposed) the height, with a ring or the whole plane. */
typedef struct {
    int32_t transposed;
    int32_t groups; /* groups of a row (scratch) */
    int32_t slots;  /* 3 (ring) or the padded rows of the whole plane */
    int32_t records;
} td_planes_shape;

TD_INLINE td_planes_shape td_planes_shape_of(const td_dims *input_dims)
{
    td_planes_shape shape;
    shape.transposed = input_dims->h > input_dims->w && input_dims->w + 2 <= TD_PLANES_WHOLE_SLOTS;
    shape.groups = ((shape.transposed ? input_dims->h : input_dims->w) + 3) / 4;
    shape.slots = shape.transposed ? TD_PLANES_WHOLE_SLOTS : 3;
    shape.records = shape.transposed ? 4 : 12;
    return shape;
}

TD_INLINE int32_t td_planes_bytes(const td_planes_shape *shape)
{
    return shape->groups * 48 * shape->slots + shape->records * (int32_t)sizeof(td_planes_record);
}

int32_t td_depthwise_conv2d_s8_planes_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    const td_planes_shape shape = td_planes_shape_of(input_dims);
    (void)filter_dims;
    return td_planes_bytes(&shape);
}

#if TD_DSP_ASM
void td_depthwise_planes_row(const td_planes_row *row);

#define TD_PLANES_SLOT(words, taps)                                                            \
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
 * Frame: 0 the row, 4 the channel (0..3). Registers: r0 plane, r1 out, r2 output step, r3 the
 * channel's record, r4-r7 the four sums, r8-r10 a slot's words, r11-r12 taps then
 * requantization, lr groups left.
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
        "sub     sp, sp, #8\n\t"
        "movs    r4, #0\n\t"
        "strd    r0, r4, [sp]\n"
        "1:\n\t"
        "ldrd    r12, r4, [sp]\n\t"
        "ldm     r12, {r0-r3, lr}\n\t"
        "ldrd    r5, r6, [r12, #28]\n\t"
        "mla     r0, r4, r6, r0\n\t"
        "add     r1, r1, r4\n\t"
        "mla     r3, r4, r5, r3\n\t"
        "cmp     lr, #0\n\t"
        "beq     6f\n"
        "2:\n\t"
        "ldm     r3, {r4-r7}\n\t"
        TD_PLANES_SLOT("0", "16")
        TD_PLANES_SLOT("12", "24")
        TD_PLANES_SLOT("24", "32")
        "ldrd    r11, r12, [r3, #40]\n\t"
        "ldrd    r10, r9, [r3, #48]\n\t"
        TD_PLANES_ROUND("r4", "r8")
        TD_PLANES_ROUND("r5", "r8")
        TD_PLANES_ROUND("r6", "r8")
        TD_PLANES_ROUND("r7", "r8")
        TD_PLANES_SHIFT("r4")
        TD_PLANES_SHIFT("r5")
        TD_PLANES_SHIFT("r6")
        TD_PLANES_SHIFT("r7")
        "add     r0, r0, r9\n\t"
        "subs    lr, lr, #1\n\t"
        "beq     4f\n\t"
        "strb    r4, [r1]\n\t"
        "strb    r5, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n\t"
        "strb    r6, [r1]\n\t"
        "strb    r7, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n\t"
        "b       2b\n"
        "4:\n\t"
        "ldr     r12, [sp]\n\t"
        "ldr     r8, [r12, #20]\n\t"
        "strb    r4, [r1]\n\t"
        "strb    r5, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n\t"
        "strb    r6, [r1]\n\t"
        "cmp     r8, #4\n\t"
        "bne     8f\n\t"
        "strb    r7, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n"
        "6:\n\t"
        "ldr     r12, [sp]\n\t"
        "ldr     r8, [r12, #24]\n\t"
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
        "ldr     r4, [sp, #4]\n\t"
        "adds    r4, r4, #1\n\t"
        "str     r4, [sp, #4]\n\t"
        "cmp     r4, #4\n\t"
        "bne     1b\n\t"
        "add     sp, sp, #8\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_depthwise_planes_row, . - td_depthwise_planes_row\n\t"
        ".text");
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
        const td_planes_record *const record =
            (const td_planes_record *)(const void *)((const char *)row->records + channel * row->record_step);
        const td_word *group = (const td_word *)(const void *)((const char *)row->plane + channel * row->channel_step);
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
            group = (const td_word *)(const void *)((const char *)group + 36 + record->jump);
        }
    }
}
#endif

/**
 * Word m (padded positions 2m, 2m + 1) of the four channels from the pixels p0, p1 (4 channels
 * each): `word` is its place for channel 0 (group m / 2, its word m % 2); an even m's word is
 * also the previous group's third (`first`: m = 0, which has none). `words` is the last m + 1:
 * the last even m (2 * groups) has no group of its own.
 */
TD_INLINE void td_planes_word(td_word *word, int32_t group_words, int32_t cw, int32_t m, int32_t words, uint32_t p0, uint32_t p1)
{
    const uint32_t low = (p0 & 0xffffu) | (p1 << 16);
    const uint32_t high = (p0 >> 16) | (p1 & 0xffff0000u);
    const uint32_t w0 = td_sxtb16(low), w1 = td_sxtb16_ror8(low), w2 = td_sxtb16(high), w3 = td_sxtb16_ror8(high);
    if (m < words - 1 || (m & 1) != 0) {
        word[0] = w0;
        word[cw] = w1;
        word[2 * cw] = w2;
        word[3 * cw] = w3;
    }
    if ((m & 1) == 0 && m != 0) {
        td_word *const third = word - group_words + 2;
        third[0] = w0;
        third[cw] = w1;
        third[2 * cw] = w2;
        third[3 * cw] = w3;
    }
}

/*
 * Pairs of words m, m + 1 (m even, >= 2) of the four channels from four pixels: `pairs` turns of
 * 4 LDR, 4 PKH, 8 SXTB16, 4 STRD (a channel's two words) and 4 STR (the even word again as the
 * previous group's third), 30 instructions for 16 values. `word`: channel 0's even word; the
 * channels CS bytes apart, the groups GS.
 */
#if TD_DSP_ASM
#define TD_PLANES_PAIRS(name, CS, GS)                                                                    \
    static void name(const int8_t *p, int32_t step, td_word *word, int32_t pairs)                       \
    {                                                                                                   \
        td_word *third = (td_word *)(void *)((char *)word + 8 - (GS));                                  \
        uint32_t a, b, c, d, e, f, g, h;                                                                \
        __asm__ volatile("1:\n\t"                                                                       \
                         "ldr     %[a], [%[p]]\n\t"                                                     \
                         "ldr     %[b], [%[p], %[s]]\n\t"                                               \
                         "add     %[p], %[p], %[s], lsl #1\n\t"                                         \
                         "ldr     %[c], [%[p]]\n\t"                                                     \
                         "ldr     %[d], [%[p], %[s]]\n\t"                                               \
                         "add     %[p], %[p], %[s], lsl #1\n\t"                                         \
                         "pkhbt   %[e], %[a], %[b], lsl #16\n\t"                                        \
                         "pkhtb   %[f], %[b], %[a], asr #16\n\t"                                        \
                         "pkhbt   %[g], %[c], %[d], lsl #16\n\t"                                        \
                         "pkhtb   %[h], %[d], %[c], asr #16\n\t"                                        \
                         "sxtb16  %[a], %[e]\n\t"                                                       \
                         "sxtb16  %[b], %[g]\n\t"                                                       \
                         "strd    %[a], %[b], [%[w]]\n\t"                                               \
                         "str     %[a], [%[t]]\n\t"                                                     \
                         "sxtb16  %[a], %[e], ror #8\n\t"                                               \
                         "sxtb16  %[b], %[g], ror #8\n\t"                                               \
                         "strd    %[a], %[b], [%[w], #" #CS "]\n\t"                                     \
                         "str     %[a], [%[t], #" #CS "]\n\t"                                           \
                         "sxtb16  %[a], %[f]\n\t"                                                       \
                         "sxtb16  %[b], %[h]\n\t"                                                       \
                         "strd    %[a], %[b], [%[w], #2*" #CS "]\n\t"                                   \
                         "str     %[a], [%[t], #2*" #CS "]\n\t"                                         \
                         "sxtb16  %[a], %[f], ror #8\n\t"                                               \
                         "sxtb16  %[b], %[h], ror #8\n\t"                                               \
                         "strd    %[a], %[b], [%[w], #3*" #CS "]\n\t"                                   \
                         "str     %[a], [%[t], #3*" #CS "]\n\t"                                         \
                         "add     %[w], %[w], #" #GS "\n\t"                                             \
                         "add     %[t], %[t], #" #GS "\n\t"                                             \
                         "subs    %[n], %[n], #1\n\t"                                                   \
                         "bne     1b"                                                                 \
                         : [p] "+r"(p), [w] "+r"(word), [t] "+r"(third), [n] "+r"(pairs), [a] "=&r"(a),  \
                           [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d), [e] "=&r"(e), [f] "=&r"(f),         \
                           [g] "=&r"(g), [h] "=&r"(h)                                                    \
                         : [s] "r"(step)                                                                \
                         : "cc", "memory");                                                             \
    }
#else
#define TD_PLANES_PAIRS(name, CS, GS)                                                                    \
    static void name(const int8_t *p, int32_t step, td_word *word, int32_t pairs)                       \
    {                                                                                                   \
        for (; pairs > 0; --pairs) {                                                                    \
            td_planes_word(word, (GS) / 4, (CS) / 4, 2, 0x7fffffff, td_read_u32(p), td_read_u32(p + step));      \
            td_planes_word(word + 1, (GS) / 4, (CS) / 4, 3, 0x7fffffff, td_read_u32(p + 2 * step),           \
                           td_read_u32(p + 3 * step));                                                  \
            p += 4 * step;                                                                              \
            word += (GS) / 4;                                                                           \
        }                                                                                               \
    }
#endif
/* The ring (3 slots of 3 words per channel) and the whole plane (TD_PLANES_WHOLE_SLOTS slots). */
TD_PLANES_PAIRS(td_planes_pairs_ring, 36, 144)
TD_PLANES_PAIRS(td_planes_pairs_whole, 84, 336)

/**
 * Input row `row` (position 0, the block's channel 0; `step` bytes between positions, `length`
 * positions) into the slot at `slot` (group 0, channel 0, word 0): the words with a position inside
 * the image (the others hold the zero point already); whole pairs of words from m = 2 on in
 * assembly, the rest one word at a time.
 */
static void td_planes_widen(const int8_t *row,
                            int32_t step,
                            int32_t length,
                            int32_t padding,
                            int32_t words,
                            int32_t whole,
                            td_word *slot,
                            uint32_t zero4)
{
    const int32_t group_words = whole ? 12 * TD_PLANES_WHOLE_SLOTS : 36, cw = whole ? 3 * TD_PLANES_WHOLE_SLOTS : 9;
    /* Words touching the image: [first, end); both positions inside: [inner, inner_end). */
    const int32_t first = padding >> 1;
    const int32_t end = td_min_i32((padding + length + 1) >> 1, words);
    const int32_t inner = (padding + 1) >> 1;
    const int32_t inner_end = td_min_i32((padding + length) >> 1, words);
    /* Pairs in assembly: [pair_start, pair_start + 2 * pairs). */
    const int32_t pair_start = td_max_i32(2, (inner + 1) & ~1);
    const int32_t pairs = td_max_i32(0, (inner_end - pair_start) >> 1);
    int32_t m;
    if (pairs > 0) {
        const int8_t *const p = row + (2 * pair_start - padding) * step;
        td_word *const word = slot + group_words * (pair_start >> 1);
        if (whole) {
            td_planes_pairs_whole(p, step, word, pairs);
        } else {
            td_planes_pairs_ring(p, step, word, pairs);
        }
    }
    for (m = first; m < end; ++m) {
        const int32_t x = 2 * m - padding;
        td_word *const word = slot + group_words * (m >> 1) + (m & 1);
        uint32_t p0, p1;
        if (pairs > 0 && m == pair_start) {
            m += 2 * pairs - 1;
            continue;
        }
        p0 = x >= 0 ? td_read_u32(row + x * step) : zero4;
        p1 = x + 1 < length ? td_read_u32(row + (x + 1) * step) : zero4;
        td_planes_word(word, group_words, cw, m, words, p0, p1);
    }
}

/** Fills one slot of the four channels (every group) with the zero point. */
static void td_planes_fill(td_word *slot, int32_t groups, int32_t group_words, uint32_t zero)
{
    int32_t g, c;
    for (g = 0; g < groups; ++g) {
        for (c = 0; c < 4; ++c) {
            slot[9 * c] = zero;
            slot[9 * c + 1] = zero;
            slot[9 * c + 2] = zero;
        }
        slot += group_words;
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
 * The records of the block's four channels (`rotations`: 3 for the ring, 1 for the whole plane);
 * 0 when one of them is not in the fast requantization (the block then runs the portable loop).
 */
TD_NOINLINE static int td_planes_records(const td_depthwise_conv_params *params,
                             const td_per_channel_quant *quant,
                             const int8_t *filter,
                             const int32_t *bias,
                             int32_t channels,
                             int32_t block,
                             int32_t transposed,
                             int32_t rotations,
                             int32_t jump,
                             td_planes_record *record)
{
    int32_t c, r, i;
    for (c = block; c < block + 4; ++c) {
        const td_channel_requant requant = td_planes_requant(params, quant, filter, bias, channels, c);
        const int8_t *const f = filter + c;
        const int32_t across = transposed ? channels : 3 * channels, along = transposed ? 3 * channels : channels;
        const int32_t doubled = (int32_t)((uint32_t)requant.bias << 1);
        td_word rows[10]; /* filter rows 0, 1, 2, 0, 1 as (2w0, 2w1), (2w1, 2w2) */
        if (requant.right_shift == 0) {
            return 0;
        }
        for (r = 0; r < 3; ++r) {
            const int8_t *const w = f + r * across;
            const int32_t w0 = 2 * w[0], w1 = 2 * w[along], w2 = 2 * w[2 * along];
            rows[2 * r] = td_pack16(w0, w1);
            rows[2 * r + 1] = td_pack16(w1, w2);
        }
        rows[6] = rows[0];
        rows[7] = rows[1];
        rows[8] = rows[2];
        rows[9] = rows[3];
        for (r = 0; r < rotations; ++r) {
            record->bias[0] = record->bias[1] = record->bias[2] = record->bias[3] = doubled;
            for (i = 0; i < 6; ++i) {
                record->taps[i] = rows[2 * r + i];
            }
            record->rounding = requant.rounding;
            record->multiplier = requant.multiplier;
            record->right_shift = requant.right_shift;
            record->jump = jump;
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
    const td_planes_shape shape = td_planes_shape_of(input_dims);
    const int32_t channels = input_dims->c;
    const int32_t t = shape.transposed;
    /* Along a row (a) and across rows (b). */
    const int32_t length = t ? input_dims->h : input_dims->w, rows = t ? input_dims->w : input_dims->h;
    const int32_t out_length = t ? output_dims->h : output_dims->w, out_rows = t ? output_dims->w : output_dims->h;
    const int32_t pad_a = t ? params->padding.h : params->padding.w, pad_b = t ? params->padding.w : params->padding.h;
    const int32_t in_step = t ? input_dims->w * channels : channels, in_row_step = t ? channels : input_dims->w * channels;
    const int32_t out_step = t ? output_dims->w * channels : channels, out_row_step = t ? channels : output_dims->w * channels;
    const int32_t groups = (out_length + 3) / 4, words = 2 * groups + 1;
    const int32_t group_words = 12 * shape.slots;
    const int32_t rotations = t ? 1 : 3;
    td_word *const planes = (td_word *)ctx->buf;
    td_planes_record *const records = (td_planes_record *)(void *)(planes + shape.groups * group_words);
    const int8_t zp = (int8_t)(-params->input_offset);
    const uint32_t zero4 = (uint32_t)(uint8_t)zp * 0x01010101u;
    const uint32_t zero = td_pack16(zp, zp);
    td_planes_row job;
    int32_t batch, block, y, i;
    job.out_step = out_step;
    job.record_step = rotations * (int32_t)sizeof(td_planes_record);
    job.channel_step = 12 * shape.slots;
    job.groups = out_length / 4;
    job.last = 4;
    job.pair = out_length % 4;
    if (job.pair == 3) {
        ++job.groups;
        job.last = 3;
        job.pair = 0;
    }
    /* Positions outside the image hold the zero point and stay so. */
    for (i = 0; i < groups * group_words; ++i) {
        planes[i] = zero;
    }
    /* Channel blocks outermost, each over the batches' pixels in order (an output placed over its input, channel by channel). */
    for (block = 0; block < channels; block += 4) {
        if (!td_planes_records(params, quant, filter, bias, channels, block, t, rotations, 4 * (group_words - 9),
                               records)) {
            td_depthwise_planes_portable(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                                         block, block + 4);
            continue;
        }
        for (batch = 0; batch < output_dims->n; ++batch) {
            const int8_t *const batch_input = input + batch * input_dims->h * input_dims->w * channels;
            int8_t *const batch_output = output + batch * output_dims->h * output_dims->w * channels;
            if (t) {
                /* The whole padded plane: input row i in slot i + pad_b. */
                for (i = 0; i < rows; ++i) {
                    td_planes_widen(batch_input + i * in_row_step + block, in_step, length, pad_a, words, 1,
                                    planes + 3 * (i + pad_b), zero4);
                }
                for (y = 0; y < out_rows; ++y) {
                    job.plane = planes + 3 * y;
                    job.out = batch_output + y * out_row_step + block;
                    job.records = records;
                    td_depthwise_planes_row(&job);
                }
            } else {
                /* A ring: input row i in slot (i + 3) mod 3 (i >= -2). */
                int32_t slot = (3 - pad_b) % 3;
                for (i = -pad_b; i < out_rows - pad_b + 2; ++i) {
                    td_word *const place = planes + 3 * slot;
                    if (i < 0 || i >= rows) {
                        td_planes_fill(place, groups, group_words, zero);
                    } else {
                        td_planes_widen(batch_input + i * in_row_step + block, in_step, length, pad_a, words, 0,
                                        place, zero4);
                    }
                    slot = slot == 2 ? 0 : slot + 1;
                    if (i >= 2 - pad_b) {
                        /* Output row y = i - 2 + pad_b: its first input row is in `slot` now (the oldest). */
                        y = i - 2 + pad_b;
                        job.plane = planes;
                        job.out = batch_output + y * out_row_step + block;
                        job.records = records + (3 - slot) % 3;
                        td_depthwise_planes_row(&job);
                    }
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
    const td_planes_shape shape = td_planes_shape_of(input_dims);
    int ok = filter_dims->h == 3 && filter_dims->w == 3 && params->stride.h == 1 && params->stride.w == 1 &&
             params->dilation.h == 1 && params->dilation.w == 1 && params->depth_multiplier == 1 &&
             input_dims->c == channels && channels % 4 == 0 && params->activation.min == -128 &&
             params->activation.max == 127 && params->padding.h <= 1 && params->padding.w <= 1 &&
             output_dims->h == input_dims->h + 2 * params->padding.h - 2 &&
             output_dims->w == input_dims->w + 2 * params->padding.w - 2 && output_dims->h > 0 && output_dims->w > 0 &&
             ctx != NULL && ctx->buf != NULL && ctx->size >= td_planes_bytes(&shape);
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
        td_depthwise_planes_portable(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                                     output_dims->c);
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
    td_depthwise_planes_portable(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                                     output_dims->c);
    return TD_OK;
}

#endif
