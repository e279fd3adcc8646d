/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP variant. Overrides src/conv/td_depthwise_conv2d_s8.c by
 * name and gives the same bits (see td_depthwise_conv2d_s8_reference.h).
 *
 * With depth multiplier 1, channels go four at a time, channel block outermost (the channel
 * blocking of CMSIS-NN's arm_depthwise_conv_s8_opt, organised around rows instead of patches):
 *  - the block's filter taps are expanded once into int16 words (c0, c2) and (c1, c3), the
 *    lanes SXTB16 extracts, and its four channels' bias, multiplier and shifts prepared once
 *    (td_channel_requant, td_dsp.h);
 *  - the input rows a window needs are expanded the same way, input offset added, into a ring
 *    of K_h rows whose padding positions (and rows outside the image) hold 0, what the
 *    reference's skipped taps contribute. Every output pixel then runs the same taps without
 *    bounds checks: per tap two double-word loads and SMLABB/SMLATT into four channels, per
 *    output SMMLAR and three more instructions (the output offset folded into the rounding,
 *    td_channel_requant_folded_of). An input row is expanded once per channel block
 *    (stride <= K_h);
 *  - a 3x3 filter (dilation 1), the usual case, runs its output rows in assembly
 *    (td_depthwise_row_3x3), its taps and biases doubled so that the sums need no doubling
 *    before SMMLAR, over three ring rows that slide down an input row at a time
 *    (td_depthwise_rows_3x3); an activation narrower than the int8 range is applied once over
 *    the block's outputs afterwards (td_depthwise_clamp_4, four bytes a word);
 *  - any other filter of up to 16 rows and 8 columns runs its pixels in assembly too
 *    (td_depthwise_pixels_any: taps and biases doubled, per filter row a jump into an unrolled
 *    run of taps at the width's entry, the activation applied to the four packed bytes), its
 *    blocks in td_depthwise_blocks_any, which sets the pixels' job once per call; with depth
 *    multiplier 1 an output row's new input rows inside the image are expanded in one call
 *    (td_depthwise_expand_run, four positions an STM); an undilated window's rows outside the
 *    image (padding above and below) are neither expanded nor run, their taps adding only w * 0.
 * Both need the fast requantization on the block's four channels; a block without it goes
 * one channel at a time (td_depthwise_channels, the portable loop).
 * A depth multiplier M > 1 takes the same path when the output does not overlap the input: a
 * block's four output channels read input channels o / M when the rows are expanded (the taps
 * are the same): one or two channels (M >= 2 from a block aligned to them, M >= 3 any) from one
 * LDRB or LDRH per position, SXTAB16 widening them into the lanes (two positions a turn in
 * assembly); three or four byte by byte.
 * Channels beyond a multiple of four run as one more block of the last four channels (which
 * computes again some the block before it wrote, with the same bytes), or, when the output lies
 * over the input, the portable loop one channel at a time. Fewer than four channels, more than 16
 * filter rows or 8 columns and a dilation along the row take td_depthwise_paired (the filter's
 * taps paired in int16 lanes, the input read with the tap step, border windows from rows padded
 * with the zero point); an output of a single pixel, and a requantization outside the fast form
 * there, take td_depthwise_direct (four channels a tap, no set-up). The generator calls
 * td_depthwise_conv2d_s8_paired for all these shapes (and for outputs one pixel wide of at most
 * four rows with fewer than 9 window taps in all or, but for 3x3 windows, 8 channels or more,
 * which the blocks take but the paired taps run faster: depthwisePaired in the generator);
 * td_depthwise_conv2d_s8 runs them with the portable kernel's loop one channel at a time.
 *
 * td_depthwise_conv2d_s8_3x3 is the same blocks with the 3x3 rows alone (any other window one channel at a time): the
 * generator's entry for a model whose depthwise layers are all 3x3, which then links neither td_depthwise_blocks_any
 * nor td_depthwise_pixels_any.
 *
 * Scratch (get_buffer_size): the expanded filter block (8 bytes per tap), the four channels'
 * requantization (td_depthwise_block_requant, 64 bytes), two words of strides for the
 * assembly, and the ring: K_h rows of 8 bytes per position of the span the window sweeps (input
 * width + K_w - 1 with SAME or VALID padding).
 */
#include "../../conv/td_depthwise_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** The most filter rows the ring of expanded rows holds (larger filters take the portable loop; 16 covers the 10x8 keyword-spotting filters). */
#define TD_DEPTHWISE_MAX_ROWS 16
/** The most filter columns td_depthwise_pixels_any's unrolled taps cover (wider filters take the slower loop). */
#define TD_DEPTHWISE_MAX_COLUMNS 8
/**
 * The fewest output pixels (per batch) the channel blocks take: a block's set-up (its taps widened, its
 * requantization, its rows expanded) costs more than the portable loop over a single pixel (virtual-m4f: a 5x5 VALID
 * window over 5x5x72, one pixel, 23,160 instructions against 17,840; two pixels already favour the blocks, 0.87-0.90).
 */
#define TD_DEPTHWISE_MIN_PIXELS 2

/**
 * A channel block's requantization as the assembly reads it (td_channel_requant's fields, the
 * biases together so that two LDRD load them, doubled as the taps are).
 */
typedef struct {
    int32_t bias[4];
    struct {
        int32_t multiplier;
        int32_t right_shift;
        int32_t rounding;
    } channel[4];
} td_depthwise_block_requant;

/** Words of scratch for a filter of K_h x K_w and rows of `span` positions (see the top). */
TD_INLINE int32_t td_depthwise_scratch_words(int32_t filter_h, int32_t filter_w, int32_t span)
{
    return 2 * filter_h * filter_w + (int32_t)(sizeof(td_depthwise_block_requant) / sizeof(uint32_t)) + 2 +
           2 * filter_h * span;
}

/** Bytes of a copy of the input, for a depth multiplier > 1 whose output lies over its input (see td_depthwise_conv2d_s8). */
TD_INLINE int32_t td_depthwise_copy_bytes(const td_dims *input_dims, const td_dims *filter_dims)
{
    return filter_dims->c != input_dims->c ? (td_dims_count(input_dims) + 3) & ~3 : 0;
}

int32_t td_depthwise_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    const int32_t span = input_dims->w + filter_dims->w - 1;
    return td_depthwise_scratch_words(filter_dims->h, filter_dims->w, span) * (int32_t)sizeof(uint32_t) +
           td_depthwise_copy_bytes(input_dims, filter_dims);
}

/**
 * How input rows of one channel block become ring rows: the positions [first, first + count)
 * of a ring row lie inside the image; the others are padding, zeroed once per call and never
 * written again.
 */
typedef struct {
    const int8_t *input; /* the batch's first row, at the block's first channel, position `first` */
    int32_t row_size;    /* elements between input rows (W * C) */
    int32_t height;      /* input rows */
    int32_t channels;    /* elements between input positions (C) */
    int32_t first;       /* first ring position inside the image */
    int32_t count;       /* ring positions inside the image */
    uint32_t offsets;    /* the input offset in both int16 lanes */
    int32_t gather;      /* depth multiplier > 1: the block's four output channels read input channels lane[0..3] */
    int32_t lane[4];     /* input channel of each of the block's output channels, relative to `input` */
} td_depthwise_expansion;

/** Two bytes from any address, the first in the low byte (one LDRH on the target). */
TD_INLINE uint32_t td_depthwise_read_u16(const int8_t *address)
{
    uint16_t value;
    memcpy(&value, address, sizeof(value));
    return value;
}

/**
 * The inside positions of input row `values` (at the block's first input channel) into ring words [words, end) for a
 * depth multiplier > 1 (td_depthwise_expand_row). Out of line, so that the multiplier-1 path keeps its short branch.
 */
TD_NOINLINE static void td_depthwise_gather_row(const td_depthwise_expansion *expansion,
                                                const int8_t *values,
                                                td_word *words,
                                                td_word *const end)
{
    const int32_t channels = expansion->channels;
    const uint32_t offsets = expansion->offsets;
    /* Depth multiplier > 1: output channel o reads input channel o / M, so the four lanes
     * repeat input bytes (M = 2: c, c, c+1, c+1; M >= 4: one channel four times); three or
     * four channels (a block of M = 2 or 3 that starts inside a channel's outputs) are gathered
     * byte by byte. */
    const int32_t lane1 = expansion->lane[1], lane2 = expansion->lane[2], lane3 = expansion->lane[3];
    if (lane3 <= 1) {
        /* At most two input channels, a = values[0] and b = values[1] (lanes 0 0 0 0, 0 0 0 1, 0 0 1 1 or
         * 0 1 1 1): one or two bytes read as a halfword h = a | b << 8, and each word's two lanes the bytes 0
         * and 2 (SXTAB16, the offset added) of h | h << 8 (a, b), of h | h << 16 (a, a), or its bytes 1 and 3
         * (b, b). */
        const int32_t pattern = lane1 + lane2 + lane3;
        if (pattern == 0 || pattern == 2) {
            /* Both words the same, (a, a) or (a, b). */
#if TD_DSP_ASM
            /* Two positions a turn (an odd count starts with one): 11 instructions. */
            uint32_t first, second;
#define TD_DEPTHWISE_EXPAND_SAME(load, shift)                                                             \
    __asm__ volatile("tst     %[bytes], #8\n\t"                                                             \
                     "beq     2f\n\t"                                                                       \
                     load "   %[f], [%[v]]\n\t"                                                             \
                     "add     %[v], %[v], %[c]\n\t"                                                         \
                     "orr     %[f], %[f], %[f], lsl #" shift "\n\t"                                         \
                     "sxtab16 %[f], %[off], %[f]\n\t"                                                       \
                     "strd    %[f], %[f], [%[w]], #8\n\t"                                                   \
                     "cmp     %[w], %[end]\n\t"                                                             \
                     "beq     3f\n"                                                                          \
                     "2:\n\t" load "   %[f], [%[v]]\n\t" load "   %[g], [%[v], %[c]]\n\t"                  \
                     "add     %[v], %[v], %[c], lsl #1\n\t"                                                 \
                     "orr     %[f], %[f], %[f], lsl #" shift "\n\t"                                         \
                     "orr     %[g], %[g], %[g], lsl #" shift "\n\t"                                         \
                     "sxtab16 %[f], %[off], %[f]\n\t"                                                       \
                     "sxtab16 %[g], %[off], %[g]\n\t"                                                       \
                     "strd    %[f], %[f], [%[w]], #16\n\t"                                                  \
                     "strd    %[g], %[g], [%[w], #-8]\n\t"                                                  \
                     "cmp     %[w], %[end]\n\t"                                                             \
                     "bne     2b\n"                                                                          \
                     "3:"                                                                                   \
                     : [v] "+r"(values), [w] "+r"(words), [f] "=&r"(first), [g] "=&r"(second)             \
                     : [end] "r"(end), [off] "r"(offsets), [c] "r"(channels),                              \
                       [bytes] "r"((const char *)end - (const char *)words)                                \
                     : "cc", "memory")
            if (words == end) {
                return;
            }
            if (pattern == 0) {
                TD_DEPTHWISE_EXPAND_SAME("ldrb", "16");
            } else {
                TD_DEPTHWISE_EXPAND_SAME("ldrh", "8");
            }
#undef TD_DEPTHWISE_EXPAND_SAME
#else
            for (; words != end; words += 2) {
                const uint32_t h = pattern == 0 ? (uint8_t)values[0] : td_depthwise_read_u16(values);
                const uint32_t same = td_sxtab16(offsets, h | (h << (pattern == 0 ? 16 : 8)));
                words[0] = same;
                words[1] = same;
                values += channels;
            }
#endif
        } else {
            /* Lanes 0 0 0 1: words (a, a) and (a, b); 0 1 1 1: (a, b) and (b, b). */
#if TD_DSP_ASM
            /* Two positions a turn (an odd count starts with one): 15 instructions. g = h | h << 16 gives
             * (a, a) from its bytes 0 and 2, (b, b) from 1 and 3; f = h | h << 8 gives (a, b). */
            uint32_t f, g, p, q;
#define TD_DEPTHWISE_EXPAND_TWO(rotate, first, second, third, fourth)                                      \
    __asm__ volatile("tst     %[bytes], #8\n\t"                                                             \
                     "beq     2f\n\t"                                                                       \
                     "ldrh    %[f], [%[v]]\n\t"                                                             \
                     "add     %[v], %[v], %[c]\n\t"                                                         \
                     "orr     %[g], %[f], %[f], lsl #16\n\t"                                                \
                     "orr     %[f], %[f], %[f], lsl #8\n\t"                                                 \
                     "sxtab16 %[g], %[off], %[g]" rotate "\n\t"                                             \
                     "sxtab16 %[f], %[off], %[f]\n\t"                                                       \
                     "strd    %[" first "], %[" second "], [%[w]], #8\n\t"                                  \
                     "cmp     %[w], %[end]\n\t"                                                             \
                     "beq     3f\n"                                                                          \
                     "2:\n\t"                                                                               \
                     "ldrh    %[f], [%[v]]\n\t"                                                             \
                     "ldrh    %[p], [%[v], %[c]]\n\t"                                                       \
                     "add     %[v], %[v], %[c], lsl #1\n\t"                                                 \
                     "orr     %[g], %[f], %[f], lsl #16\n\t"                                                \
                     "orr     %[f], %[f], %[f], lsl #8\n\t"                                                 \
                     "orr     %[q], %[p], %[p], lsl #16\n\t"                                                \
                     "orr     %[p], %[p], %[p], lsl #8\n\t"                                                 \
                     "sxtab16 %[g], %[off], %[g]" rotate "\n\t"                                             \
                     "sxtab16 %[f], %[off], %[f]\n\t"                                                       \
                     "sxtab16 %[q], %[off], %[q]" rotate "\n\t"                                             \
                     "sxtab16 %[p], %[off], %[p]\n\t"                                                       \
                     "strd    %[" first "], %[" second "], [%[w]], #16\n\t"                                 \
                     "strd    %[" third "], %[" fourth "], [%[w], #-8]\n\t"                                 \
                     "cmp     %[w], %[end]\n\t"                                                             \
                     "bne     2b\n"                                                                          \
                     "3:"                                                                                   \
                     : [v] "+r"(values), [w] "+r"(words), [f] "=&r"(f), [g] "=&r"(g), [p] "=&r"(p),        \
                       [q] "=&r"(q)                                                                         \
                     : [end] "r"(end), [off] "r"(offsets), [c] "r"(channels),                              \
                       [bytes] "r"((const char *)end - (const char *)words)                                \
                     : "cc", "memory")
            if (words == end) {
                return;
            }
            if (pattern == 1) {
                TD_DEPTHWISE_EXPAND_TWO("", "g", "f", "q", "p");
            } else {
                TD_DEPTHWISE_EXPAND_TWO(", ror #8", "f", "g", "p", "q");
            }
#undef TD_DEPTHWISE_EXPAND_TWO
#else
            for (; words != end; words += 2) {
                const uint32_t h = td_depthwise_read_u16(values);
                if (pattern == 1) {
                    words[0] = td_sxtab16(offsets, h | (h << 16));
                    words[1] = td_sxtab16(offsets, h | (h << 8));
                } else {
                    words[0] = td_sxtab16(offsets, h | (h << 8));
                    words[1] = td_sxtab16_ror8(offsets, h | (h << 16));
                }
                values += channels;
            }
#endif
        }
        return;
    }
    for (; words != end; words += 2) {
        const uint32_t four = (uint32_t)(uint8_t)values[0] | ((uint32_t)(uint8_t)values[lane1] << 8) |
                              ((uint32_t)(uint8_t)values[lane2] << 16) | ((uint32_t)(uint8_t)values[lane3] << 24);
        words[0] = td_sadd16(td_sxtb16(four), offsets);
        words[1] = td_sadd16(td_sxtb16_ror8(four), offsets);
        values += channels;
    }
}

/** Input row in_y (or zeros outside the image) into the inside positions of a ring row. */
static void td_depthwise_expand_row(const td_depthwise_expansion *expansion, int32_t in_y, td_word *row)
{
    td_word *words = row + 2 * expansion->first;
    td_word *const end = words + 2 * expansion->count;
    if ((uint32_t)in_y >= (uint32_t)expansion->height) { /* outside the image (in_y < 0 included) */
        for (; words != end; words += 2) {
            words[0] = 0;
            words[1] = 0;
        }
    } else {
        const int8_t *values = expansion->input + in_y * expansion->row_size;
        const int32_t channels = expansion->channels;
        const uint32_t offsets = expansion->offsets;
        if (expansion->gather) {
            td_depthwise_gather_row(expansion, values, words, end);
            return;
        }
        if (words == end) {
            return;
        }
#if TD_DSP_ASM
        {
            /* Two positions a turn, SXTAB16 adding the offset as it extends: 11 instructions per two
             * positions (an odd count starts with one). */
            uint32_t four, odd, next, next_odd;
            __asm__ volatile("tst     %[bytes], #8\n\t"
                             "beq     2f\n\t"
                             "ldr     %[f], [%[v]]\n\t"
                             "add     %[v], %[v], %[c]\n\t"
                             "sxtab16 %[o], %[off], %[f], ror #8\n\t"
                             "sxtab16 %[f], %[off], %[f]\n\t"
                             "strd    %[f], %[o], [%[w]], #8\n\t"
                             "cmp     %[w], %[end]\n\t"
                             "beq     3f\n"
                             "2:\n\t"
                             "ldr     %[f], [%[v]]\n\t"
                             "ldr     %[g], [%[v], %[c]]\n\t"
                             "add     %[v], %[v], %[c], lsl #1\n\t"
                             "sxtab16 %[o], %[off], %[f], ror #8\n\t"
                             "sxtab16 %[f], %[off], %[f]\n\t"
                             "sxtab16 %[p], %[off], %[g], ror #8\n\t"
                             "sxtab16 %[g], %[off], %[g]\n\t"
                             "strd    %[f], %[o], [%[w]], #16\n\t"
                             "strd    %[g], %[p], [%[w], #-8]\n\t"
                             "cmp     %[w], %[end]\n\t"
                             "bne     2b\n"
                             "3:"
                             : [v] "+r"(values), [w] "+r"(words), [f] "=&r"(four), [o] "=&r"(odd), [g] "=&r"(next),
                               [p] "=&r"(next_odd)
                             : [end] "r"(end), [off] "r"(offsets), [c] "r"(channels),
                               [bytes] "r"((const char *)end - (const char *)words)
                             : "cc", "memory");
        }
#else
        for (; words != end; words += 2) {
            const uint32_t four = td_read_u32(values);
            words[0] = td_sadd16(td_sxtb16(four), offsets);
            words[1] = td_sadd16(td_sxtb16_ror8(four), offsets);
            values += channels;
        }
#endif
    }
}

/**
 * What td_depthwise_expand_run reads (offsets fixed in its assembly, laid out for its LDRDs): for td_depthwise_blocks_any,
 * `rows` consecutive input rows inside the image of a multiplier-1 block into consecutive ring slots (wrapping after
 * the last), their inside positions only. The block's fields first, then the call's.
 */
typedef struct {
    const int8_t *input;  /* 0: input row 0's first inside position, at the block's first channel */
    int32_t row_size;     /* 4: bytes between input rows */
    td_word *ring;        /* 8: slot 0's first inside position */
    td_word *ring_end;    /* 12: slot K_h's (one past the ring) */
    int32_t ring_bytes;   /* 16: K_h slots */
    int32_t row_bytes;    /* 20: one slot */
    int32_t quads;        /* 24: inside positions / 4 */
    int32_t rest;         /* 28: inside positions % 4 */
    int32_t input_skip;   /* 32: bytes from an input row's position after its last inside one to the next row's first */
    int32_t words_skip;   /* 36: the same in the ring (its padding positions) */
    int32_t channels;     /* 40: bytes between two input positions */
    uint32_t offsets;     /* 44: the input offset in both int16 lanes */
    int32_t in_y;         /* 48: the call's first input row */
    int32_t slot;         /* 52: its slot */
    int32_t rows;         /* 56: rows (>= 1) */
} td_depthwise_run;

#if TD_DSP_ASM
/*
 * td_depthwise_expand_run(run): per row its count % 4 first positions one and two at a time, then four a turn: four
 * LDR (a position's four channels are one word) and eight SXTAB16 adding the offset as they extend into the lanes
 * (c0, c2), (c1, c3), one STM of the eight words: 17 instructions per four positions (td_depthwise_expand_row: 22),
 * 17 more a row and 14 a call (a row through td_depthwise_expand_row costs about 35 besides its positions).
 */
void td_depthwise_expand_run(td_depthwise_run *run);

__asm__(".section .text.td_depthwise_expand_run,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_depthwise_expand_run\n\t"
        ".thumb_func\n\t"
        ".type td_depthwise_expand_run, %function\n"
        "td_depthwise_expand_run:\n\t"
        "push    {r4-r11, lr}\n\t"
        "mov     lr, r0\n\t"
        "ldrd    r0, r4, [lr]\n\t"
        "ldrd    r5, r6, [lr, #48]\n\t"
        "mla     r0, r4, r5, r0\n\t"
        "ldr     r1, [lr, #8]\n\t"
        "ldr     r4, [lr, #20]\n\t"
        "mla     r1, r4, r6, r1\n\t"
        "ldrd    r2, r12, [lr, #40]\n"
        "1:\n\t"
        "ldrd    r3, r4, [lr, #24]\n\t"
        "tst     r4, #1\n\t"
        "beq     2f\n\t"
        "ldr     r5, [r0]\n\t"
        "add     r0, r0, r2\n\t"
        "sxtab16 r6, r12, r5, ror #8\n\t"
        "sxtab16 r5, r12, r5\n\t"
        "strd    r5, r6, [r1], #8\n"
        "2:\n\t"
        "tst     r4, #2\n\t"
        "beq     3f\n\t"
        "ldr     r4, [r0]\n\t"
        "ldr     r6, [r0, r2]\n\t"
        "add     r0, r0, r2, lsl #1\n\t"
        "sxtab16 r5, r12, r4, ror #8\n\t"
        "sxtab16 r4, r12, r4\n\t"
        "sxtab16 r7, r12, r6, ror #8\n\t"
        "sxtab16 r6, r12, r6\n\t"
        "stm     r1!, {r4-r7}\n"
        "3:\n\t"
        "cbz     r3, 5f\n"
        "4:\n\t"
        "ldr     r4, [r0]\n\t"
        "ldr     r6, [r0, r2]\n\t"
        "add     r0, r0, r2, lsl #1\n\t"
        "ldr     r8, [r0]\n\t"
        "ldr     r10, [r0, r2]\n\t"
        "add     r0, r0, r2, lsl #1\n\t"
        "sxtab16 r5, r12, r4, ror #8\n\t"
        "sxtab16 r4, r12, r4\n\t"
        "sxtab16 r7, r12, r6, ror #8\n\t"
        "sxtab16 r6, r12, r6\n\t"
        "sxtab16 r9, r12, r8, ror #8\n\t"
        "sxtab16 r8, r12, r8\n\t"
        "sxtab16 r11, r12, r10, ror #8\n\t"
        "sxtab16 r10, r12, r10\n\t"
        "stm     r1!, {r4-r11}\n\t"
        "subs    r3, r3, #1\n\t"
        "bne     4b\n"
        "5:\n\t"
        "ldrd    r4, r5, [lr, #32]\n\t"
        "add     r0, r0, r4\n\t"
        "add     r1, r1, r5\n\t"
        "ldrd    r4, r5, [lr, #12]\n\t"
        "cmp     r1, r4\n\t"
        "it      hs\n\t"
        "subhs   r1, r1, r5\n\t"
        "ldr     r4, [lr, #56]\n\t"
        "subs    r4, r4, #1\n\t"
        "str     r4, [lr, #56]\n\t"
        "bne     1b\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_depthwise_expand_run, . - td_depthwise_expand_run\n\t"
        ".text");
#else
/** td_depthwise_expand_run's C twin (the same words). */
static void td_depthwise_expand_run(td_depthwise_run *run)
{
    const int8_t *values = run->input + run->in_y * run->row_size;
    td_word *words = run->ring + run->slot * (run->row_bytes / (int32_t)sizeof(td_word));
    const int32_t count = 4 * run->quads + run->rest;
    int32_t position;
    do {
        for (position = 0; position < count; ++position) {
            const uint32_t four = td_read_u32(values);
            words[0] = td_sadd16(td_sxtb16(four), run->offsets);
            words[1] = td_sadd16(td_sxtb16_ror8(four), run->offsets);
            words += 2;
            values += run->channels;
        }
        values += run->input_skip;
        words += run->words_skip / (int32_t)sizeof(td_word);
        if (words >= run->ring_end) {
            words -= run->ring_bytes / (int32_t)sizeof(td_word);
        }
    } while (--run->rows != 0);
}
#endif

/** The bias/requantization of channel c (0 bias when there is none). */
TD_INLINE td_channel_requant td_depthwise_requant(const td_depthwise_conv_params *params,
                                                  const td_per_channel_quant *quant,
                                                  const int32_t *bias,
                                                  int32_t c,
                                                  int32_t taps)
{
    return td_channel_requant_folded_of(bias != NULL ? bias[c] : 0, quant->multiplier[c], quant->shift[c],
                                        params->output_offset, taps);
}

/*
 * td_depthwise_row_3x3(row0, row1, row2, block, out, pixels): `pixels` (>= 1) output pixels of
 * a channel block along a row, 3x3 filter (dilation 1), fast requantization and the full int8
 * range. `block` is the scratch's start: the 9 expanded taps (72 bytes), the block's
 * td_depthwise_block_requant (four biases, then multiplier, right shift and rounding per
 * channel; 64 bytes), then the output channel count and the bytes between two pixels' input
 * positions (stride * 8). The taps and the biases are doubled (td_depthwise_blocks), so the sums
 * are already td_requant_fast's 2 * acc: |acc| < 2^30 in the fast form, so 2 * acc fits, and the
 * taps' int16 lanes hold 2 * w (at most 256 in magnitude). In assembly on the target (the
 * compiler spills and does not pair the loads): per tap two LDRD and four SMLAxy, per channel
 * SMMLAR and five more instructions, 92 per pixel for 36 multiply-accumulates.
 */
#if TD_DSP_ASM
#define TD_DEPTHWISE_ASM_TAP(row, row_offset, filter_offset)                               \
    "ldrd    %[ie], %[io], [%[" row "], #" row_offset "]\n\t"                            \
    "ldrd    %[fe], %[fo], [%[blk], #" filter_offset "]\n\t"                             \
    "smlabb  %[a0], %[ie], %[fe], %[a0]\n\t"                                              \
    "smlatt  %[a2], %[ie], %[fe], %[a2]\n\t"                                              \
    "smlabb  %[a1], %[io], %[fo], %[a1]\n\t"                                              \
    "smlatt  %[a3], %[io], %[fo], %[a3]\n\t"
#define TD_DEPTHWISE_ASM_FINISH(acc, multiplier_offset, rounding_offset)                   \
    "ldrd    %[fe], %[fo], [%[blk], #" multiplier_offset "]\n\t"                          \
    "ldr     %[ie], [%[blk], #" rounding_offset "]\n\t"                                   \
    "add     %[io], %[ie], %[" acc "], asr #31\n\t"                                       \
    "smmlar  %[" acc "], %[" acc "], %[fe], %[io]\n\t"                                    \
    "asr     %[" acc "], %[" acc "], %[fo]\n\t"                                           \
    "ssat    %[" acc "], #8, %[" acc "]\n\t"

TD_INLINE void td_depthwise_row_3x3(const td_word *row0,
                                    const td_word *row1,
                                    const td_word *row2,
                                    const td_word *block,
                                    int8_t *out,
                                    int32_t pixels)
{
    int32_t acc0, acc1, acc2, acc3;
    uint32_t input_even, input_odd, filter_even, filter_odd;
    __asm__ volatile("1:\n\t"
                     "ldrd    %[a0], %[a1], [%[blk], #72]\n\t"
                     "ldrd    %[a2], %[a3], [%[blk], #80]\n\t"
                     TD_DEPTHWISE_ASM_TAP("r0", "0", "0")
                     TD_DEPTHWISE_ASM_TAP("r0", "8", "8")
                     TD_DEPTHWISE_ASM_TAP("r0", "16", "16")
                     TD_DEPTHWISE_ASM_TAP("r1", "0", "24")
                     TD_DEPTHWISE_ASM_TAP("r1", "8", "32")
                     TD_DEPTHWISE_ASM_TAP("r1", "16", "40")
                     TD_DEPTHWISE_ASM_TAP("r2", "0", "48")
                     TD_DEPTHWISE_ASM_TAP("r2", "8", "56")
                     TD_DEPTHWISE_ASM_TAP("r2", "16", "64")
                     TD_DEPTHWISE_ASM_FINISH("a0", "88", "96")
                     TD_DEPTHWISE_ASM_FINISH("a1", "100", "108")
                     TD_DEPTHWISE_ASM_FINISH("a2", "112", "120")
                     TD_DEPTHWISE_ASM_FINISH("a3", "124", "132")
                     "ldrd    %[fe], %[fo], [%[blk], #136]\n\t"
                     "strb    %[a0], [%[out]]\n\t"
                     "strb    %[a1], [%[out], #1]\n\t"
                     "strb    %[a2], [%[out], #2]\n\t"
                     "strb    %[a3], [%[out], #3]\n\t"
                     "add     %[r0], %[r0], %[fo]\n\t"
                     "add     %[r1], %[r1], %[fo]\n\t"
                     "add     %[r2], %[r2], %[fo]\n\t"
                     "add     %[out], %[out], %[fe]\n\t"
                     "subs    %[n], %[n], #1\n\t"
                     "bne     1b"
                     : [a0] "=&r"(acc0), [a1] "=&r"(acc1), [a2] "=&r"(acc2), [a3] "=&r"(acc3),
                       [ie] "=&r"(input_even), [io] "=&r"(input_odd), [fe] "=&r"(filter_even),
                       [fo] "=&r"(filter_odd), [r0] "+r"(row0), [r1] "+r"(row1), [r2] "+r"(row2),
                       [out] "+r"(out), [n] "+r"(pixels)
                     : [blk] "r"(block)
                     : "cc", "memory");
}
#define TD_DEPTHWISE_HAS_ROW_3X3 1
#else
#define TD_DEPTHWISE_HAS_ROW_3X3 0
#endif

#if TD_DEPTHWISE_HAS_ROW_3X3
/**
 * The activation on `pixels` (>= 1) outputs of four channels, `step` bytes apart, after td_depthwise_row_3x3 wrote
 * them at the full int8 range: per output one LDR, SSUB8/SEL against each bound in every byte and one STR (10
 * instructions, where td_depthwise_pixels_any's set-up and row loop cost more over rows of a few outputs).
 */
TD_NOINLINE static void td_depthwise_clamp_4(int8_t *out, int32_t pixels, int32_t step, uint32_t low, uint32_t high)
{
    uint32_t value, flags;
    __asm__ volatile("1:\n\t"
                     "ldr     %[v], [%[out]]\n\t"
                     "ssub8   %[f], %[v], %[low]\n\t"
                     "sel     %[v], %[v], %[low]\n\t"
                     "ssub8   %[f], %[high], %[v]\n\t"
                     "sel     %[v], %[v], %[high]\n\t"
                     "str     %[v], [%[out]]\n\t"
                     "add     %[out], %[out], %[step]\n\t"
                     "subs    %[n], %[n], #1\n\t"
                     "bne     1b"
                     : [v] "=&r"(value), [f] "=&r"(flags), [out] "+r"(out), [n] "+r"(pixels)
                     : [step] "r"(step), [low] "r"(low), [high] "r"(high)
                     : "cc", "memory");
}

/**
 * Every output row of one channel block of a 3x3 filter (dilation 1) whose four channels are in
 * the fast requantization (taps and biases doubled, see td_depthwise_row_3x3): three ring rows
 * that slide down one input row at a time (each expanded once), the assembly per output row (an
 * activation narrower than the int8 range then goes over the block's outputs once, td_depthwise_clamp_4). Out of line, as td_depthwise_block_requants: the
 * deepest stack through this path stays that of its row expansion.
 */
TD_NOINLINE static void td_depthwise_rows_3x3(const td_depthwise_expansion *expansion,
                                              td_word *ring,
                                              int32_t row_words,
                                              int32_t stride_h,
                                              int32_t padding_h,
                                              int32_t output_h,
                                              int32_t output_w,
                                              int32_t output_row_size,
                                              td_word *block,
                                              int8_t *out)
{
    td_word *row0 = ring, *row1 = ring + row_words, *row2 = ring + 2 * row_words;
    int32_t in_y = -padding_h;
    int32_t out_y, step;
    td_depthwise_expand_row(expansion, in_y, row0);
    td_depthwise_expand_row(expansion, in_y + 1, row1);
    td_depthwise_expand_row(expansion, in_y + 2, row2);
    for (out_y = 0;;) {
        td_depthwise_row_3x3(row0, row1, row2, block, out, output_w);
        if (++out_y == output_h) {
            break;
        }
        out += output_row_size;
        for (step = 0; step < stride_h; ++step) {
            td_word *const free_row = row0;
            row0 = row1;
            row1 = row2;
            row2 = free_row;
            ++in_y;
            td_depthwise_expand_row(expansion, in_y + 2, row2);
        }
    }
}
#endif

/**
 * What td_depthwise_pixels_any reads (offsets fixed in its assembly), laid out for its LDMs: the filter height, the
 * window's ring rows (each at the output row's first pixel), the doubled taps (td_depthwise_blocks) and the four
 * channels' doubled biases (one LDM a pixel; the biases and the requantization are td_depthwise_block_requants'); the four channels' multiplier, right shift and rounding (two LDMs); the
 * output and its pixel count (both advanced), the bytes between two pixels' input positions (stride * 8) and between
 * two output pixels, the activation's bounds in every byte (one LDM); then the filter width and the entry into the
 * unrolled taps (written by the assembly).
 */
typedef struct {
    int32_t filter_h;                  /* 0 */
    const td_word *const *rows;        /* 4 */
    const td_word *taps;               /* 8 */
    td_depthwise_block_requant requant; /* 12: doubled biases, then per channel multiplier, right shift, rounding */
    int8_t *out;                       /* 76 */
    int32_t pixels;             /* 80 */
    int32_t step;               /* 84 */
    int32_t channels;           /* 88 */
    uint32_t low;               /* 92: activation.min in each byte */
    uint32_t high;              /* 96: activation.max in each byte */
    int32_t filter_w;           /* 100 */
    uint32_t entry;             /* 104 */
} td_depthwise_job;

#if TD_DSP_ASM
/*
 * td_depthwise_pixels_any(job): `pixels` (>= 1) output pixels of a channel block along a row,
 * any filter of up to 16 rows and 8 columns. Per pixel one LDM starts the four accumulators at the
 * doubled biases (with the row list, the taps and the row count); per filter row the row's input
 * pointer is loaded and the loop jumps into an unrolled run of eight taps at the filter width's
 * entry (per tap two LDRD and four SMLAxy, 4 multiply-accumulates); then two LDMs bring two
 * channels' requantization each, per channel SMMLAR, ASR and SSAT as td_depthwise_row_3x3, the
 * four bytes packed (BFI) and clamped to the activation at once (SSUB8/SEL), one STR, the output,
 * pixel count, steps and bounds one LDM and the advanced output and count one STM: 35
 * instructions a pixel besides the taps and 5 a filter row. Every register is in use during the
 * taps: pixel count, output and entry live in the job.
 */
void td_depthwise_pixels_any(td_depthwise_job *job);

#define TD_DEPTHWISE_ANY_TAP                                                                   \
    "ldrd    r9, r10, [lr], #8\n\t"                                                            \
    "ldrd    r11, r12, [r4], #8\n\t"                                                           \
    "smlabb  r5, r9, r11, r5\n\t"                                                              \
    "smlatt  r7, r9, r11, r7\n\t"                                                              \
    "smlabb  r6, r10, r12, r6\n\t"                                                             \
    "smlatt  r8, r10, r12, r8\n\t"
/* Two channels' requantization (multiplier, right shift, rounding: r3, r4, r9 and r10, r11, r12) from r2, advanced. */
#define TD_DEPTHWISE_ANY_FINISH(first, second)                                                 \
    "ldm     r2!, {r3, r4, r9, r10, r11, r12}\n\t"                                             \
    "add     lr, r9, " first ", asr #31\n\t"                                                   \
    "smmlar  " first ", " first ", r3, lr\n\t"                                                 \
    "asr     " first ", " first ", r4\n\t"                                                     \
    "ssat    " first ", #8, " first "\n\t"                                                     \
    "add     lr, r12, " second ", asr #31\n\t"                                                 \
    "smmlar  " second ", " second ", r10, lr\n\t"                                              \
    "asr     " second ", " second ", r11\n\t"                                                  \
    "ssat    " second ", #8, " second "\n\t"
__asm__(".section .text.td_depthwise_pixels_any,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_depthwise_pixels_any\n\t"
        ".thumb_func\n\t"
        ".type td_depthwise_pixels_any, %function\n"
        "td_depthwise_pixels_any:\n\t"
        "push    {r4-r11, lr}\n\t"
        "ldr     r1, [r0, #100]\n\t"
        "movs    r2, #24\n\t"
        "muls    r1, r2, r1\n\t"
        "adr.w   r2, 3f\n\t"
        "subs    r2, r2, r1\n\t"
        "orr     r2, r2, #1\n\t"
        "str     r2, [r0, #104]\n\t"
        "movs    r1, #0\n"
        "1:\n\t"
        "ldm     r0, {r2, r3, r4, r5, r6, r7, r8}\n"
        "2:\n\t"
        "ldr     lr, [r3], #4\n\t"
        "add     lr, lr, r1\n\t"
        "ldr     pc, [r0, #104]\n\t"
        ".p2align 2\n\t"
        TD_DEPTHWISE_ANY_TAP TD_DEPTHWISE_ANY_TAP TD_DEPTHWISE_ANY_TAP TD_DEPTHWISE_ANY_TAP
        TD_DEPTHWISE_ANY_TAP TD_DEPTHWISE_ANY_TAP TD_DEPTHWISE_ANY_TAP TD_DEPTHWISE_ANY_TAP
        "\n3:\n\t"
        "subs    r2, r2, #1\n\t"
        "bne     2b\n\t"
        "add     r2, r0, #28\n\t"
        TD_DEPTHWISE_ANY_FINISH("r5", "r6")
        TD_DEPTHWISE_ANY_FINISH("r7", "r8")
        "bfi     r5, r6, #8, #8\n\t"
        "bfi     r5, r7, #16, #8\n\t"
        "bfi     r5, r8, #24, #8\n\t"
        "ldm     r2, {r3, r4, r9, r10, r11, r12}\n\t"
        "ssub8   lr, r5, r11\n\t"
        "sel     r5, r5, r11\n\t"
        "ssub8   lr, r12, r5\n\t"
        "sel     r5, r5, r12\n\t"
        "str     r5, [r3]\n\t"
        "add     r3, r3, r10\n\t"
        "add     r1, r1, r9\n\t"
        "subs    r4, r4, #1\n\t"
        "stm     r2, {r3, r4}\n\t"
        "bne     1b\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_depthwise_pixels_any, . - td_depthwise_pixels_any\n\t"
        ".text");
#else
/** td_depthwise_pixels_any's C twin (the same sums, in the same order). */
static void td_depthwise_pixels_any(td_depthwise_job *job)
{
    const int32_t taps_per_row = job->filter_w;
    int32_t offset = 0, pixel, ky, kx, c;
    for (pixel = 0; pixel < job->pixels; ++pixel) {
        int32_t acc[4];
        const td_word *taps = job->taps;
        for (c = 0; c < 4; ++c) {
            acc[c] = job->requant.bias[c];
        }
        for (ky = 0; ky < job->filter_h; ++ky) {
            const td_word *input = job->rows[ky] + offset;
            for (kx = 0; kx < taps_per_row; ++kx) {
                acc[0] = td_smlabb(input[0], taps[0], acc[0]);
                acc[2] = td_smlatt(input[0], taps[0], acc[2]);
                acc[1] = td_smlabb(input[1], taps[1], acc[1]);
                acc[3] = td_smlatt(input[1], taps[1], acc[3]);
                input += 2;
                taps += 2;
            }
        }
        for (c = 0; c < 4; ++c) {
            const int32_t value = td_smmlar(acc[c], job->requant.channel[c].multiplier,
                                            job->requant.channel[c].rounding + (acc[c] >> 31)) >>
                                  job->requant.channel[c].right_shift;
            job->out[c] = (int8_t)td_clamp_i32(td_ssat8(value), (int8_t)job->low, (int8_t)job->high);
        }
        job->out += job->channels;
        offset += job->step / (int32_t)sizeof(td_word);
    }
}
#endif




/**
 * The requantization of channels [channel, channel + 4) into `requants` (biases doubled); 0 when
 * one of them is outside the fast form. td_channel_requant_folded_of's fast form, its bound in 32
 * bits (|bias| < 2^30 - taps * TD_PRODUCT_MAX_ABS, taps <= 16 * 8) and without branches: a
 * channel outside it leaves values nobody reads. Out of line: it keeps its registers off the frame
 * of the blocks' loop.
 */
TD_NOINLINE static int td_depthwise_block_requants(const td_depthwise_conv_params *params,
                                                   const td_per_channel_quant *quant,
                                                   const int32_t *bias,
                                                   int32_t channel,
                                                   int32_t taps,
                                                   td_depthwise_block_requant *requants)
{
    static const int32_t no_bias[4] = {0, 0, 0, 0};
    const uint32_t limit = ((uint32_t)1 << 30) - (uint32_t)taps * TD_PRODUCT_MAX_ABS;
    const uint32_t output_offset = (uint32_t)params->output_offset;
    const int32_t *biases = bias != NULL ? bias + channel : no_bias;
    const int32_t *multipliers = quant->multiplier + channel;
    const int8_t *shifts = quant->shift + channel;
    uint32_t fast = 1;
    int32_t c;
    for (c = 0; c < 4; ++c) {
        const int32_t value = *biases++, multiplier = *multipliers++, shift = *shifts++;
        const int32_t right_shift = multiplier != 0 ? -shift : 1;
        const uint32_t magnitude = value < 0 ? 0u - (uint32_t)value : (uint32_t)value;
        fast &= (uint32_t)((uint32_t)(right_shift - 1) < TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT) & (uint32_t)(magnitude < limit);
        requants->bias[c] = (int32_t)((uint32_t)value << 1);
        requants->channel[c].multiplier = multiplier;
        requants->channel[c].right_shift = right_shift;
        requants->channel[c].rounding =
            (int32_t)(((uint32_t)1 << ((right_shift - 1) & 31)) + (output_offset << (right_shift & 31)));
    }
    return (int)fast;
}

/**
 * A block's taps, four channels' bytes `channels` apart from `taps`, into words (c0, c2) and (c1, c3) of doubled int16
 * lanes (see td_depthwise_row_3x3) up to `end`: 9 instructions a tap in assembly, where GCC's loop takes 11.
 */
TD_INLINE void td_depthwise_widen_taps(const int8_t *taps, int32_t channels, td_word *words, td_word *end)
{
#if TD_DSP_ASM
    uint32_t four, even;
    __asm__ volatile("1:\n\t"
                     "ldr     %[f], [%[t]]\n\t"
                     "add     %[t], %[t], %[c]\n\t"
                     "sxtb16  %[e], %[f]\n\t"
                     "sxtb16  %[f], %[f], ror #8\n\t"
                     "sadd16  %[e], %[e], %[e]\n\t"
                     "sadd16  %[f], %[f], %[f]\n\t"
                     "strd    %[e], %[f], [%[w]], #8\n\t"
                     "cmp     %[w], %[end]\n\t"
                     "bne     1b"
                     : [t] "+r"(taps), [w] "+r"(words), [f] "=&r"(four), [e] "=&r"(even)
                     : [c] "r"(channels), [end] "r"(end)
                     : "cc", "memory");
#else
    for (; words != end; words += 2) {
        const uint32_t four = td_read_u32(taps);
        const uint32_t even = td_sxtb16(four), odd = td_sxtb16_ror8(four);
        words[0] = td_sadd16(even, even);
        words[1] = td_sadd16(odd, odd);
        taps += channels;
    }
#endif
}

/**
 * The channel blocks (as td_depthwise_blocks, which sets up `expansion`, the ring and the geometry) of a filter other
 * than 3x3 through td_depthwise_pixels_any (up to 8 filter columns, dilation 1 along the row, fast requantization on
 * all four channels; taps and biases doubled, so the sums are td_requant_fast's 2 * acc), the window's rows from the
 * ring; output rows output_row_size bytes apart, their pixels output_pixel_step (`geometry`, `window` and `lines` are
 * the blocks' geometry: transposed for a window one column wide, see td_depthwise_blocks). The job, the run of
 * td_depthwise_expand_run and the list of ring rows are set once per call, a block's requantization, taps and input
 * per block. Out of line, so that they stay off the stack of the 3x3 path.
 */
TD_NOINLINE static void td_depthwise_blocks_any(const td_depthwise_conv_params *params,
                                                const td_per_channel_quant *quant,
                                                const td_dims *input_dims,
                                                const int8_t *input,
                                                const td_dims *filter_dims,
                                                const int8_t *filter,
                                                const int32_t *bias,
                                                const td_dims *output_dims,
                                                int8_t *output,
                                                const td_depthwise_conv_params *geometry,
                                                const td_dims *window,
                                                const td_dims *lines,
                                                td_depthwise_expansion *expansion,
                                                td_word *ring,
                                                int32_t row_words,
                                                td_word *filter_block,
                                                int32_t blocked,
                                                int tail,
                                                int32_t output_row_size,
                                                int32_t output_pixel_step)
{
    /* Slot k's ring row at k and k + K_h: a window's rows, from any slot on, are one run of the list. */
    const td_word *rows[2 * TD_DEPTHWISE_MAX_ROWS];
    const int32_t filter_h = window->h;
    /* One filter row: no dilation along the rows. */
    const int32_t dilation_h = filter_h == 1 ? 1 : geometry->dilation.h;
    const int32_t stride_h = geometry->stride.h, padding_h = geometry->padding.h;
    const int32_t taps = filter_dims->h * filter_dims->w;
    const int32_t channels = output_dims->c;
    const int32_t image_size = input_dims->h * input_dims->w * input_dims->c;
    const int32_t output_image = output_dims->h * output_dims->w * channels;
    const int32_t height = expansion->height;
    /* A multiple of K_h that makes in_y + slot_bias >= 0 for every row a window touches. */
    const int32_t slot_bias = (padding_h / filter_h + 1) * filter_h;
    const int8_t *const first_position = input + (expansion->first - geometry->padding.w) * expansion->channels;
    td_depthwise_job job;
    td_depthwise_run run;
    int32_t batch, block, out_y, ky, tap;
    for (ky = 0; ky < filter_h; ++ky) {
        rows[ky] = rows[ky + filter_h] = ring + ky * row_words;
    }
#if TD_DSP_ASM
    /* td_depthwise_expand_run's block fields, for the rows it expands (the others go a row at a time); the C twin's
     * callers, inlined, have GCC see them read on every path. */
    if (dilation_h == 1 && !expansion->gather)
#endif
    {
        run.row_size = expansion->row_size;
        run.ring = ring + 2 * expansion->first;
        run.ring_end = run.ring + filter_h * row_words;
        run.ring_bytes = filter_h * row_words * (int32_t)sizeof(td_word);
        run.row_bytes = row_words * (int32_t)sizeof(td_word);
        run.quads = expansion->count >> 2;
        run.rest = expansion->count & 3;
        run.input_skip = expansion->row_size - expansion->count * expansion->channels;
        run.words_skip = (row_words - 2 * expansion->count) * (int32_t)sizeof(td_word);
        run.channels = expansion->channels;
        run.offsets = expansion->offsets;
    }
    job.rows = rows;
    job.taps = filter_block;
    job.filter_h = filter_h;
    job.step = geometry->stride.w * 2 * (int32_t)sizeof(td_word);
    job.channels = output_pixel_step;
    job.filter_w = window->w;
    job.low = (uint32_t)(uint8_t)params->activation.min * 0x01010101u;
    job.high = (uint32_t)(uint8_t)params->activation.max * 0x01010101u;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (block = 0; block < blocked + (tail ? 4 : 0); block += 4) {
            const int32_t channel = block < blocked ? block : channels - 4;
            int8_t *out = output + batch * output_image + channel;
            int32_t next_row = TD_INT32_MIN, first_input = channel;
            if (!td_depthwise_block_requants(params, quant, bias, channel, taps, &job.requant)) {
                const td_dims one = {1, input_dims->h, input_dims->w, input_dims->c};
                const td_dims one_out = {1, output_dims->h, output_dims->w, channels};
                td_depthwise_pixels_s8(params, quant, &one, input + batch * image_size, filter_dims, filter, bias,
                                       &one_out, out - channel, 0, one_out.n, channel, channel + 4);
                continue;
            }
            td_depthwise_widen_taps(filter + channel, channels, filter_block, filter_block + 2 * taps);
            if (expansion->gather) {
                first_input = channel / params->depth_multiplier;
                for (tap = 0; tap < 4; ++tap) {
                    expansion->lane[tap] = (channel + tap) / params->depth_multiplier - first_input;
                }
            }
            expansion->input = first_position + batch * image_size + first_input;
            run.input = expansion->input;
            for (out_y = 0; out_y < lines->h; ++out_y) {
                const int32_t in_y_origin = out_y * stride_h - padding_h;
                if (dilation_h == 1) {
                    /* The window's rows inside the image, filter rows [top, bottom): the others would only add
                     * taps times 0, so they are neither expanded nor run. */
                    int32_t top, bottom;
                    /* Row in_y lives in slot (in_y + slot_bias) mod K_h: a window's K_h rows never share one, and
                     * each row is expanded once (rows below next_row are already there). */
                    const int32_t window_end = in_y_origin + filter_h;
                    const int32_t last = td_min_i32(window_end, height);
                    int32_t in_y = td_max_i32(td_max_i32(next_row, in_y_origin), 0);
                    if (in_y < last) {
                        int32_t slot = (int32_t)((uint32_t)(in_y + slot_bias) % (uint32_t)filter_h);
                        if (expansion->gather) {
                            for (; in_y < last; ++in_y) {
                                td_depthwise_expand_row(expansion, in_y, ring + slot * row_words);
                                slot = slot + 1 == filter_h ? 0 : slot + 1;
                            }
                        } else {
                            run.in_y = in_y;
                            run.slot = slot;
                            run.rows = last - in_y;
                            td_depthwise_expand_run(&run);
                        }
                    }
                    next_row = window_end;
                    top = td_max_i32(-in_y_origin, 0);
                    bottom = last - in_y_origin;
                    job.rows = rows + (int32_t)((uint32_t)(in_y_origin + top + slot_bias) % (uint32_t)filter_h);
                    if (top >= bottom) {
                        /* No row inside the image (a padding the generator never gives): one row of zeros in slot
                         * 0, whose row no later window reads, and the sums are the biases. */
                        td_depthwise_expand_row(expansion, -1, ring);
                        job.rows = rows;
                        top = 0;
                        bottom = 1;
                    }
                    job.taps = filter_block + 2 * window->w * top;
                    job.filter_h = bottom - top;
                } else {
                    /* Dilated rows: the window's K_h rows (zeros outside the image) expanded again for each output
                     * row, filter row ky in slot ky (job.rows, taps and filter height as set before the blocks). */
                    for (ky = 0; ky < filter_h; ++ky) {
                        td_depthwise_expand_row(expansion, in_y_origin + dilation_h * ky, ring + ky * row_words);
                    }
                }
                job.out = out;
                job.pixels = lines->w;
                td_depthwise_pixels_any(&job);
                out += output_row_size;
            }
        }
    }
}

/**
 * Channels [0, blocked) of every output, four at a time through expanded rows (see the top), and
 * with `tail` the last four channels [C - 4, C) as one more block (it computes again, with the same
 * result, the channels it shares with the block before it); a block with a channel outside the fast
 * requantization goes one channel at a time.
 */
TD_INLINE void td_depthwise_blocks(const td_context *ctx,
                                const td_depthwise_conv_params *params,
                                const td_per_channel_quant *quant,
                                const td_dims *input_dims,
                                const int8_t *input,
                                const td_dims *filter_dims,
                                const int8_t *filter,
                                const int32_t *bias,
                                const td_dims *output_dims,
                                int8_t *output,
                                int32_t blocked,
                                int tail,
                                int32_t span,
                                int down,
                                int any_window)
{
    /* A window one column wide (`down`) runs transposed: input columns are expanded as ring rows
     * and the window is one row of K_h taps (one ring row, one filter row's set-up per pixel). */
    td_depthwise_conv_params across;
    td_dims window_dims, lines_dims;
    const td_depthwise_conv_params *geometry = params;
    const td_dims *window = filter_dims, *lines = output_dims;
    const int32_t taps = filter_dims->h * filter_dims->w;
    const int32_t channels = output_dims->c;
    const int32_t output_row_size = down ? channels : output_dims->w * channels;
    const int32_t output_pixel_step = down ? output_dims->w * channels : channels;
    const int32_t row_words = 2 * span;
    td_word *const filter_block = (td_word *)ctx->buf;
    td_depthwise_block_requant *const requants = (td_depthwise_block_requant *)(void *)(filter_block + 2 * taps);
    td_word *const strides = (td_word *)(void *)(requants + 1);
    td_word *const ring = strides + 2;
    td_word *word;
    td_depthwise_expansion expansion;
    int32_t filter_h;
#if TD_DEPTHWISE_HAS_ROW_3X3
    const int rows_3x3 = !down && filter_dims->h == 3 && filter_dims->w == 3 && params->dilation.h == 1;
    const int clamp = params->activation.min != -128 || params->activation.max != 127;
    const uint32_t low = (uint32_t)(uint8_t)params->activation.min * 0x01010101u;
    const uint32_t high = (uint32_t)(uint8_t)params->activation.max * 0x01010101u;
#endif

    if (down) {
        across = *params;
        window_dims = *filter_dims;
        lines_dims = *output_dims;
        across.stride.h = params->stride.w;
        across.stride.w = params->stride.h;
        across.padding.h = params->padding.w;
        across.padding.w = params->padding.h;
        across.dilation.h = params->dilation.w;
        across.dilation.w = params->dilation.h;
        window_dims.h = filter_dims->w;
        window_dims.w = filter_dims->h;
        lines_dims.h = output_dims->w;
        lines_dims.w = output_dims->h;
        geometry = &across;
        window = &window_dims;
        lines = &lines_dims;
    }
    filter_h = window->h;
    expansion.first = td_min_i32(geometry->padding.w, span);
    expansion.count =
        td_max_i32(td_min_i32((down ? input_dims->h : input_dims->w) + geometry->padding.w, span) - expansion.first, 0);
    expansion.row_size = down ? input_dims->c : input_dims->w * input_dims->c;
    expansion.height = down ? input_dims->w : input_dims->h;
    expansion.channels = down ? input_dims->w * input_dims->c : input_dims->c;
    expansion.offsets = td_pack16(params->input_offset, params->input_offset);
    expansion.gather = params->depth_multiplier != 1;
    strides[0] = (uint32_t)channels;
    strides[1] = (uint32_t)params->stride.w * 2 * (uint32_t)sizeof(uint32_t);
    for (word = ring; word != ring + filter_h * row_words; ++word) {
        *word = 0;
    }

#if TD_DEPTHWISE_HAS_ROW_3X3
    if (rows_3x3) {
        const int32_t output_h = output_dims->h;
        const int32_t image_size = input_dims->h * input_dims->w * input_dims->c;
        int32_t batch, block, tap, first_input;
        for (batch = 0; batch < output_dims->n; ++batch) {
            for (block = 0; block < blocked + (tail ? 4 : 0); block += 4) {
                const int32_t channel = block < blocked ? block : channels - 4;
                int8_t *const out = output + batch * output_h * output_dims->w * channels + channel;
                if (!td_depthwise_block_requants(params, quant, bias, channel, taps, requants)) {
                    const td_dims one = {1, input_dims->h, input_dims->w, input_dims->c};
                    const td_dims one_out = {1, output_h, output_dims->w, channels};
                    td_depthwise_pixels_s8(params, quant, &one, input + batch * image_size, filter_dims, filter, bias,
                                           &one_out, out - channel, 0, one_out.n, channel, channel + 4);
                    continue;
                }
                td_depthwise_widen_taps(filter + channel, channels, filter_block, (td_word *)(void *)requants);
                first_input = channel;
                if (expansion.gather) {
                    first_input = channel / params->depth_multiplier;
                    for (tap = 0; tap < 4; ++tap) {
                        expansion.lane[tap] = (channel + tap) / params->depth_multiplier - first_input;
                    }
                }
                expansion.input = input + batch * image_size +
                                  (expansion.first - geometry->padding.w) * expansion.channels + first_input;
                td_depthwise_rows_3x3(&expansion, ring, row_words, params->stride.h, params->padding.h, output_h,
                                      output_dims->w, output_row_size, filter_block, out);
                if (clamp) {
                    /* The block's outputs, rows one after the other, are every `channels` bytes. */
                    td_depthwise_clamp_4(out, output_h * output_dims->w, channels, low, high);
                }
            }
        }
        return;
    }
#endif
    /* Not in td_depthwise_conv2d_s8_3x3, whose windows all went above (any_window constant 0 there): a model calling
     * that entry alone does not link td_depthwise_blocks_any and the pixels' assembly. */
    if (any_window) {
        td_depthwise_blocks_any(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                                geometry, window, lines, &expansion, ring, row_words, filter_block, blocked, tail,
                                output_row_size, output_pixel_step);
    }
}


/** Two int8 values, sign-extended, as int16 lanes (low first): PKHBT on the target, where GCC makes UXTH and ORR. */
TD_INLINE uint32_t td_depthwise_pair(int32_t low, int32_t high)
{
#if TD_DSP_ASM
    uint32_t packed;
    __asm__("pkhbt   %0, %1, %2, lsl #16" : "=r"(packed) : "r"(low), "r"(high));
    return packed;
#else
    return td_pack16(low, high);
#endif
}

/** Pairs of taps td_depthwise_paired makes of a filter: its taps in order, an odd last one with a zero tap. */
TD_INLINE int32_t td_depthwise_paired_pairs(const td_dims *filter_dims)
{
    return (filter_dims->h * filter_dims->w + 1) >> 1;
}

/** The most outputs td_depthwise_paired's passes take at once (registers: per output an accumulator and an input pointer). */
#define TD_DEPTHWISE_PAIRED_UNITS 3
/**
 * The shortest output rows of several channels that td_depthwise_paired runs channel by channel when the output lies
 * over the input (each run then copies its window rows first): virtual-m4f, bench/shapes, 3 channels, rows of 19 and
 * 31 pixels 29,760 -> 28,080 and 111,720 -> 106,080 instructions, of 6 pixels 44,120 -> 49,680.
 */
#define TD_DEPTHWISE_PAIRED_COPY_PIXELS 12

/**
 * Words of scratch td_depthwise_paired needs before its padded rows: two tables of the pairs' two input offsets (in
 * the input, and in the padded rows), per output channel its requantization, and the pairs of taps of every channel.
 */
TD_INLINE int32_t td_depthwise_paired_words(const td_dims *filter_dims)
{
    const int32_t pairs = td_depthwise_paired_pairs(filter_dims);
    return 4 * pairs + filter_dims->c * (int32_t)(sizeof(td_channel_requant) / sizeof(td_word)) +
           filter_dims->c * pairs;
}

/*
 * td_depthwise_paired_sums_<n>: n outputs (1 to 3) over every pair of taps. offsets: per pair the two taps' input
 * offsets (to `end`); output u reads its bytes from in<u> (its window's first tap, at its channel) and its pair of
 * taps from `taps`, which holds per pair the n outputs' pairs in turn; acc<u> holds its start. Per pair an LDRD of the
 * offsets and per output two LDRSB, a PKHBT, an LDR and an SMLAD: 5n + 3 instructions for 2n multiply-accumulates.
 */
#if TD_DSP_ASM
#define TD_DEPTHWISE_PAIRED_UNIT(in, acc)                                                                       \
    "ldrsb   %[x], [%[" in "], %[first]]\n\t"                                                                    \
    "ldrsb   %[y], [%[" in "], %[second]]\n\t"                                                                   \
    "pkhbt   %[x], %[x], %[y], lsl #16\n\t"                                                                      \
    "ldr     %[y], [%[taps]], #4\n\t"                                                                            \
    "smlad   %[" acc "], %[x], %[y], %[" acc "]\n\t"
#define TD_DEPTHWISE_PAIRED_LOOP(units)                                                                         \
    __asm__ volatile("1:\n\t"                                                                                    \
                     "ldrd    %[first], %[second], [%[offsets]], #8\n\t" units "cmp     %[offsets], %[end]\n\t" \
                     "bne     1b"                                                                                \
                     : [a0] "+r"(*acc0), [a1] "+r"(*acc1), [a2] "+r"(*acc2), [offsets] "+r"(offsets),          \
                       [taps] "+r"(taps), [first] "=&r"(first), [second] "=&r"(second), [x] "=&r"(x),           \
                       [y] "=&r"(y)                                                                              \
                     : [i0] "r"(in0), [i1] "r"(in1), [i2] "r"(in2), [end] "r"(end)                              \
                     : "cc", "memory")
#define TD_DEPTHWISE_PAIRED_SUMS(name, units)                                                                   \
    TD_INLINE void name(const int8_t *in0, const int8_t *in1, const int8_t *in2, const int32_t *offsets,          \
                        const int32_t *end, const td_word *taps, int32_t *acc0, int32_t *acc1, int32_t *acc2)     \
    {                                                                                                            \
        int32_t first, second;                                                                                   \
        uint32_t x, y;                                                                                           \
        TD_DEPTHWISE_PAIRED_LOOP(units);                                                                         \
    }
TD_DEPTHWISE_PAIRED_SUMS(td_depthwise_paired_sums_1, TD_DEPTHWISE_PAIRED_UNIT("i0", "a0"))
TD_DEPTHWISE_PAIRED_SUMS(td_depthwise_paired_sums_2, TD_DEPTHWISE_PAIRED_UNIT("i0", "a0") TD_DEPTHWISE_PAIRED_UNIT("i1", "a1"))
TD_DEPTHWISE_PAIRED_SUMS(td_depthwise_paired_sums_3, TD_DEPTHWISE_PAIRED_UNIT("i0", "a0") TD_DEPTHWISE_PAIRED_UNIT("i1", "a1")
                                                         TD_DEPTHWISE_PAIRED_UNIT("i2", "a2"))
#else
/** The same sums in C (hosts without the assembly). */
TD_INLINE void td_depthwise_paired_sums_c(int units, const int8_t *in0, const int8_t *in1, const int8_t *in2,
                                          const int32_t *offsets, const int32_t *end, const td_word *taps,
                                          int32_t *acc0, int32_t *acc1, int32_t *acc2)
{
    for (; offsets != end; offsets += 2) {
        *acc0 = td_smlad(td_pack16(in0[offsets[0]], in0[offsets[1]]), *taps++, *acc0);
        if (units > 1) {
            *acc1 = td_smlad(td_pack16(in1[offsets[0]], in1[offsets[1]]), *taps++, *acc1);
        }
        if (units > 2) {
            *acc2 = td_smlad(td_pack16(in2[offsets[0]], in2[offsets[1]]), *taps++, *acc2);
        }
    }
}
#define td_depthwise_paired_sums_1(...) td_depthwise_paired_sums_c(1, __VA_ARGS__)
#define td_depthwise_paired_sums_2(...) td_depthwise_paired_sums_c(2, __VA_ARGS__)
#define td_depthwise_paired_sums_3(...) td_depthwise_paired_sums_c(3, __VA_ARGS__)
#endif

/*
 * td_depthwise_paired_pixels_3: three outputs of one channel (neighbouring pixels) over every pair of taps, as
 * td_depthwise_paired_sums_3, their one pair of taps loaded once: per pair an LDRD of the offsets and an LDR of the
 * taps, and per output two LDRSB, a PKHBT and an SMLAD: 16 instructions for 6 multiply-accumulates.
 */
#if TD_DSP_ASM
#define TD_DEPTHWISE_PAIRED_PIXEL(in, acc)                                                                      \
    "ldrsb   %[x], [%[" in "], %[first]]\n\t"                                                                    \
    "ldrsb   %[y], [%[" in "], %[second]]\n\t"                                                                   \
    "pkhbt   %[x], %[x], %[y], lsl #16\n\t"                                                                      \
    "smlad   %[" acc "], %[x], %[t], %[" acc "]\n\t"
TD_INLINE void td_depthwise_paired_pixels_3(const int8_t *in0, const int8_t *in1, const int8_t *in2,
                                            const int32_t *offsets, const int32_t *end, const td_word *taps,
                                            int32_t *acc0, int32_t *acc1, int32_t *acc2)
{
    int32_t first, second;
    uint32_t x, y, t;
    __asm__ volatile("1:\n\t"
                     "ldrd    %[first], %[second], [%[offsets]], #8\n\t"
                     "ldr     %[t], [%[taps]], #4\n\t"
                     TD_DEPTHWISE_PAIRED_PIXEL("i0", "a0") TD_DEPTHWISE_PAIRED_PIXEL("i1", "a1")
                     TD_DEPTHWISE_PAIRED_PIXEL("i2", "a2")
                     "cmp     %[offsets], %[end]\n\t"
                     "bne     1b"
                     : [a0] "+r"(*acc0), [a1] "+r"(*acc1), [a2] "+r"(*acc2), [offsets] "+r"(offsets), [taps] "+r"(taps),
                       [first] "=&r"(first), [second] "=&r"(second), [x] "=&r"(x), [y] "=&r"(y), [t] "=&r"(t)
                     : [i0] "r"(in0), [i1] "r"(in1), [i2] "r"(in2), [end] "r"(end)
                     : "cc", "memory");
}
#else
/** The same sums in C (hosts without the assembly). */
TD_INLINE void td_depthwise_paired_pixels_3(const int8_t *in0, const int8_t *in1, const int8_t *in2,
                                            const int32_t *offsets, const int32_t *end, const td_word *taps,
                                            int32_t *acc0, int32_t *acc1, int32_t *acc2)
{
    for (; offsets != end; offsets += 2, ++taps) {
        *acc0 = td_smlad(td_pack16(in0[offsets[0]], in0[offsets[1]]), *taps, *acc0);
        *acc1 = td_smlad(td_pack16(in1[offsets[0]], in1[offsets[1]]), *taps, *acc1);
        *acc2 = td_smlad(td_pack16(in2[offsets[0]], in2[offsets[1]]), *taps, *acc2);
    }
}
#endif

/**
 * `count` positions of an input row (`row` at its first position; NULL for a row outside the image) from column in_x
 * into a padded row: a position outside the image holds the input's zero point, whose tap then adds nothing to a sum
 * with the input offset folded into the bias (w * (zero point + input offset) = 0), as the reference skips it.
 */
__attribute__((unused)) static void td_depthwise_paired_row(int8_t *to,
                                                            const int8_t *row,
                                                            int32_t in_x,
                                                            int32_t count,
                                                            int32_t width,
                                                            int32_t channels,
                                                            int zero_point)
{
    const int32_t left = row == NULL ? count : td_min_i32(td_max_i32(-in_x, 0), count);
    const int32_t inside = row == NULL ? 0 : td_max_i32(td_min_i32(width - in_x, count) - left, 0);
    if (left > 0) {
        memset(to, zero_point, (size_t)(left * channels));
    }
    if (inside > 0) {
        memcpy(to + left * channels, row + (in_x + left) * channels, (size_t)(inside * channels));
    }
    if (count - left - inside > 0) {
        memset(to + (left + inside) * channels, zero_point, (size_t)((count - left - inside) * channels));
    }
}

/** td_requant_fast with the output offset folded in, then the clamp. */
TD_INLINE int8_t td_depthwise_paired_out(int32_t acc, const td_channel_requant *requant, int32_t low, int32_t high)
{
    return (int8_t)td_clamp_i32(td_requant_fast(acc, requant->multiplier, requant->right_shift, requant->rounding), low, high);
}

/**
 * Every output channel of every pixel, for what the channel blocks do not take: fewer than four channels, a dilated
 * row, filters past 16x8. The filter's taps, in order, are paired into int16 lanes whatever their row (an odd last one
 * with a zero tap), each pair with the offsets of its two taps' input bytes from the window's first (dilation and C in
 * them), and the input offset times the filter's sum is folded into the bias. An output row goes in runs of pixels:
 * a run whose windows lie inside the image reads the input in place; any other reads a copy of its window rows
 * padded with the input's zero point (td_depthwise_paired_row), so that border pixels run the same taps as inside ones.
 * A run goes up to three outputs a pass: channel by channel, three neighbouring pixels sharing each pair of taps
 * (td_depthwise_paired_pixels_3, 2.7 instructions per multiply-accumulate), where there is one channel or rows of at
 * least six pixels; otherwise pixel by pixel, up to three channels of one pixel (td_depthwise_paired_sums_<n>, 2.5
 * to 4), in the portable kernel's order. An output the memory plan put over the input for that order reads the same
 * input: a pass reads its windows before it writes, and a run of several channels channel by channel reads a copy
 * made before it writes (runs go in the portable kernel's order). Needs every channel's requantization in the fast
 * form with the output offset folded in (td_channel_requant_folded_of) and room for one pixel's padded window:
 * otherwise returns 0 having written nothing (the caller then runs td_depthwise_direct).
 */
TD_NOINLINE __attribute__((unused)) static int td_depthwise_paired(const td_depthwise_conv_params *params,
                                                                   const td_per_channel_quant *quant,
                                                                   const td_dims *input_dims,
                                                                   const int8_t *input,
                                                                   const td_dims *filter_dims,
                                                                   const int8_t *filter,
                                                                   const int32_t *bias,
                                                                   const td_dims *output_dims,
                                                                   int8_t *output,
                                                                   td_word *scratch,
                                                                   int32_t scratch_bytes)
{
    const int32_t channels = output_dims->c, in_c = input_dims->c;
    const int32_t multiplier = params->depth_multiplier;
    const int32_t filter_h = filter_dims->h, filter_w = filter_dims->w, taps = filter_h * filter_w;
    const int32_t pairs = td_depthwise_paired_pairs(filter_dims);
    const int32_t stride_w = params->stride.w, dilation_h = params->dilation.h, dilation_w = params->dilation.w;
    const int32_t window_h = (filter_h - 1) * dilation_h + 1, window_w = (filter_w - 1) * dilation_w + 1;
    const int32_t pixel_step = stride_w * in_c;
    const int32_t low = params->activation.min, high = params->activation.max;
    const int32_t words = td_depthwise_paired_words(filter_dims);
    const int32_t room = scratch_bytes - words * (int32_t)sizeof(td_word);
    int32_t *const in_place = (int32_t *)(void *)scratch;
    int32_t *const padded = in_place + 2 * pairs;
    td_channel_requant *const requants = (td_channel_requant *)(void *)(padded + 2 * pairs);
    td_word *const weights = (td_word *)(void *)(requants + channels);
    int8_t *const rows = (int8_t *)(void *)(scratch + words);
    /* Channel by channel over the pixels of a run where there is one channel or rows of at least six pixels (two
     * passes: over 4 pixels, 33 channels went 8,560 -> 9,200 instructions), or else pixel by pixel in the portable
     * kernel's order. With several channels, channel by channel writes some
     * outputs before the portable order would: a run then reads the input in place only when the output lies apart
     * from it, and otherwise a copy made before its first output is written, for rows of at least
     * TD_DEPTHWISE_PAIRED_COPY_PIXELS (shorter ones go pixel by pixel). */
    const uintptr_t input_start = (uintptr_t)input, output_start = (uintptr_t)output;
    const int apart = output_start >= input_start + (uintptr_t)td_dims_count(input_dims) ||
                      input_start >= output_start + (uintptr_t)td_dims_count(output_dims);
    const int pixel_passes = channels == 1 || (output_dims->w >= 2 * TD_DEPTHWISE_PAIRED_UNITS &&
                                               (apart || output_dims->w >= TD_DEPTHWISE_PAIRED_COPY_PIXELS));
    const int in_place_order = apart || channels == 1 || !pixel_passes;
    int32_t run, row_bytes, batch, out_y, first, c, tap;

    /* A run: as many pixels as padded rows of the room hold, each row `row_bytes` apart. */
    if (room < filter_h * window_w * in_c) {
        return 0;
    }
    run = td_min_i32((room / (filter_h * in_c) - window_w) / stride_w + 1, output_dims->w);
    row_bytes = ((run - 1) * stride_w + window_w) * in_c;
    for (c = 0; c < channels; ++c) {
        const int32_t group = c - c % TD_DEPTHWISE_PAIRED_UNITS;
        const int32_t units = td_min_i32(channels - group, TD_DEPTHWISE_PAIRED_UNITS);
        /* Pixel passes: a channel's pairs in order; otherwise per pair a group's three channels in turn. */
        td_word *to = pixel_passes ? weights + c * pairs : weights + group * pairs + (c - group);
        const int32_t step = pixel_passes ? 1 : units;
        int32_t sum = 0;
        for (tap = 0; tap < taps; tap += 2) {
            const int32_t w0 = filter[tap * channels + c];
            const int32_t w1 = tap + 1 < taps ? filter[(tap + 1) * channels + c] : 0;
            sum += w0 + w1;
            *to = td_pack16(w0, w1);
            to += step;
        }
        requants[c] = td_channel_requant_folded_of((bias != NULL ? bias[c] : 0) + params->input_offset * sum,
                                                   quant->multiplier[c], quant->shift[c], params->output_offset, taps);
        if (requants[c].right_shift == 0) {
            return 0;
        }
    }
    for (tap = 0; tap < 2 * pairs; ++tap) {
        const int32_t t = tap < taps ? tap : taps - 1; /* the zero tap reads the last tap's byte */
        in_place[tap] = ((t / filter_w) * dilation_h * input_dims->w + (t % filter_w) * dilation_w) * in_c;
        padded[tap] = (t / filter_w) * row_bytes + (t % filter_w) * dilation_w * in_c;
    }

    for (batch = 0; batch < output_dims->n; ++batch) {
        const int8_t *const image = input + batch * input_dims->h * input_dims->w * in_c;
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y = out_y * params->stride.h - params->padding.h;
            const int rows_inside = in_y >= 0 && in_y + window_h <= input_dims->h;
            for (first = 0; first < output_dims->w; first += run) {
                const int32_t count = td_min_i32(run, output_dims->w - first);
                const int32_t in_x = first * stride_w - params->padding.w;
                const int32_t span = (count - 1) * stride_w + window_w;
                int8_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + first) * channels;
                const int8_t *pixel;
                const int32_t *offsets, *offsets_end;
                int32_t done = 0;
                if (rows_inside && in_place_order && in_x >= 0 && in_x + span <= input_dims->w) {
                    pixel = image + (in_y * input_dims->w + in_x) * in_c;
                    offsets = in_place;
                } else {
                    int32_t ky;
                    for (ky = 0; ky < filter_h; ++ky) {
                        const int32_t y = in_y + ky * dilation_h;
                        td_depthwise_paired_row(rows + ky * row_bytes,
                                                y >= 0 && y < input_dims->h ? image + y * input_dims->w * in_c : NULL,
                                                in_x, span, input_dims->w, in_c, -params->input_offset);
                    }
                    pixel = rows;
                    offsets = padded;
                }
                offsets_end = offsets + 2 * pairs;
                if (pixel_passes) {
                    /* Channel by channel, three neighbouring pixels a pass (the last one or two with the pass's
                     * first pixel again, its sums unused). */
                    for (c = 0; c < channels; ++c) {
                        const td_channel_requant *const requant = &requants[c];
                        const td_word *const channel_taps = weights + c * pairs;
                        const int8_t *in = pixel + c / multiplier;
                        int8_t *to = out + c;
                        for (done = 0; done + 3 <= count; done += 3) {
                            int32_t acc0 = requant->bias, acc1 = requant->bias, acc2 = requant->bias;
                            td_depthwise_paired_pixels_3(in, in + pixel_step, in + 2 * pixel_step, offsets, offsets_end,
                                                         channel_taps, &acc0, &acc1, &acc2);
                            to[0] = td_depthwise_paired_out(acc0, requant, low, high);
                            to[channels] = td_depthwise_paired_out(acc1, requant, low, high);
                            to[2 * channels] = td_depthwise_paired_out(acc2, requant, low, high);
                            to += 3 * channels;
                            in += 3 * pixel_step;
                        }
                        if (done < count) {
                            const int8_t *const second = done + 1 < count ? in + pixel_step : in;
                            int32_t acc0 = requant->bias, acc1 = requant->bias, acc2 = requant->bias;
                            td_depthwise_paired_pixels_3(in, second, in, offsets, offsets_end, channel_taps, &acc0,
                                                         &acc1, &acc2);
                            to[0] = td_depthwise_paired_out(acc0, requant, low, high);
                            if (done + 1 < count) {
                                to[channels] = td_depthwise_paired_out(acc1, requant, low, high);
                            }
                        }
                    }
                    continue;
                }
                /* Up to three channels of one pixel a pass. */
                for (; done < count; ++done) {
                    const td_word *group_taps = weights;
                    for (c = 0; c < channels; c += TD_DEPTHWISE_PAIRED_UNITS) {
                        const td_channel_requant *const requant = &requants[c];
                        const int8_t *const in0 = pixel + c / multiplier;
                        int32_t acc0 = requant[0].bias, acc1 = 0, acc2 = 0;
                        if (channels - c >= 3) {
                            acc1 = requant[1].bias;
                            acc2 = requant[2].bias;
                            td_depthwise_paired_sums_3(in0, pixel + (c + 1) / multiplier, pixel + (c + 2) / multiplier,
                                                       offsets, offsets_end, group_taps, &acc0, &acc1, &acc2);
                            out[c] = td_depthwise_paired_out(acc0, &requant[0], low, high);
                            out[c + 1] = td_depthwise_paired_out(acc1, &requant[1], low, high);
                            out[c + 2] = td_depthwise_paired_out(acc2, &requant[2], low, high);
                        } else if (channels - c == 2) {
                            acc1 = requant[1].bias;
                            td_depthwise_paired_sums_2(in0, pixel + (c + 1) / multiplier, in0, offsets, offsets_end,
                                                       group_taps, &acc0, &acc1, &acc2);
                            out[c] = td_depthwise_paired_out(acc0, &requant[0], low, high);
                            out[c + 1] = td_depthwise_paired_out(acc1, &requant[1], low, high);
                        } else {
                            td_depthwise_paired_sums_1(in0, in0, in0, offsets, offsets_end, group_taps, &acc0, &acc1,
                                                       &acc2);
                            out[c] = td_depthwise_paired_out(acc0, &requant[0], low, high);
                        }
                        group_taps += TD_DEPTHWISE_PAIRED_UNITS * pairs;
                    }
                    out += channels;
                    pixel += pixel_step;
                }
            }
        }
    }
    return 1;
}

/** One tap of td_depthwise_single_sums: `values` the four channels' input bytes. */
#define TD_DEPTHWISE_SINGLE_TAP(values)                                                                               \
    do {                                                                                                              \
        const uint32_t four = (values), taps = td_read_u32(f);                                                        \
        const uint32_t even = td_sxtab16(offsets, four), odd = td_sxtab16_ror8(offsets, four);                        \
        const uint32_t taps_even = td_sxtb16(taps), taps_odd = td_sxtb16_ror8(taps);                                  \
        acc0 = td_smlabb(even, taps_even, acc0);                                                                      \
        acc2 = td_smlatt(even, taps_even, acc2);                                                                      \
        acc1 = td_smlabb(odd, taps_odd, acc1);                                                                        \
        acc3 = td_smlatt(odd, taps_odd, acc3);                                                                        \
        in += in_step;                                                                                                \
        f += f_step;                                                                                                  \
    } while (0)

/**
 * The four sums of output channels [c, c + 4) over a window (see td_depthwise_direct): `input` and `filter` at
 * the window's first tap, the first channel's input byte and filter byte; lane[k] the input channel of output channel
 * c + k relative to c's (multiplier 1: k, read as one word).
 */
TD_NOINLINE __attribute__((unused)) static void td_depthwise_single_sums(const td_depthwise_window *window,
                                                                         const int8_t *input,
                                                                         const int8_t *filter,
                                                                         uint32_t offsets,
                                                                         const int32_t *lane,
                                                                         int32_t *sums)
{
    const int32_t in_step = window->input_tap_step, f_step = window->filter_tap_step;
    int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0, row;
    for (row = 0; row < window->rows; ++row) {
        const int8_t *in = input + row * window->input_row_step;
        const int8_t *f = filter + row * window->filter_row_step;
        const int8_t *const end = f + window->columns * f_step;
        if (lane[3] == 3) {
            while (f != end) {
                TD_DEPTHWISE_SINGLE_TAP(td_read_u32(in));
            }
        } else {
            const int32_t lane1 = lane[1], lane2 = lane[2], lane3 = lane[3];
            while (f != end) {
                TD_DEPTHWISE_SINGLE_TAP((uint32_t)(uint8_t)in[0] | ((uint32_t)(uint8_t)in[lane1] << 8) |
                                        ((uint32_t)(uint8_t)in[lane2] << 16) | ((uint32_t)(uint8_t)in[lane3] << 24));
            }
        }
    }
    sums[0] = acc0;
    sums[1] = acc1;
    sums[2] = acc2;
    sums[3] = acc3;
}

/**
 * Every output pixel with no set-up, for an output of one pixel (where no set-up pays) and for layers the paired taps
 * refuse: each window's taps (cut by the image edge as the reference cuts them) read straight from the input and the
 * filter, four output channels a tap (td_depthwise_single_sums): their four input bytes (one LDR with multiplier 1;
 * with a multiplier, output channel o reads input channel o / M, gathered byte by byte), SXTAB16 adding the input
 * offset to two of them at a time, their four filter bytes (one LDR) widened by SXTB16, SMLABB and SMLATT into four
 * sums, requantized in td_requant_channel's forms (any shift); channels past a multiple of four one at a time
 * (td_depthwise_channels_s8). Pixel by pixel, each block's window read before its outputs are written, as the portable
 * kernel's loop goes (an output over its input reads the same bytes).
 */
TD_NOINLINE __attribute__((unused)) static void td_depthwise_direct(const td_depthwise_conv_params *params,
                                                                    const td_per_channel_quant *quant,
                                                                    const td_dims *input_dims,
                                                                    const int8_t *input,
                                                                    const td_dims *filter_dims,
                                                                    const int8_t *filter,
                                                                    const int32_t *bias,
                                                                    const td_dims *output_dims,
                                                                    int8_t *output)
{
    const int32_t channels = output_dims->c, multiplier = params->depth_multiplier;
    const int32_t blocked = channels & ~3;
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    int32_t batch, out_y, out_x, c, k;
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const td_depthwise_window window =
                    td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
                const int32_t terms = window.rows * window.columns;
                int8_t *const out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * channels;
                for (c = 0; c < blocked; c += 4) {
                    int32_t lane[4], sums[4];
                    for (k = 0; k < 4; ++k) {
                        lane[k] = (c + k) / multiplier - c / multiplier;
                    }
                    td_depthwise_single_sums(&window, input + window.input_start + c / multiplier,
                                             filter + window.filter_start + c, offsets, lane, sums);
                    for (k = 0; k < 4; ++k) {
                        const td_channel_requant requant = td_channel_requant_of(
                            bias != NULL ? bias[c + k] : 0, quant->multiplier[c + k], quant->shift[c + k], terms);
                        out[c + k] = (int8_t)td_clamp_i32(
                            td_requant_channel(sums[k] + requant.bias, &requant, params->output_offset),
                            params->activation.min, params->activation.max);
                    }
                }
                td_depthwise_channels_s8(params, quant, &window, blocked, channels, input, filter, bias, out);
            }
        }
    }
}

/**
 * The shapes the channel blocks do not take, all known when the code is generated: fewer than four
 * channels, more than 16 filter rows or 8 columns, a dilated row, an output of one pixel. The
 * generator calls td_depthwise_conv2d_s8_paired for them, so that a model whose depthwise layers
 * the blocks take all links neither the paired taps nor the portable kernel's loop.
 */
TD_INLINE int td_depthwise_blocks_skip(const td_depthwise_conv_params *params,
                                       const td_dims *filter_dims,
                                       const td_dims *output_dims)
{
    return (output_dims->c & ~3) == 0 || filter_dims->h > TD_DEPTHWISE_MAX_ROWS ||
           filter_dims->w > TD_DEPTHWISE_MAX_COLUMNS || params->dilation.w != 1 ||
           output_dims->h * output_dims->w < TD_DEPTHWISE_MIN_PIXELS;
}

/**
 * td_depthwise_conv2d_s8 and, with `columns`, td_depthwise_conv2d_s8_columns (inlined into each, so that the first
 * carries none of the second's code): the blocks, down the columns for a window one column wide where `columns`.
 */
TD_INLINE td_status td_depthwise_blocks_entry(const td_context *ctx,
                                              const td_depthwise_conv_params *params,
                                              const td_per_channel_quant *quant,
                                              const td_dims *input_dims,
                                              const int8_t *input,
                                              const td_dims *filter_dims,
                                              const int8_t *filter,
                                              const int32_t *bias,
                                              const td_dims *output_dims,
                                              int8_t *output,
                                              int columns,
                                              int any_window)
{
    const int32_t output_c = output_dims->c;
    int32_t span, needed, blocked = output_c & ~3;
    int tail, down = 0;

    /* What the blocks do not take (td_depthwise_blocks_skip; generated code calls
     * td_depthwise_conv2d_s8_paired for it) goes one channel at a time, as dilated filters whose
     * span outgrows get_buffer_size's do below; so does, in td_depthwise_conv2d_s8_3x3 (`any_window` 0),
     * a window other than 3x3 undilated, which the generator never gives it. */
    if (td_depthwise_blocks_skip(params, filter_dims, output_dims) ||
        (!any_window && !(filter_dims->h == 3 && filter_dims->w == 3 && params->dilation.h == 1 && params->dilation.w == 1))) {
        td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                               output_dims->n, 0, output_c);
        return TD_OK;
    }
    span = (output_dims->w - 1) * params->stride.w + (filter_dims->w - 1) * params->dilation.w + 1;
    needed = td_depthwise_scratch_words(filter_dims->h, filter_dims->w, span) * (int32_t)sizeof(uint32_t);
    if (ctx == NULL || ctx->buf == NULL || ctx->size < needed) {
        blocked = 0;
    }
    if (columns && blocked > 0 && filter_dims->w == 1 && filter_dims->h > 1 && filter_dims->h <= TD_DEPTHWISE_MAX_COLUMNS &&
        params->dilation.h == 1) {
        /* A window one column wide goes down the columns (td_depthwise_blocks), where its scratch
         * allows and its output lies apart from its input (the columns are not the plan's order). */
        const int32_t down_span = (output_dims->h - 1) * params->stride.h + filter_dims->h;
        const int32_t down_needed = td_depthwise_scratch_words(1, filter_dims->h, down_span) * (int32_t)sizeof(uint32_t);
        const uintptr_t input_start = (uintptr_t)input, output_start = (uintptr_t)output;
        if (down_needed <= ctx->size &&
            (output_start >= input_start + (uintptr_t)td_dims_count(input_dims) ||
             input_start >= output_start + (uintptr_t)td_dims_count(output_dims))) {
            down = 1;
            span = down_span;
            needed = down_needed;
        }
    }
    /* The blocks run channel block outermost, while the memory plan may put the output over the
     * input for the portable kernel's order (pixel by pixel). With multiplier 1 and the output a
     * whole number of pixels from the input, an output byte lands on an input byte of its own
     * channel, which only its own block reads (through the ring, rows before the plan's);
     * with M > 1 the output outgrows the input and a block would overwrite input channels a
     * later block still reads, so an output placed over its input reads a copy of the input in
     * the scratch after the ring (get_buffer_size counts it), or, without room for it, goes one
     * pixel at a time. */
    tail = blocked < output_c; /* the last four channels as one more block, unless the output lies over the input */
    if (blocked > 0) {
        const int32_t input_bytes = td_dims_count(input_dims);
        const uintptr_t input_start = (uintptr_t)input, input_end = input_start + (uintptr_t)input_bytes;
        const uintptr_t output_start = (uintptr_t)output, output_end = output_start + (uintptr_t)td_dims_count(output_dims);
        if (!(output_start < input_end && input_start < output_end)) {
            /* No overlap: any order. */
        } else if (params->depth_multiplier == 1) {
            /* Multiplier 1: an output byte lands on an input byte of its own channel only when the
             * output starts a whole number of pixels from the input; otherwise a block would
             * overwrite input channels of a later block (a stride-2 output the plan put over its
             * input at another offset), so the channels go pixel by pixel, the plan's order. */
            if ((int32_t)((intptr_t)output_start - (intptr_t)input_start) % output_c != 0) {
                blocked = 0;
            }
            /* The tail block would read input channels the block before it has overwritten. */
            tail = 0;
        } else if (ctx->size - needed >= input_bytes) {
            int8_t *const copy = (int8_t *)ctx->buf + needed;
            memcpy(copy, input, (size_t)input_bytes);
            input = copy;
        } else {
            blocked = 0;
        }
    }
    if (blocked == 0) {
        /* Nothing for the blocks: one channel at a time, pixel by pixel (the plan's order). */
        td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                               output_dims->n, 0, output_c);
        return TD_OK;
    }
    td_depthwise_blocks(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, blocked,
                        tail, span, down, any_window);
    if (!tail && blocked < output_c) {
        td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                               output_dims->n, blocked, output_c);
    }
    return TD_OK;
}

/*
 * The lines entry (td_depthwise_conv2d_s8_lines): one input channel at a time, widened to int16 lines, taps paired
 * along them.
 *
 * A window of K_w == 1 (K_h > 1) goes down the image's columns, any other along its rows: a line is an input column
 * (resp. row) of one input channel with the input offset added and the padding at 0 (what the reference's skipped
 * taps contribute). A window of several rows reads a band of them from a ring: each input row is widened once per
 * channel, into its slot and the slot `window` rows on, so that a window's rows are always one band. Along a line,
 * taps go in pairs (kb, kb + 1) of one channel, their two int16 values one unaligned word (an odd last tap with a zero
 * tap), so one SMLAD does two multiply-accumulates: per pair and four neighbouring outputs an LDRD of the pair's
 * offset and tap word and per output an LDR and an SMLAD (td_depthwise_lines_run, 9 instructions for 8 MACs). A depth
 * multiplier's M output channels run over the same widened lines; the requantization is the fast form with the output
 * offset folded in, on doubled taps and bias (td_requant_fast's 2 * acc). Where the channel blocks gather a row per
 * block of four outputs, pay a filter row's set-up per tap, or compute five to seven channels as two blocks, this
 * costs a fifth to a third fewer instructions (the generator's choice: depthwiseLines, conv.ts).
 *
 * Needs the output apart from the input (the generator keeps it so: channels go one after the other), dilation 1
 * along the lines, at most TD_DEPTHWISE_LINES_MAX_PAIRS pairs, every channel's requantization in the fast form and its
 * scratch (td_depthwise_conv2d_s8_lines_get_buffer_size); otherwise td_depthwise_conv2d_s8_paired's paths run the
 * layer.
 *
 * Scratch: the lines (one, or twice the window's rows), then per output channel its doubled bias, multiplier, right
 * shift and rounding and per pair its byte offset from an output's first value and its doubled tap pair.
 */

/** Whether td_depthwise_lines runs a window down the columns (K_w == 1, K_h > 1) rather than along the rows. */
TD_INLINE int td_depthwise_lines_down(const td_dims *filter_dims)
{
    return filter_dims->w == 1 && filter_dims->h > 1;
}

/** Words of scratch per output channel: its requantization (4) and per pair of taps an offset and a tap word. */
TD_INLINE int32_t td_depthwise_lines_channel_words(int32_t pairs)
{
    return 4 + 2 * pairs;
}

int32_t td_depthwise_conv2d_s8_lines_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    const int down = td_depthwise_lines_down(filter_dims);
    const int32_t across = down ? 1 : filter_dims->h, along = down ? filter_dims->h : filter_dims->w;
    const int32_t pairs = across * ((along + 1) >> 1);
    const int32_t values = (across == 1 ? 1 : 2 * across) * ((down ? input_dims->h : input_dims->w) + along);
    return (filter_dims->c * td_depthwise_lines_channel_words(pairs)) * (int32_t)sizeof(td_word) + ((2 * values + 3) & ~3);
}

/** The most pairs of taps td_depthwise_lines_run unrolls (a window of up to 16 pairs: 4x8, 8x4, 16x2, 32x1 ...). */
#define TD_DEPTHWISE_LINES_MAX_PAIRS 16

/**
 * What td_depthwise_lines_run reads (offsets fixed in its assembly, laid out for its LDMs): one output channel over
 * passes of four neighbouring outputs along a line, from `in` to `end`.
 */
typedef struct {
    int32_t step;            /* 0: bytes between two neighbouring outputs' first values (0: four times one output) */
    int32_t bias[4];         /* 4: the doubled bias, once per output of a pass */
    const td_word *entries;  /* 20: per pair its byte offset and its doubled tap pair */
    uint32_t entry;          /* 24: the assembly's (where the unrolled pairs start) */
    int32_t pairs;           /* 28: pairs of taps (1 to TD_DEPTHWISE_LINES_MAX_PAIRS) */
    int32_t multiplier;      /* 32 */
    int32_t right_shift;     /* 36 */
    int32_t rounding;        /* 40: with the output offset folded in */
    int32_t out_step;        /* 44: bytes between two neighbouring outputs */
    int32_t advance;         /* 48: 4 * step, a pass's advance along the line */
    const uint8_t *end;      /* 52: `in` after the last pass (at least one pass runs) */
    uint32_t low;            /* 56: activation.min in each byte */
    uint32_t high;           /* 60: activation.max in each byte */
    int32_t clamp;           /* 64: 0 when the activation is the whole int8 range */
    const uint8_t *in;       /* 68: the first pass's first output's first value in the band */
    int8_t *out;             /* 72: the first pass's first output */
} td_depthwise_lines_job;

#if TD_DSP_ASM
/*
 * td_depthwise_lines_run(job): per pass four outputs' sums (r4-r7) from the doubled bias (one LDM with the step and
 * the pairs), over the channel's pairs: a jump into an unrolled run of TD_DEPTHWISE_LINES_MAX_PAIRS pairs at the
 * count's entry, per pair an LDRD of offset and tap word and per output an LDR of its two values (r0-r3, `step`
 * apart) and an SMLAD (9 instructions for 8 MACs); then one LDM of the requantization and the pass's steps, per
 * output ADD, SMMLAR, ASR and SSAT (td_requant_fast on the doubled sum), the clamp on the four packed bytes
 * (SSUB8/SEL) unless the activation is the whole int8 range, and four STRB `out_step` apart: 34 instructions a pass
 * besides the pairs (45 with the clamp).
 */
void td_depthwise_lines_run(td_depthwise_lines_job *job);

#define TD_DEPTHWISE_LINES_PAIR                                                                \
    "ldrd    r8, r9, [r12], #8\n\t"                                                            \
    "ldr.w   r10, [r0, r8]\n\t"                                                                \
    "smlad   r4, r10, r9, r4\n\t"                                                              \
    "ldr.w   r10, [r1, r8]\n\t"                                                                \
    "smlad   r5, r10, r9, r5\n\t"                                                              \
    "ldr.w   r10, [r2, r8]\n\t"                                                                \
    "smlad   r6, r10, r9, r6\n\t"                                                              \
    "ldr.w   r10, [r3, r8]\n\t"                                                                \
    "smlad   r7, r10, r9, r7\n\t"
#define TD_DEPTHWISE_LINES_FINISH(acc)                                                         \
    "add     r12, r3, " acc ", asr #31\n\t"                                                    \
    "smmlar  " acc ", " acc ", r1, r12\n\t"                                                    \
    "asr     " acc ", " acc ", r2\n\t"                                                         \
    "ssat    " acc ", #8, " acc "\n\t"
__asm__(".section .text.td_depthwise_lines_run,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_depthwise_lines_run\n\t"
        ".thumb_func\n\t"
        ".type td_depthwise_lines_run, %function\n"
        "td_depthwise_lines_run:\n\t"
        "push    {r4-r11, lr}\n\t"
        "mov     lr, r0\n\t"
        "ldr     r12, [lr, #28]\n\t"
        "movs    r10, #36\n\t"
        "mul     r12, r12, r10\n\t"
        "adr.w   r10, 3f\n\t"
        "sub     r10, r10, r12\n\t"
        "orr     r10, r10, #1\n\t"
        "str     r10, [lr, #24]\n\t"
        "ldr     r0, [lr, #68]\n\t"
        "ldr     r11, [lr, #72]\n"
        "1:\n\t"
        "ldm     lr, {r1, r4, r5, r6, r7, r12}\n\t"
        "add     r2, r0, r1, lsl #1\n\t"
        "add     r3, r2, r1\n\t"
        "add     r1, r0, r1\n\t"
        "ldr     pc, [lr, #24]\n\t"
        ".p2align 2\n\t"
        TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR
        TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR
        TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR
        TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR TD_DEPTHWISE_LINES_PAIR
        "\n3:\n\t"
        "add     r12, lr, #32\n\t"
        "ldm     r12, {r1, r2, r3, r8, r9, r10}\n\t"
        TD_DEPTHWISE_LINES_FINISH("r4")
        TD_DEPTHWISE_LINES_FINISH("r5")
        TD_DEPTHWISE_LINES_FINISH("r6")
        TD_DEPTHWISE_LINES_FINISH("r7")
        "ldr     r1, [lr, #64]\n\t"
        "cbz     r1, 4f\n\t"
        "bfi     r4, r5, #8, #8\n\t"
        "bfi     r4, r6, #16, #8\n\t"
        "bfi     r4, r7, #24, #8\n\t"
        "ldrd    r1, r2, [lr, #56]\n\t"
        "ssub8   r12, r4, r1\n\t"
        "sel     r4, r4, r1\n\t"
        "ssub8   r12, r2, r4\n\t"
        "sel     r4, r4, r2\n\t"
        "lsr     r5, r4, #8\n\t"
        "lsr     r6, r4, #16\n\t"
        "lsr     r7, r4, #24\n"
        "4:\n\t"
        "strb    r4, [r11]\n\t"
        "strb    r5, [r11, r8]\n\t"
        "add     r11, r11, r8, lsl #1\n\t"
        "strb    r6, [r11]\n\t"
        "strb    r7, [r11, r8]\n\t"
        "add     r11, r11, r8, lsl #1\n\t"
        "add     r0, r0, r9\n\t"
        "cmp     r0, r10\n\t"
        "bne     1b\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_depthwise_lines_run, . - td_depthwise_lines_run\n\t"
        ".text");
#else
/** td_depthwise_lines_run's C twin (the same sums and bytes). */
static void td_depthwise_lines_run(td_depthwise_lines_job *job)
{
    const uint8_t *in = job->in;
    int8_t *out = job->out;
    do {
        int32_t u, k;
        for (u = 0; u < 4; ++u) {
            const uint8_t *const first = in + u * job->step;
            int32_t acc = job->bias[u], value;
            for (k = 0; k < job->pairs; ++k) {
                acc = td_smlad(td_read_u32(first + job->entries[2 * k]), job->entries[2 * k + 1], acc);
            }
            value = td_ssat8(td_smmlar(acc, job->multiplier, job->rounding + (acc >> 31)) >> job->right_shift);
            if (job->clamp) {
                value = td_clamp_i32(value, (int8_t)job->low, (int8_t)job->high);
            }
            out[u * job->out_step] = (int8_t)value;
        }
        out += 4 * job->out_step;
        in += job->advance;
    } while (in != job->end);
}
#endif

/**
 * Every output of the layer through widened lines (see the top of the lines entry); 0, having written nothing, when
 * it cannot take the layer (output over the input, dilation along the lines, a channel outside the fast
 * requantization, too little scratch).
 */
TD_NOINLINE __attribute__((unused)) static int td_depthwise_lines(const td_depthwise_conv_params *params,
                                                                  const td_per_channel_quant *quant,
                                                                  const td_dims *input_dims,
                                                                  const int8_t *input,
                                                                  const td_dims *filter_dims,
                                                                  const int8_t *filter,
                                                                  const int32_t *bias,
                                                                  const td_dims *output_dims,
                                                                  int8_t *output,
                                                                  td_word *scratch,
                                                                  int32_t scratch_bytes)
{
    const int down = td_depthwise_lines_down(filter_dims);
    const int32_t in_c = input_dims->c, out_c = output_dims->c, multiplier = params->depth_multiplier;
    /* a: across the lines (rows, or columns going down); b: along a line. */
    const int32_t across = down ? 1 : filter_dims->h, along = down ? filter_dims->h : filter_dims->w;
    const int32_t half = (along + 1) >> 1, pairs = across * half, taps = filter_dims->h * filter_dims->w;
    const int32_t stride_a = down ? params->stride.w : params->stride.h;
    const int32_t stride_b = down ? params->stride.h : params->stride.w;
    const int32_t dilation_a = down ? params->dilation.w : params->dilation.h;
    const int32_t dilation_b = down ? params->dilation.h : params->dilation.w;
    const int32_t pad_a = down ? params->padding.w : params->padding.h;
    const int32_t pad_b = down ? params->padding.h : params->padding.w;
    const int32_t lines_in = down ? input_dims->w : input_dims->h, length_in = down ? input_dims->h : input_dims->w;
    const int32_t lines_out = down ? output_dims->w : output_dims->h, length_out = down ? output_dims->h : output_dims->w;
    const int32_t in_line_step = down ? in_c : input_dims->w * in_c, in_value_step = down ? input_dims->w * in_c : in_c;
    const int32_t out_line_step = down ? out_c : output_dims->w * out_c;
    const int32_t out_pixel_step = down ? output_dims->w * out_c : out_c;
    /* A line's values: every output's taps, and the value after an odd last tap (read against a zero tap). */
    const int32_t length = (length_out - 1) * stride_b + along + (along & 1);
    const int32_t first = td_min_i32(pad_b, length);
    const int32_t count = td_max_i32(td_min_i32(length_in + pad_b, length) - first, 0);
    const int32_t channel_words = td_depthwise_lines_channel_words(pairs);
    const int32_t low = params->activation.min, high = params->activation.max;
    const int32_t input_offset = params->input_offset;
    const uintptr_t input_start = (uintptr_t)input, output_start = (uintptr_t)output;
    /* The band first: a pass over a line of fewer than four outputs reads past its end, into the tables. */
    /* Input lines `window` apart (the window's span across the lines) share a slot of the ring; each is written to its
     * slot and to the slot `window` lines on, so that a window's lines are always one band, `dilation_a` lines apart. */
    const int32_t window = (across - 1) * dilation_a + 1, ring = across == 1 ? 1 : 2 * window;
    const int32_t band_words = (ring * length + 1) >> 1;
    int16_t *const band = (int16_t *)(void *)scratch;
    td_word *const tables = scratch + band_words;
    const int slack = (out_c * channel_words) * (int32_t)sizeof(td_word) >= 2 * 3 * stride_b;
    td_depthwise_lines_job job;
    int32_t batch, line, c, ka, j, value;

    if (dilation_b != 1 || pairs > TD_DEPTHWISE_LINES_MAX_PAIRS ||
        (out_c * channel_words + band_words) * (int32_t)sizeof(td_word) > scratch_bytes ||
        !(output_start >= input_start + (uintptr_t)td_dims_count(input_dims) ||
          input_start >= output_start + (uintptr_t)td_dims_count(output_dims))) {
        return 0;
    }
    for (c = 0; c < out_c; ++c) {
        const td_channel_requant requant = td_channel_requant_folded_of(
            bias != NULL ? bias[c] : 0, quant->multiplier[c], quant->shift[c], params->output_offset, taps);
        td_word *const words = tables + c * channel_words;
        td_word *entry = words + 4;
        if (requant.right_shift == 0) {
            return 0;
        }
        words[0] = (uint32_t)requant.bias << 1; /* doubled, as the taps */
        words[1] = (uint32_t)requant.multiplier;
        words[2] = (uint32_t)requant.right_shift;
        words[3] = (uint32_t)requant.rounding;
        for (ka = 0; ka < across; ++ka) {
            for (j = 0; j < half; ++j) {
                const int32_t tap = ka * along + 2 * j; /* filter [1, K_h, K_w, C]: down, K_w is 1 */
                const int32_t w0 = filter[tap * out_c + c];
                const int32_t w1 = 2 * j + 1 < along ? filter[(tap + 1) * out_c + c] : 0;
                entry[0] = (uint32_t)(2 * (ka * dilation_a * length + 2 * j));
                entry[1] = td_pack16(2 * w0, 2 * w1);
                entry += 2;
            }
        }
    }
    job.pairs = pairs;
    job.low = (uint32_t)(uint8_t)low * 0x01010101u;
    job.high = (uint32_t)(uint8_t)high * 0x01010101u;
    job.clamp = low != -128 || high != 127;
    job.entry = 0;
    /* Positions outside the image stay 0. */
    for (value = 0; value < ring * length; ++value) {
        band[value] = 0;
    }

    for (batch = 0; batch < output_dims->n; ++batch) {
        const int8_t *const image = input + batch * input_dims->h * input_dims->w * in_c;
        int8_t *const image_out = output + batch * output_dims->h * output_dims->w * out_c;
        for (c = 0; c < in_c; ++c) {
            int32_t next = TD_INT32_MIN; /* the first input line not in the ring yet */
            for (line = 0; line < lines_out; ++line) {
                int8_t *const out_line = image_out + line * out_line_step;
                const int32_t origin = line * stride_a - pad_a;
                const int32_t slot =
                    window == 1 ? 0 : (int32_t)((uint32_t)(origin + window * (pad_a / window + 1)) % (uint32_t)window);
                const int16_t *const base = band + slot * length;
                int32_t channel = c * multiplier, m, a;
                /* The lines of input channel c this output line's windows read and the ring lacks. */
                for (a = td_max_i32(next, origin); a < origin + window; ++a) {
                    const int32_t at =
                        window == 1 ? 0 : (int32_t)((uint32_t)(a + window * (pad_a / window + 1)) % (uint32_t)window);
                    int16_t *to = band + at * length + first;
                    int16_t *const end = to + count;
                    const int32_t twin = ring == 1 ? 0 : window * length;
                    if (a < 0 || a >= lines_in) {
                        for (; to != end; ++to) {
                            to[0] = 0;
                            to[twin] = 0;
                        }
                    } else {
                        const int8_t *from = image + a * in_line_step + (first - pad_b) * in_value_step + c;
                        if (twin == 0) {
                            for (; to != end; ++to) {
                                *to = (int16_t)(*from + input_offset);
                                from += in_value_step;
                            }
                        } else {
                            for (; to != end; ++to) {
                                const int16_t widened = (int16_t)(*from + input_offset);
                                to[0] = widened;
                                to[twin] = widened;
                                from += in_value_step;
                            }
                        }
                    }
                }
                next = origin + window;
                for (m = 0; m < multiplier; ++m, ++channel) {
                    const td_word *const words = tables + channel * channel_words;
                    int32_t done;
                    job.bias[0] = job.bias[1] = job.bias[2] = job.bias[3] = (int32_t)words[0];
                    job.multiplier = (int32_t)words[1];
                    job.right_shift = (int32_t)words[2];
                    job.rounding = (int32_t)words[3];
                    job.entries = words + 4;
                    job.in = (const uint8_t *)base;
                    job.step = 2 * stride_b;
                    job.advance = 4 * job.step;
                    job.out = out_line + channel;
                    job.out_step = out_pixel_step;
                    if (length_out >= 4) {
                        job.end = job.in + 4 * job.step * (length_out >> 2);
                        td_depthwise_lines_run(&job);
                    }
                    if ((length_out & 3) != 0) {
                        /* The last one to three outputs: with four or more in the line, one more pass over the last
                         * four (rewriting some with the same bytes); otherwise one pass from the line's start, whose
                         * outputs past the line go to `spare` (its reads past the band stay in the scratch, see
                         * `slack`), or, without that room, a pass per output (its four sums of one output). */
                        if (length_out >= 4) {
                            job.in = (const uint8_t *)base + 2 * stride_b * (length_out - 4);
                            job.end = job.in + 4 * job.step;
                            job.out = out_line + channel + (length_out - 4) * out_pixel_step;
                            td_depthwise_lines_run(&job);
                        } else if (slack) {
                            int8_t spare[4];
                            job.end = job.in + 4 * job.step;
                            job.out = spare;
                            job.out_step = 1;
                            td_depthwise_lines_run(&job);
                            for (done = 0; done < length_out; ++done) {
                                out_line[channel + done * out_pixel_step] = spare[done];
                            }
                        } else {
                            for (done = 0; done < length_out; ++done) {
                                job.in = (const uint8_t *)base + 2 * stride_b * done;
                                job.end = job.in; /* one pass (the step is 0) */
                                job.step = 0;
                                job.advance = 0;
                                job.out = out_line + channel + done * out_pixel_step;
                                job.out_step = 0;
                                td_depthwise_lines_run(&job);
                            }
                        }
                    }
                }
            }
        }
    }
    return 1;
}

td_status td_depthwise_conv2d_s8_lines(const td_context *ctx,
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
    /* What the lines refuse takes the paired taps' paths (in their scratch, or else straight from the input). */
    if (ctx == NULL || ctx->buf == NULL ||
        !td_depthwise_lines(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                            (td_word *)ctx->buf, ctx->size)) {
        if (output_dims->h * output_dims->w == 1 || ctx == NULL || ctx->buf == NULL ||
            !td_depthwise_paired(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                                 (td_word *)ctx->buf, ctx->size)) {
            td_depthwise_direct(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
        }
    }
    return TD_OK;
}

td_status td_depthwise_conv2d_s8(const td_context *ctx,
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
    return td_depthwise_blocks_entry(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                     output, 0, 1);
}

int32_t td_depthwise_conv2d_s8_3x3_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return td_depthwise_conv2d_s8_get_buffer_size(input_dims, filter_dims);
}

td_status td_depthwise_conv2d_s8_3x3(const td_context *ctx,
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
    /* Without the 3x3 rows' assembly (a build without it), the blocks' general loop runs these windows too. */
    return td_depthwise_blocks_entry(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                     output, 0, !TD_DEPTHWISE_HAS_ROW_3X3);
}

int32_t td_depthwise_conv2d_s8_columns_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    /* The rows' ring, or one column of H + K_h - 1 positions, whichever is larger. */
    const int32_t span = td_max_i32(input_dims->w + filter_dims->w - 1,
                                    (input_dims->h + filter_dims->h - 1 + filter_dims->h - 1) / filter_dims->h);
    return td_depthwise_scratch_words(filter_dims->h, filter_dims->w, span) * (int32_t)sizeof(uint32_t) +
           td_depthwise_copy_bytes(input_dims, filter_dims);
}

td_status td_depthwise_conv2d_s8_columns(const td_context *ctx,
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
    return td_depthwise_blocks_entry(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                     output, 1, 1);
}

int32_t td_depthwise_conv2d_s8_paired_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    /* The paired taps' tables, then padded rows of the window's height over the input's width and the filter's
     * (of at least 8 bytes a position, the room td_depthwise_conv2d_s8's ring has, for dilated rows). */
    const int32_t rows = filter_dims->h * (input_dims->w + filter_dims->w - 1) * td_max_i32(input_dims->c, 8);
    return td_depthwise_paired_words(filter_dims) * (int32_t)sizeof(td_word) + ((rows + 3) & ~3);
}

td_status td_depthwise_conv2d_s8_paired(const td_context *ctx,
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
    /* Any shape runs here, without td_depthwise_conv2d_s8's blocks (which a model calling this entry alone does not
     * link). An output of one pixel straight from the input and the filter (td_depthwise_direct); any other the paired
     * taps (which need td_depthwise_paired_words of scratch, room for one pixel's padded window and the fast
     * requantization), or, for a layer they refuse, td_depthwise_direct. */
    if (output_dims->h * output_dims->w == 1 || ctx == NULL || ctx->buf == NULL ||
        !td_depthwise_paired(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                             (td_word *)ctx->buf, ctx->size)) {
        td_depthwise_direct(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
    }
    return TD_OK;
}

#else /* no DSP extension: the portable kernel's loop */

int32_t td_depthwise_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_s8(const td_context *ctx,
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
    td_depthwise_portable_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
    return TD_OK;
}

TD_DEPTHWISE_PAIRED_AS_PORTABLE
TD_DEPTHWISE_LINES_AS_PORTABLE
TD_DEPTHWISE_COLUMNS_AS_PORTABLE
TD_DEPTHWISE_3X3_AS_PORTABLE

#endif
