/*
 * FULLY_CONNECTED, int8, paired weights (td_kernels.h), Cortex-M DSP variant: overrides
 * src/fully_connected/td_fully_connected_s8_paired.c by name with the same bits.
 *
 * Each weight halfword holds w_A + 256 * w_B of two rows. Against two inputs in int16 lanes, one
 * SMLAD of the raw word adds A.x + 256 * B.x to `raw`, one of its SXTB16 (the low bytes: A's
 * weights) adds A.x to `a`; raw - a = 256 * B.x in 32-bit wrap-around arithmetic, exact while
 * |B.x| < 2^23, so B's sum is taken out every TD_FC_PAIRED_CHUNK inputs (512 * 127 * 128 < 2^23;
 * the generator refuses weights of -128). Four rows at a time, eight inputs per step: one LDRD of
 * the inputs and four SXTB16 shared by the two pairs, then per pair two LDRD, four SXTB16 and
 * eight SMLAD (33 instructions per 32 MACs, against 43 for td_fully_connected_s8_packed's loop),
 * two steps per loop. The accumulators start from the bias (the input offset folded in by the
 * generator); the requantization is td_dsp.h's fast form with the output offset in its
 * rounding, which the generator has checked holds for every row. Outside the short path (a depth
 * % 8, an activation narrower than int8, a batch row off a word boundary) what costs per block is
 * kept small: the last depth % 8 inputs at constant offsets (four with SMLAD), the blocks in one
 * loop with their four outputs clamped in one word (SSUB8 + SEL), a last row without its B row as
 * int16 lanes. One block function serves every depth (the chunk loop one step for a depth of one
 * chunk) and the rows after the blocks take their rest in a falling-through switch: code size.
 */
#include "../../internal/td_common.h"
#include "../../internal/td_fixed_point.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** Inputs per recovery of B's sum: 512 * 127 * 128 < 2^23 (a multiple of eight). */
#define TD_FC_PAIRED_CHUNK 512

#if TD_DSP_ASM
/* One pair's four words (eight inputs): raw and low-byte products into R and A. */
#define TD_FC_PAIRED_WORDS(R, A)                                 \
    "ldrd    %[wa], %[wb], [%[wp]], #8\n\t"                     \
    "smlad   %[" R "], %[wa], %[xa], %[" R "]\n\t"              \
    "sxtb16  %[wa], %[wa]\n\t"                                  \
    "smlad   %[" A "], %[wa], %[xa], %[" A "]\n\t"              \
    "smlad   %[" R "], %[wb], %[xoa], %[" R "]\n\t"             \
    "sxtb16  %[wb], %[wb]\n\t"                                  \
    "smlad   %[" A "], %[wb], %[xoa], %[" A "]\n\t"             \
    "ldrd    %[wa], %[wb], [%[wp]], #8\n\t"                     \
    "smlad   %[" R "], %[wa], %[xb], %[" R "]\n\t"              \
    "sxtb16  %[wa], %[wa]\n\t"                                  \
    "smlad   %[" A "], %[wa], %[xb], %[" A "]\n\t"              \
    "smlad   %[" R "], %[wb], %[xob], %[" R "]\n\t"             \
    "sxtb16  %[wb], %[wb]\n\t"                                  \
    "smlad   %[" A "], %[wb], %[xob], %[" A "]\n\t"
/* Eight inputs (word-aligned) as the lanes (x0, x2), (x1, x3), (x4, x6), (x5, x7). */
#define TD_FC_PAIRED_INPUT TD_FC_PAIRED_INPUT_FROM("ldrd    %[xa], %[xb], [%[vp]], #8\n\t")
/* The same from an input row at any address (batch rows of a depth that is not a multiple of four): two LDR, which take one. */
#define TD_FC_PAIRED_INPUT_UNALIGNED TD_FC_PAIRED_INPUT_FROM("ldr     %[xb], [%[vp], #4]\n\t" "ldr     %[xa], [%[vp]], #8\n\t")
#define TD_FC_PAIRED_INPUT_FROM(load)                            \
    load                                                        \
    "sxtb16  %[xoa], %[xa], ror #8\n\t"                         \
    "sxtb16  %[xa], %[xa]\n\t"                                  \
    "sxtb16  %[xob], %[xb], ror #8\n\t"                         \
    "sxtb16  %[xb], %[xb]\n\t"
/*
 * TD_DOT_TWO_PAIRS(values, values_end, weights, raw0, a0, raw1, a1): two pairs' words against
 * the input, eight values per step from `values` to values_end (at least one step), two steps per
 * loop (an odd count enters at the second, found inside the assembly: SUB and TST into a register
 * the loop overwrites anyway, so no count is kept in a register around it); `values` and
 * `weights` are advanced.
 */
#define TD_DOT_TWO_PAIRS(values, values_end, weights, raw0, a0, raw1, a1) \
    TD_DOT_TWO_PAIRS_WITH(TD_FC_PAIRED_INPUT, values, values_end, weights, raw0, a0, raw1, a1)
#define TD_DOT_TWO_PAIRS_UNALIGNED(values, values_end, weights, raw0, a0, raw1, a1) \
    TD_DOT_TWO_PAIRS_WITH(TD_FC_PAIRED_INPUT_UNALIGNED, values, values_end, weights, raw0, a0, raw1, a1)
#define TD_DOT_TWO_PAIRS_WITH(input, values, values_end, weights, raw0, a0, raw1, a1)                           \
    do {                                                                                                      \
        uint32_t td_xa_, td_xb_, td_xoa_, td_xob_, td_wa_, td_wb_;                                            \
        __asm__("sub     %[wa], %[end], %[vp]\n\t"                                                              \
                "tst     %[wa], #8\n\t"                                                                        \
                "bne     2f\n\t"                                                                               \
                "1:\n\t" input TD_FC_PAIRED_WORDS("pr0", "pa0") TD_FC_PAIRED_WORDS("pr1", "pa1")                     \
                "2:\n\t" input TD_FC_PAIRED_WORDS("pr0", "pa0") TD_FC_PAIRED_WORDS("pr1", "pa1")                     \
                "cmp     %[vp], %[end]\n\t"                                                                    \
                "bne     1b"                                                                                  \
                : [pr0] "+r"(raw0), [pa0] "+r"(a0), [pr1] "+r"(raw1), [pa1] "+r"(a1), [vp] "+r"(values),             \
                  [wp] "+r"(weights), [xa] "=&r"(td_xa_), [xb] "=&r"(td_xb_), [xoa] "=&r"(td_xoa_),                \
                  [xob] "=&r"(td_xob_), [wa] "=&r"(td_wa_), [wb] "=&r"(td_wb_)                                     \
                : [end] "r"(values_end)                                                                       \
                : "cc", "memory");                                                                           \
    } while (0)
/* The same for one pair (the rows after the last block of four). */
#define TD_DOT_ONE_PAIR(values, values_end, weights, raw0, a0)                                                  \
    do {                                                                                                      \
        uint32_t td_xa_, td_xb_, td_xoa_, td_xob_, td_wa_, td_wb_;                                            \
        __asm__("sub     %[wa], %[end], %[vp]\n\t"                                                              \
                "tst     %[wa], #8\n\t"                                                                        \
                "bne     2f\n\t"                                                                               \
                "1:\n\t" TD_FC_PAIRED_INPUT TD_FC_PAIRED_WORDS("pr0", "pa0")                                     \
                "2:\n\t" TD_FC_PAIRED_INPUT TD_FC_PAIRED_WORDS("pr0", "pa0")                                     \
                "cmp     %[vp], %[end]\n\t"                                                                    \
                "bne     1b"                                                                                  \
                : [pr0] "+r"(raw0), [pa0] "+r"(a0), [vp] "+r"(values), [wp] "+r"(weights), [xa] "=&r"(td_xa_),      \
                  [xb] "=&r"(td_xb_), [xoa] "=&r"(td_xoa_), [xob] "=&r"(td_xob_), [wa] "=&r"(td_wa_),              \
                  [wb] "=&r"(td_wb_)                                                                           \
                : [end] "r"(values_end)                                                                       \
                : "cc", "memory");                                                                           \
    } while (0)
/* One pair's two words for four inputs (x: lanes x0, x2; xo: x1, x3), loaded by the caller into wa, wb. */
#define TD_FC_PAIRED_HALF(R, A)                                  \
    "smlad   %[" R "], %[wa], %[x], %[" R "]\n\t"               \
    "sxtb16  %[wa], %[wa]\n\t"                                  \
    "smlad   %[" A "], %[wa], %[x], %[" A "]\n\t"               \
    "smlad   %[" R "], %[wb], %[xo], %[" R "]\n\t"              \
    "sxtb16  %[wb], %[wb]\n\t"                                  \
    "smlad   %[" A "], %[wb], %[xo], %[" A "]\n\t"
/*
 * TD_DOT_THREE_PAIRS(values, values_end, block, pair, raw0, a0, raw1, a1, raw2, a2): the last
 * block of four rows (`block`, its two pairs' words) and the pair after it (`pair`, its own
 * words) against the input in one loop, four values per half step, eight per step from `values`
 * to values_end (at least one step): 50 instructions per 48 MACs, where the block's loop and
 * the pair's alone take 33 and 19 per 32 and 16. `values`, `block` and `pair` are advanced.
 */
#define TD_DOT_THREE_PAIRS(values, values_end, block, pair, raw0, a0, raw1, a1, raw2, a2)                       \
    do {                                                                                                      \
        uint32_t td_x_, td_xo_, td_wa_, td_wb_;                                                               \
        __asm__("1:\n\t"                                                                                       \
                "ldr     %[x], [%[vp]], #4\n\t"                                                                \
                "sxtb16  %[xo], %[x], ror #8\n\t"                                                              \
                "sxtb16  %[x], %[x]\n\t"                                                                       \
                "ldrd    %[wa], %[wb], [%[bp], #16]\n\t" TD_FC_PAIRED_HALF("pr1", "pa1")                         \
                "ldrd    %[wa], %[wb], [%[bp]], #8\n\t" TD_FC_PAIRED_HALF("pr0", "pa0")                          \
                "ldrd    %[wa], %[wb], [%[pp]], #8\n\t" TD_FC_PAIRED_HALF("pr2", "pa2")                          \
                "ldr     %[x], [%[vp]], #4\n\t"                                                                \
                "sxtb16  %[xo], %[x], ror #8\n\t"                                                              \
                "sxtb16  %[x], %[x]\n\t"                                                                       \
                "ldrd    %[wa], %[wb], [%[bp], #16]\n\t" TD_FC_PAIRED_HALF("pr1", "pa1")                         \
                "ldrd    %[wa], %[wb], [%[bp]], #24\n\t" TD_FC_PAIRED_HALF("pr0", "pa0")                         \
                "ldrd    %[wa], %[wb], [%[pp]], #8\n\t" TD_FC_PAIRED_HALF("pr2", "pa2")                          \
                "cmp     %[vp], %[end]\n\t"                                                                    \
                "bne     1b"                                                                                  \
                : [pr0] "+r"(raw0), [pa0] "+r"(a0), [pr1] "+r"(raw1), [pa1] "+r"(a1), [pr2] "+r"(raw2),          \
                  [pa2] "+r"(a2), [vp] "+r"(values), [bp] "+r"(block), [pp] "+r"(pair), [x] "=&r"(td_x_),         \
                  [xo] "=&r"(td_xo_), [wa] "=&r"(td_wa_), [wb] "=&r"(td_wb_)                                     \
                : [end] "r"(values_end)                                                                       \
                : "cc", "memory");                                                                           \
    } while (0)
#endif

/* The C twins (the same sums): builds without the assembly, and the pairs after the blocks whose words are not word-aligned (LDRD needs it). */
#define TD_FC_PAIRED_WORDS_C(raw, a, offset)                                                                  \
    do {                                                                                                      \
        const uint32_t td_w0_ = td_read_u32((weights) + (offset)), td_w1_ = td_read_u32((weights) + (offset) + 4);       \
        const uint32_t td_w2_ = td_read_u32((weights) + (offset) + 8), td_w3_ = td_read_u32((weights) + (offset) + 12);  \
        (raw) = td_smlad(td_w0_, td_xa_, td_smlad(td_w1_, td_xoa_, (raw)));                                   \
        (raw) = td_smlad(td_w2_, td_xb_, td_smlad(td_w3_, td_xob_, (raw)));                                   \
        (a) = td_smlad(td_sxtb16(td_w0_), td_xa_, td_smlad(td_sxtb16(td_w1_), td_xoa_, (a)));                 \
        (a) = td_smlad(td_sxtb16(td_w2_), td_xb_, td_smlad(td_sxtb16(td_w3_), td_xob_, (a)));                 \
    } while (0)
#define TD_FC_PAIRED_INPUT_C                                                                                  \
    const uint32_t td_in0_ = td_read_u32(values), td_in1_ = td_read_u32((values) + 4);                        \
    const uint32_t td_xa_ = td_sxtb16(td_in0_), td_xoa_ = td_sxtb16_ror8(td_in0_);                            \
    const uint32_t td_xb_ = td_sxtb16(td_in1_), td_xob_ = td_sxtb16_ror8(td_in1_)
#define TD_DOT_TWO_PAIRS_C(values, values_end, weights, raw0, a0, raw1, a1)                                     \
    do {                                                                                                      \
        TD_FC_PAIRED_INPUT_C;                                                                                 \
        TD_FC_PAIRED_WORDS_C(raw0, a0, 0);                                                                    \
        TD_FC_PAIRED_WORDS_C(raw1, a1, 16);                                                                   \
        (weights) += 32;                                                                                      \
        (values) += 8;                                                                                        \
    } while ((values) != (values_end))
#define TD_DOT_ONE_PAIR_C(values, values_end, weights, raw0, a0)                                                \
    do {                                                                                                      \
        TD_FC_PAIRED_INPUT_C;                                                                                 \
        TD_FC_PAIRED_WORDS_C(raw0, a0, 0);                                                                    \
        (weights) += 16;                                                                                      \
        (values) += 8;                                                                                        \
    } while ((values) != (values_end))
#if !TD_DSP_ASM
#define TD_DOT_TWO_PAIRS TD_DOT_TWO_PAIRS_C
#define TD_DOT_TWO_PAIRS_UNALIGNED TD_DOT_TWO_PAIRS_C
#define TD_DOT_ONE_PAIR TD_DOT_ONE_PAIR_C
#endif

/** B's sum over a chunk: raw started at a's value, so raw - a = 256 * B.x (mod 2^32). */
TD_INLINE int32_t td_fc_paired_b(int32_t raw, int32_t a)
{
    return (int32_t)((uint32_t)raw - (uint32_t)a) >> 8;
}

/**
 * The fast requantization (offset folded into the rounding): saturated to int8 by SSAT for a
 * block's four rows (td_fc_paired_blocks clamps the four bytes at once), clamped to the
 * activation for the rows after the blocks.
 */
#define TD_FC_PAIRED_OUTPUT(acc) td_ssat8(td_requant_fast((acc), params->multiplier, params->right_shift, params->rounding))
#define TD_FC_PAIRED_CLAMPED(acc)                                                                              \
    td_clamp_i32(td_requant_fast((acc), params->multiplier, params->right_shift, params->rounding), params->activation.min, \
                 params->activation.max)

/*
 * TD_FC_PAIRED_REST_FOUR(xe, xo, row, acc): four inputs (lanes x0, x2 in xe and x1, x3 in xo)
 * against a row's four true weights at `row` (any address: one LDR), two SMLAD into acc.
 */
#define TD_FC_PAIRED_REST_FOUR(xe, xo, row, acc)                                                              \
    do {                                                                                                      \
        const uint32_t td_w_ = td_read_u32(row);                                                              \
        (acc) = td_smlad(td_sxtb16(td_w_), (xe), td_smlad(td_sxtb16_ror8(td_w_), (xo), (acc)));               \
    } while (0)

/*
 * The last depth % 8 inputs (`rest`, R in each case below: constant offsets) against a block's
 * true weights, rows one after the other: input d of R on a0, b0, a1, b1 in turn; four inputs at
 * a time with SMLAD.
 */
#define TD_FC_BLOCK_REST_ONE(d, R)                                                                            \
    do {                                                                                                      \
        const int32_t td_x_ = values[d];                                                                      \
        a0 += weights[d] * td_x_;                                                                             \
        b0 += weights[(R) + (d)] * td_x_;                                                                     \
        a1 += weights[2 * (R) + (d)] * td_x_;                                                                 \
        b1 += weights[3 * (R) + (d)] * td_x_;                                                                 \
    } while (0)
#define TD_FC_BLOCK_REST_FOUR(R)                                                                              \
    do {                                                                                                      \
        const uint32_t td_x4_ = td_read_u32(values);                                                          \
        const uint32_t td_xe_ = td_sxtb16(td_x4_), td_xo_ = td_sxtb16_ror8(td_x4_);                           \
        TD_FC_PAIRED_REST_FOUR(td_xe_, td_xo_, weights, a0);                                                  \
        TD_FC_PAIRED_REST_FOUR(td_xe_, td_xo_, weights + (R), b0);                                            \
        TD_FC_PAIRED_REST_FOUR(td_xe_, td_xo_, weights + 2 * (R), a1);                                        \
        TD_FC_PAIRED_REST_FOUR(td_xe_, td_xo_, weights + 3 * (R), b1);                                        \
    } while (0)
#define TD_FC_BLOCK_REST                                                                                      \
    switch (rest) {                                                                                           \
    case 1: TD_FC_BLOCK_REST_ONE(0, 1); break;                                                                \
    case 2: TD_FC_BLOCK_REST_ONE(0, 2); TD_FC_BLOCK_REST_ONE(1, 2); break;                                    \
    case 3: TD_FC_BLOCK_REST_ONE(0, 3); TD_FC_BLOCK_REST_ONE(1, 3); TD_FC_BLOCK_REST_ONE(2, 3); break;        \
    case 4: TD_FC_BLOCK_REST_FOUR(4); break;                                                                  \
    case 5: TD_FC_BLOCK_REST_FOUR(5); TD_FC_BLOCK_REST_ONE(4, 5); break;                                      \
    case 6: TD_FC_BLOCK_REST_FOUR(6); TD_FC_BLOCK_REST_ONE(4, 6); TD_FC_BLOCK_REST_ONE(5, 6); break;          \
    case 7:                                                                                                   \
        TD_FC_BLOCK_REST_FOUR(7);                                                                             \
        TD_FC_BLOCK_REST_ONE(4, 7);                                                                           \
        TD_FC_BLOCK_REST_ONE(5, 7);                                                                           \
        TD_FC_BLOCK_REST_ONE(6, 7);                                                                           \
        break;                                                                                                \
    default: break;                                                                                           \
    }

/** Per signed byte, min(a, b): SSUB8 + SEL (td_min_s8x4 without its two EOR). */
TD_INLINE uint32_t td_fc_paired_min_s8x4(uint32_t a, uint32_t b)
{
#if TD_DSP_ASM
    uint32_t result;
    __asm__("ssub8   %0, %1, %2\n\t"
            "sel     %0, %2, %1"
            : "=&r"(result)
            : "r"(a), "r"(b)
            : "cc");
    return result;
#else
    return td_min_s8x4(a, b);
#endif
}

/**
 * `blocks` (at least one) blocks of four rows (two pairs each) over one input row, every depth
 * in one function (its code shared): the grouped inputs chunk by chunk (one step of the chunk
 * loop where the depth is one chunk at most: a compare after the assembly, the B sums started
 * from the bias before it), the last depth % 8 from the true weights at constant offsets, the
 * requantization, each block's four outputs saturated to int8 and clamped at once in one word.
 * `aligned`: the input row is word-aligned (the assembly loop with LDRD; with two LDR
 * otherwise). Returns the weights after the blocks.
 */
TD_NOINLINE static const int8_t *td_fc_paired_blocks(const int8_t *input_row,
                                                    int32_t input_depth,
                                                    const int8_t *weights,
                                                    const int32_t *bias,
                                                    int8_t *out,
                                                    const td_fc_packed_params *params,
                                                    int32_t blocks,
                                                    int aligned)
{
    /* The activation's ends in every byte (SSUB8 + SEL against them: clamping the int8-saturated value gives the clamp of the unsaturated one). */
    const uint32_t low = (uint32_t)(uint8_t)td_ssat8(params->activation.min) * 0x01010101u;
    const uint32_t high = (uint32_t)(uint8_t)td_ssat8(params->activation.max) * 0x01010101u;
    const int8_t *const grouped_end = input_row + (input_depth & ~7);
    /* The first chunk's end, the same for every block. */
    const int8_t *const first_end = input_depth > TD_FC_PAIRED_CHUNK ? input_row + TD_FC_PAIRED_CHUNK : grouped_end;
    const int32_t rest = input_depth & 7;
    do {
        const int8_t *values = input_row;
        const int8_t *chunk_end = first_end;
        int32_t a0 = bias[0], b0 = bias[1], a1 = bias[2], b1 = bias[3];
        for (;;) {
            int32_t raw0 = a0, raw1 = a1;
            if (aligned) {
                TD_DOT_TWO_PAIRS(values, chunk_end, weights, raw0, a0, raw1, a1);
            } else {
                TD_DOT_TWO_PAIRS_UNALIGNED(values, chunk_end, weights, raw0, a0, raw1, a1);
            }
            b0 += td_fc_paired_b(raw0, a0);
            b1 += td_fc_paired_b(raw1, a1);
            if (values == grouped_end) break;
            chunk_end = grouped_end - values > TD_FC_PAIRED_CHUNK ? values + TD_FC_PAIRED_CHUNK : grouped_end;
        }
        TD_FC_BLOCK_REST
        {
            const int32_t value0 = TD_FC_PAIRED_OUTPUT(a0), value1 = TD_FC_PAIRED_OUTPUT(b0);
            const int32_t value2 = TD_FC_PAIRED_OUTPUT(a1), value3 = TD_FC_PAIRED_OUTPUT(b1);
            /* The four int8 bytes in one word, clamped to the activation per byte (a no-op for the whole int8 range). */
            int8_t bytes[4];
            uint32_t four;
            bytes[0] = (int8_t)value0;
            bytes[1] = (int8_t)value1;
            bytes[2] = (int8_t)value2;
            bytes[3] = (int8_t)value3;
            memcpy(&four, bytes, sizeof(four));
            four = td_fc_paired_min_s8x4(td_max_s8x4(four, low), high);
            memcpy(out, &four, sizeof(four));
        }
        weights += 4 * rest;
        bias += 4;
        out += 4;
    } while (--blocks > 0);
    return weights;
}

/* The last depth % 8 inputs of a pair's two rows (A's `rest` weights, then B's): one input of each row at a constant offset. */
#define TD_FC_PAIR_REST_ONE(d)                                                                                \
    do {                                                                                                      \
        const int32_t td_x_ = tail_values[d];                                                                 \
        a += row0[d] * td_x_;                                                                                 \
        b += row1[d] * td_x_;                                                                                 \
    } while (0)

/**
 * The one to three rows after the blocks of four, as pairs (a missing B row has zero weights and
 * is not stored); the assembly loop where the input row and the pair's weights
 * are word-aligned. A pair's depth % 8 rest: four inputs with SMLAD where rest & 4, then the one
 * to three after them in a switch falling through (its rows `rest` bytes apart: little code,
 * measured no slower than seven unrolled cases).
 */
TD_NOINLINE static void td_fc_paired_rest(const int8_t *input_row,
                                          int32_t input_depth,
                                          int32_t rows,
                                          const int8_t *weights,
                                          const int32_t *bias,
                                          int8_t *out,
                                          const td_fc_packed_params *params)
{
    const int8_t *const grouped_end = input_row + (input_depth & ~7);
    const int32_t rest = input_depth & 7;
    int32_t row;
    for (row = 0; row + 1 < rows; row += 2) {
        const int aligned = (((uintptr_t)input_row | (uintptr_t)weights) & 3u) == 0;
        const int8_t *values = input_row;
        int32_t a = bias[row], b = bias[row + 1];
        while (values != grouped_end) {
            const int8_t *const chunk_end = grouped_end - values > TD_FC_PAIRED_CHUNK ? values + TD_FC_PAIRED_CHUNK : grouped_end;
            int32_t raw = a;
            if (aligned) {
                TD_DOT_ONE_PAIR(values, chunk_end, weights, raw, a);
            } else {
                TD_DOT_ONE_PAIR_C(values, chunk_end, weights, raw, a);
            }
            b += td_fc_paired_b(raw, a);
        }
        {
            const int8_t *tail_values = values, *row0 = weights, *row1 = weights + rest;
            if (rest & 4) {
                const uint32_t x4 = td_read_u32(tail_values);
                const uint32_t xe = td_sxtb16(x4), xo = td_sxtb16_ror8(x4);
                TD_FC_PAIRED_REST_FOUR(xe, xo, row0, a);
                TD_FC_PAIRED_REST_FOUR(xe, xo, row1, b);
                tail_values += 4;
                row0 += 4;
                row1 += 4;
            }
            switch (rest & 3) {
            case 3: TD_FC_PAIR_REST_ONE(2); /* fall through */
            case 2: TD_FC_PAIR_REST_ONE(1); /* fall through */
            case 1: TD_FC_PAIR_REST_ONE(0); break;
            default: break;
            }
        }
        weights += 2 * rest;
        out[row] = (int8_t)TD_FC_PAIRED_CLAMPED(a);
        out[row + 1] = (int8_t)TD_FC_PAIRED_CLAMPED(b);
    }
    if (row < rows) {
        /*
         * The last row alone (its B row missing: zero weights, stored as the sign of A's byte), so
         * each halfword is w_A itself as int16 and a raw word is two int16 lanes: one SMLAD per two
         * inputs, no SXTB16 of the weights and no B sum (LDR takes any address: the pair starts
         * 2 * input_depth bytes after the one before, not word-aligned for an odd depth).
         */
        const int8_t *values = input_row;
        int32_t a = bias[row];
        while (values != grouped_end) {
            const uint32_t in0 = td_read_u32(values), in1 = td_read_u32(values + 4);
            a = td_smlad(td_read_u32(weights), td_sxtb16(in0), a);
            a = td_smlad(td_read_u32(weights + 4), td_sxtb16_ror8(in0), a);
            a = td_smlad(td_read_u32(weights + 8), td_sxtb16(in1), a);
            a = td_smlad(td_read_u32(weights + 12), td_sxtb16_ror8(in1), a);
            values += 8;
            weights += 16;
        }
        for (row = 0; row < rest; ++row) a += weights[row] * values[row];
        out[rows - 1] = (int8_t)TD_FC_PAIRED_CLAMPED(a);
    }
}

#if TD_DSP_ASM
/**
 * Word-aligned input rows of at most one chunk whose depth is a multiple of eight (a small FC's
 * usual case) and the whole int8 range (SSAT alone clamps), every batch and row in one call: no
 * chunk loop, the rows' plan (blocks of four, then six rows left -- a block and a pair -- in one
 * loop, or the pairs after the blocks) settled before the batches, the requantization's parameters
 * loaded after each loop (keeping them would spill them around it).
 */
td_status td_fully_connected_s8_paired_short(const td_fc_packed_params *params,
                                             int32_t batches,
                                             int32_t input_depth,
                                             int32_t output_depth,
                                             const int8_t *input,
                                             const int8_t *paired_filter,
                                             const int32_t *bias,
                                             int8_t *output)
{
    /* Six rows left (a block and a pair in one loop) where the count is 2 modulo 4 and above 2. */
    const int32_t six = ((output_depth & 3) == 2) & (output_depth > 2);
    const int32_t blocks = (output_depth >> 2) - six;
    const int32_t tail = output_depth & 3 & (six - 1);
    const int8_t *input_row = input;
    int8_t *out = output;
/* The parameters loaded where the outputs are made (after the assembly, which leaves no register free to keep them). */
#define TD_FC_SHORT_PARAMS                                                                                    \
    const td_fc_packed_params *td_p_ = params;                                                                \
    int32_t multiplier, right_shift, rounding;                                                                \
    __asm__("" : "+r"(td_p_));                                                                                \
    multiplier = td_p_->multiplier;                                                                           \
    right_shift = td_p_->right_shift;                                                                         \
    rounding = td_p_->rounding
#define TD_FC_SHORT_OUTPUT(acc) td_ssat8(td_requant_fast((acc), multiplier, right_shift, rounding))
    do {
        const int8_t *const input_end = input_row + input_depth;
        const int8_t *weights = paired_filter;
        const int32_t *row_bias = bias;
        int32_t block;
        for (block = blocks; block > 0; --block) {
            const int8_t *values = input_row;
            int32_t a0 = row_bias[0], a1 = row_bias[2];
            int32_t raw0 = a0, raw1 = a1;
            TD_DOT_TWO_PAIRS(values, input_end, weights, raw0, a0, raw1, a1);
            {
                TD_FC_SHORT_PARAMS;
                const int32_t b0 = row_bias[1] + td_fc_paired_b(raw0, a0), b1 = row_bias[3] + td_fc_paired_b(raw1, a1);
                out[0] = (int8_t)TD_FC_SHORT_OUTPUT(a0);
                out[1] = (int8_t)TD_FC_SHORT_OUTPUT(b0);
                out[2] = (int8_t)TD_FC_SHORT_OUTPUT(a1);
                out[3] = (int8_t)TD_FC_SHORT_OUTPUT(b1);
            }
            row_bias += 4;
            out += 4;
        }
        if (six) {
            /* The last block and the pair after it in one loop. */
            const int8_t *values = input_row;
            const int8_t *pair = weights + 4 * input_depth;
            int32_t a0 = row_bias[0], a1 = row_bias[2], a2 = row_bias[4];
            int32_t raw0 = a0, raw1 = a1, raw2 = a2;
            TD_DOT_THREE_PAIRS(values, input_end, weights, pair, raw0, a0, raw1, a1, raw2, a2);
            {
                TD_FC_SHORT_PARAMS;
                const int32_t b0 = row_bias[1] + td_fc_paired_b(raw0, a0), b1 = row_bias[3] + td_fc_paired_b(raw1, a1);
                const int32_t b2 = row_bias[5] + td_fc_paired_b(raw2, a2);
                out[0] = (int8_t)TD_FC_SHORT_OUTPUT(a0);
                out[1] = (int8_t)TD_FC_SHORT_OUTPUT(b0);
                out[2] = (int8_t)TD_FC_SHORT_OUTPUT(a1);
                out[3] = (int8_t)TD_FC_SHORT_OUTPUT(b1);
                out[4] = (int8_t)TD_FC_SHORT_OUTPUT(a2);
                out[5] = (int8_t)TD_FC_SHORT_OUTPUT(b2);
            }
            out += 6;
        } else {
            /* A second pair after the blocks starts 2 * input_depth bytes on: word-aligned, the depth being a multiple of eight. */
            int32_t remaining;
            for (remaining = tail; remaining > 0; remaining -= 2) {
                const int8_t *values = input_row;
                int32_t a = row_bias[0], raw = a;
                TD_DOT_ONE_PAIR(values, input_end, weights, raw, a);
                {
                    TD_FC_SHORT_PARAMS;
                    out[0] = (int8_t)TD_FC_SHORT_OUTPUT(a);
                    if (remaining > 1) out[1] = (int8_t)TD_FC_SHORT_OUTPUT(row_bias[1] + td_fc_paired_b(raw, a));
                }
                row_bias += 2;
                out += remaining > 1 ? 2 : 1;
            }
        }
        input_row = input_end;
    } while (--batches > 0);
#undef TD_FC_SHORT_OUTPUT
#undef TD_FC_SHORT_PARAMS
    return TD_OK;
}
#endif

/** Any input (the assembly loop for a word-aligned input row): per batch row the blocks in one call, then the rows after them; TD_OK. */
TD_NOINLINE static td_status td_fc_paired_general(const td_fc_packed_params *params,
                                             int32_t batches,
                                             int32_t input_depth,
                                             int32_t output_depth,
                                             const int8_t *input,
                                             const int8_t *paired_filter,
                                             const int32_t *bias,
                                             int8_t *output)
{
    const int32_t blocked = output_depth & ~3;
    int32_t batch;
    for (batch = 0; batch < batches; ++batch) {
        const int8_t *const input_row = input + batch * input_depth;
        int8_t *const output_row = output + batch * output_depth;
        const int8_t *weights = paired_filter;
        const int aligned = ((uintptr_t)input_row & 3u) == 0;
        if (blocked > 0) {
            weights = td_fc_paired_blocks(input_row, input_depth, weights, bias, output_row, params, blocked >> 2, aligned);
        }
        if (blocked < output_depth) {
            td_fc_paired_rest(input_row, input_depth, output_depth - blocked, weights, bias + blocked, output_row + blocked, params);
        }
    }
    return TD_OK;
}

td_status td_fully_connected_s8_paired(const td_fc_packed_params *params,
                                       int32_t batches,
                                       int32_t input_depth,
                                       int32_t output_depth,
                                       const int8_t *input,
                                       const int8_t *paired_filter,
                                       const int32_t *bias,
                                       int8_t *output)
{
#if TD_DSP_ASM
    if (input_depth <= TD_FC_PAIRED_CHUNK && (input_depth & 7) == 0 && input_depth > 0 && batches > 0 &&
        (((uintptr_t)input | (uintptr_t)paired_filter) & 3u) == 0 && params->activation.min == -128 &&
        params->activation.max == 127) {
        /* Every row word-aligned (the depth is a multiple of eight), one chunk, no clamp inside the int8 range: the short path. */
        return td_fully_connected_s8_paired_short(params, batches, input_depth, output_depth, input, paired_filter, bias, output);
    }
#endif
    /* Every path as a tail call: this frame is gone before theirs, so the deepest stack is the path's own. */
    return td_fc_paired_general(params, batches, input_depth, output_depth, input, paired_filter, bias, output);
}

#if !TD_DSP_ASM
/* Without the assembly loops (host builds of the DSP variant) the short path is the general one. */
td_status td_fully_connected_s8_paired_short(const td_fc_packed_params *params,
                                             int32_t batches,
                                             int32_t input_depth,
                                             int32_t output_depth,
                                             const int8_t *input,
                                             const int8_t *paired_filter,
                                             const int32_t *bias,
                                             int8_t *output)
{
    return td_fc_paired_general(params, batches, input_depth, output_depth, input, paired_filter, bias, output);
}
#endif

#else /* no DSP extension: the portable loop */

#include "../../fully_connected/td_fully_connected_s8_paired.c"

#endif
