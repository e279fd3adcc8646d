/*
 * FULLY_CONNECTED, int8, packed weights (td_kernels.h), Cortex-M DSP variant: overrides
 * src/fully_connected/td_fully_connected_s8_packed.c by name with the same bits.
 *
 * Four rows at a time, eight inputs per step: one LDRD of the inputs and four SXTB16 shared by
 * the rows, then per row one LDRD of its eight packed weights, four SXTB16 and four SMLAD (43
 * instructions per 32 MACs, against 50 for TD_DOT_FOUR_ROWS's four-input steps, whose weight
 * rows lie apart and are loaded one word at a time), two steps per loop; an input row that is not
 * word-aligned (the second row of a batch of depth 50) loads its eight inputs with two LDR instead; the last
 * depth % 8 inputs at constant offsets (four of them with SMLAD). The accumulators start from the bias (the
 * input offset folded in by the generator); the requantization is td_dsp.h's fast form with the
 * output offset in its rounding, which the generator has checked holds for every row.
 */
#include "../../internal/td_common.h"
#include "../../internal/td_fixed_point.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/*
 * TD_DOT_FOUR_PACKED(values, values_end, weights, acc0, acc1, acc2, acc3): the four rows'
 * packed weights against the input, eight values per step from `values` to values_end (at
 * least one step); `values` and `weights` are advanced.
 */
#if TD_DSP_ASM
#define TD_FC_PACKED_ROW(S)                                    \
    "ldrd    %[wa], %[wb], [%[wp]], #8\n\t"                    \
    "sxtb16  %[t], %[wa]\n\t"                                  \
    "smlad   %[" S "], %[t], %[xa], %[" S "]\n\t"              \
    "sxtb16  %[wa], %[wa], ror #8\n\t"                         \
    "smlad   %[" S "], %[wa], %[xoa], %[" S "]\n\t"            \
    "sxtb16  %[t], %[wb]\n\t"                                  \
    "smlad   %[" S "], %[t], %[xb], %[" S "]\n\t"              \
    "sxtb16  %[wb], %[wb], ror #8\n\t"                         \
    "smlad   %[" S "], %[wb], %[xob], %[" S "]\n\t"
#define TD_FC_PACKED_STEP TD_FC_PACKED_STEP_FROM("ldrd    %[xa], %[xb], [%[vp]], #8\n\t")
/* An input row that is not word-aligned (batch rows of a depth that is not a multiple of four): two LDR, which take any address. */
#define TD_FC_PACKED_STEP_UNALIGNED TD_FC_PACKED_STEP_FROM("ldr     %[xb], [%[vp], #4]\n\t" "ldr     %[xa], [%[vp]], #8\n\t")
#define TD_FC_PACKED_STEP_FROM(load)                                                                          \
    load                                                                                                      \
    "sxtb16  %[xoa], %[xa], ror #8\n\t"                                                                         \
    "sxtb16  %[xa], %[xa]\n\t"                                                                                  \
    "sxtb16  %[xob], %[xb], ror #8\n\t"                                                                         \
    "sxtb16  %[xb], %[xb]\n\t" TD_FC_PACKED_ROW("s0") TD_FC_PACKED_ROW("s1") TD_FC_PACKED_ROW("s2") TD_FC_PACKED_ROW("s3")
/* Two steps per loop; an odd count enters at the second (`t` holds the count's parity on entry). */
#define TD_DOT_FOUR_PACKED(values, values_end, weights, acc0, acc1, acc2, acc3) \
    TD_DOT_FOUR_PACKED_WITH(TD_FC_PACKED_STEP, values, values_end, weights, acc0, acc1, acc2, acc3)
#define TD_DOT_FOUR_PACKED_UNALIGNED(values, values_end, weights, acc0, acc1, acc2, acc3) \
    TD_DOT_FOUR_PACKED_WITH(TD_FC_PACKED_STEP_UNALIGNED, values, values_end, weights, acc0, acc1, acc2, acc3)
#define TD_DOT_FOUR_PACKED_WITH(step, values, values_end, weights, acc0, acc1, acc2, acc3)                     \
    do {                                                                                                      \
        uint32_t td_xa_, td_xb_, td_xoa_, td_xob_, td_wa_, td_wb_;                                            \
        uint32_t td_t_ = (uint32_t)(((values_end) - (values)) >> 3) & 1u;                                     \
        __asm__("cmp     %[t], #0\n\t"                                                                         \
                "bne     2f\n\t"                                                                               \
                "1:\n\t" step "2:\n\t" step "cmp     %[vp], %[end]\n\t"                                          \
                "bne     1b"                                                                                  \
                : [s0] "+r"(acc0), [s1] "+r"(acc1), [s2] "+r"(acc2), [s3] "+r"(acc3), [vp] "+r"(values),          \
                  [wp] "+r"(weights), [xa] "=&r"(td_xa_), [xb] "=&r"(td_xb_), [xoa] "=&r"(td_xoa_),                \
                  [xob] "=&r"(td_xob_), [wa] "=&r"(td_wa_), [wb] "=&r"(td_wb_), [t] "+&r"(td_t_)                  \
                : [end] "r"(values_end)                                                                       \
                : "cc", "memory");                                                                           \
    } while (0)
#endif
/* The C twin (the same sums). */
#define TD_FC_PACKED_ROW_C(acc, offset)                                                                       \
    do {                                                                                                      \
        const uint32_t td_wa_ = td_read_u32((weights) + (offset)), td_wb_ = td_read_u32((weights) + (offset) + 4); \
        (acc) = td_smlad(td_sxtb16(td_wa_), td_xa_, (acc));                                                   \
        (acc) = td_smlad(td_sxtb16_ror8(td_wa_), td_xoa_, (acc));                                             \
        (acc) = td_smlad(td_sxtb16(td_wb_), td_xb_, (acc));                                                   \
        (acc) = td_smlad(td_sxtb16_ror8(td_wb_), td_xob_, (acc));                                             \
    } while (0)
#define TD_DOT_FOUR_PACKED_C(values, values_end, weights, acc0, acc1, acc2, acc3)                              \
    do {                                                                                                      \
        do {                                                                                                  \
            const uint32_t td_a_ = td_read_u32(values), td_b_ = td_read_u32((values) + 4);                    \
            const uint32_t td_xa_ = td_sxtb16(td_a_), td_xoa_ = td_sxtb16_ror8(td_a_);                         \
            const uint32_t td_xb_ = td_sxtb16(td_b_), td_xob_ = td_sxtb16_ror8(td_b_);                         \
            TD_FC_PACKED_ROW_C(acc0, 0);                                                                      \
            TD_FC_PACKED_ROW_C(acc1, 8);                                                                      \
            TD_FC_PACKED_ROW_C(acc2, 16);                                                                     \
            TD_FC_PACKED_ROW_C(acc3, 24);                                                                     \
            (weights) += 32;                                                                                  \
            (values) += 8;                                                                                    \
        } while ((values) != (values_end));                                                                   \
    } while (0)
#if !TD_DSP_ASM
#define TD_DOT_FOUR_PACKED TD_DOT_FOUR_PACKED_C
#define TD_DOT_FOUR_PACKED_UNALIGNED TD_DOT_FOUR_PACKED_C
#endif

/** The fast requantization (offset folded into the rounding) and the clamp of one row. */
#define TD_FC_PACKED_OUTPUT(acc) \
    ((int8_t)td_clamp_i32(td_requant_fast((acc), multiplier, right_shift, rounding), min, max))

/*
 * The last depth % 8 inputs (`rest`, R in each case below: constant offsets) against a block's
 * four rows of true weights, one row after the other: input d on acc0..acc3 in turn; four inputs
 * at a time with SMLAD (the rows' words at any address: one LDR each); `tail`: the inputs after the
 * grouped ones.
 */
#define TD_FC_PACKED_REST_ONE(tail, d, R)                                                                         \
    do {                                                                                                      \
        const int32_t td_x_ = (tail)[d];                                                                      \
        acc0 += weights[d] * td_x_;                                                                           \
        acc1 += weights[(R) + (d)] * td_x_;                                                                   \
        acc2 += weights[2 * (R) + (d)] * td_x_;                                                               \
        acc3 += weights[3 * (R) + (d)] * td_x_;                                                               \
    } while (0)
#define TD_FC_PACKED_REST_WORD(xe, xo, row, acc)                                                              \
    do {                                                                                                      \
        const uint32_t td_w_ = td_read_u32(row);                                                              \
        (acc) = td_smlad(td_sxtb16(td_w_), (xe), td_smlad(td_sxtb16_ror8(td_w_), (xo), (acc)));               \
    } while (0)
#define TD_FC_PACKED_REST_FOUR(tail, R)                                                                           \
    do {                                                                                                      \
        const uint32_t td_x4_ = td_read_u32(tail);                                                            \
        const uint32_t td_xe_ = td_sxtb16(td_x4_), td_xo_ = td_sxtb16_ror8(td_x4_);                           \
        TD_FC_PACKED_REST_WORD(td_xe_, td_xo_, weights, acc0);                                                \
        TD_FC_PACKED_REST_WORD(td_xe_, td_xo_, weights + (R), acc1);                                          \
        TD_FC_PACKED_REST_WORD(td_xe_, td_xo_, weights + 2 * (R), acc2);                                      \
        TD_FC_PACKED_REST_WORD(td_xe_, td_xo_, weights + 3 * (R), acc3);                                      \
    } while (0)
#define TD_FC_PACKED_BLOCK_REST(tail)                                                                             \
    switch (rest) {                                                                                           \
    case 1: TD_FC_PACKED_REST_ONE(tail, 0, 1); break;                                                               \
    case 2: TD_FC_PACKED_REST_ONE(tail, 0, 2); TD_FC_PACKED_REST_ONE(tail, 1, 2); break;                                  \
    case 3: TD_FC_PACKED_REST_ONE(tail, 0, 3); TD_FC_PACKED_REST_ONE(tail, 1, 3); TD_FC_PACKED_REST_ONE(tail, 2, 3); break;     \
    case 4: TD_FC_PACKED_REST_FOUR(tail, 4); break;                                                                 \
    case 5: TD_FC_PACKED_REST_FOUR(tail, 5); TD_FC_PACKED_REST_ONE(tail, 4, 5); break;                                    \
    case 6: TD_FC_PACKED_REST_FOUR(tail, 6); TD_FC_PACKED_REST_ONE(tail, 4, 6); TD_FC_PACKED_REST_ONE(tail, 5, 6); break;       \
    case 7:                                                                                                   \
        TD_FC_PACKED_REST_FOUR(tail, 7);                                                                            \
        TD_FC_PACKED_REST_ONE(tail, 4, 7);                                                                          \
        TD_FC_PACKED_REST_ONE(tail, 5, 7);                                                                          \
        TD_FC_PACKED_REST_ONE(tail, 6, 7);                                                                          \
        break;                                                                                                \
    default: break;                                                                                           \
    }

#if TD_DSP_ASM
/**
 * One block of four rows over a word-aligned input row: the assembly loop over its grouped inputs
 * (values to values_end, at least one step), the last `rest` (depth % 8) from the true weights and
 * the requantization with nothing else live, so that the compiler keeps the loop's fourteen
 * registers without spilling around it; `top` (a constant) says the activation's maximum is 127,
 * which SSAT gives. Returns the next block's weights.
 */
TD_INLINE const int8_t *td_fc_packed_block(const int8_t *values,
                                          const int8_t *values_end,
                                          const int8_t *weights,
                                          const int32_t *bias,
                                          int8_t *out,
                                          const td_fc_packed_params *params,
                                          int32_t rest,
                                          int top)
{
    int32_t acc0 = bias[0], acc1 = bias[1], acc2 = bias[2], acc3 = bias[3];
    TD_DOT_FOUR_PACKED(values, values_end, weights, acc0, acc1, acc2, acc3);
    TD_FC_PACKED_BLOCK_REST(values_end)
    {
        const int32_t multiplier = params->multiplier, right_shift = params->right_shift, rounding = params->rounding;
        const int32_t min = params->activation.min, max = params->activation.max;
#define TD_FC_BLOCK_OUTPUT(acc)                                                               \
    (top ? td_max_i32(td_ssat8(td_requant_fast((acc), multiplier, right_shift, rounding)), min) \
         : td_clamp_i32(td_requant_fast((acc), multiplier, right_shift, rounding), min, max))
        const int32_t value0 = TD_FC_BLOCK_OUTPUT(acc0), value1 = TD_FC_BLOCK_OUTPUT(acc1);
        const int32_t value2 = TD_FC_BLOCK_OUTPUT(acc2), value3 = TD_FC_BLOCK_OUTPUT(acc3);
#undef TD_FC_BLOCK_OUTPUT
        out[0] = (int8_t)value0;
        out[1] = (int8_t)value1;
        out[2] = (int8_t)value2;
        out[3] = (int8_t)value3;
    }
    return weights + 4 * rest;
}

/** td_fc_packed_block for an activation whose maximum is 127, and for any other. */
TD_NOINLINE static const int8_t *td_fc_packed_block_top(const int8_t *values, const int8_t *values_end, const int8_t *weights,
                                                       const int32_t *bias, int8_t *out, const td_fc_packed_params *params)
{
    return td_fc_packed_block(values, values_end, weights, bias, out, params, 0, 1);
}
TD_NOINLINE static const int8_t *td_fc_packed_block_any(const int8_t *values, const int8_t *values_end, const int8_t *weights,
                                                       const int32_t *bias, int8_t *out, const td_fc_packed_params *params)
{
    return td_fc_packed_block(values, values_end, weights, bias, out, params, 0, 0);
}
/** A depth with a depth % 8 rest, any activation (the blocks of depths that are multiples of eight keep the two above, without the rest's dispatch). */
TD_NOINLINE static const int8_t *td_fc_packed_block_rest(const int8_t *values, const int8_t *values_end, const int8_t *weights,
                                                        const int32_t *bias, int8_t *out, const td_fc_packed_params *params,
                                                        int32_t rest)
{
    return td_fc_packed_block(values, values_end, weights, bias, out, params, rest, 0);
}
#endif

/**
 * The one to three rows left over after the blocks of four (row-major after the packed fours):
 * two rows share their input words, eight inputs per step; a last row goes alone.
 */
TD_NOINLINE static void td_fc_packed_rest(const td_fc_packed_params *params,
                                          int32_t input_depth,
                                          int32_t rows,
                                          const int8_t *input_row,
                                          const int8_t *weights,
                                          const int32_t *bias,
                                          int8_t *output_row)
{
    const int32_t multiplier = params->multiplier, right_shift = params->right_shift, rounding = params->rounding;
    const int32_t min = params->activation.min, max = params->activation.max;
    int32_t out_c = 0, d;
    if (rows >= 2) {
        const int8_t *const next = weights + input_depth;
        int32_t acc0 = bias[out_c], acc1 = bias[out_c + 1];
        for (d = 0; d + 8 <= input_depth; d += 8) {
            const uint32_t values = td_read_u32(input_row + d), more = td_read_u32(input_row + d + 4);
            const uint32_t even = td_sxtb16(values), odd = td_sxtb16_ror8(values);
            const uint32_t even2 = td_sxtb16(more), odd2 = td_sxtb16_ror8(more);
            const uint32_t a = td_read_u32(weights + d), b = td_read_u32(next + d);
            const uint32_t a2 = td_read_u32(weights + d + 4), b2 = td_read_u32(next + d + 4);
            acc0 = td_smlad(td_sxtb16_ror8(a), odd, td_smlad(td_sxtb16(a), even, acc0));
            acc1 = td_smlad(td_sxtb16_ror8(b), odd, td_smlad(td_sxtb16(b), even, acc1));
            acc0 = td_smlad(td_sxtb16_ror8(a2), odd2, td_smlad(td_sxtb16(a2), even2, acc0));
            acc1 = td_smlad(td_sxtb16_ror8(b2), odd2, td_smlad(td_sxtb16(b2), even2, acc1));
        }
        for (; d < input_depth; ++d) {
            acc0 += (int32_t)weights[d] * input_row[d];
            acc1 += (int32_t)next[d] * input_row[d];
        }
        weights += 2 * input_depth;
        output_row[out_c] = TD_FC_PACKED_OUTPUT(acc0);
        output_row[out_c + 1] = TD_FC_PACKED_OUTPUT(acc1);
        out_c += 2;
    }
    for (; out_c < rows; ++out_c) {
        int32_t acc = bias[out_c];
        for (d = 0; d + 4 <= input_depth; d += 4) {
            const uint32_t values = td_read_u32(input_row + d);
            const uint32_t four = td_read_u32(weights + d);
            acc = td_smlad(td_sxtb16(four), td_sxtb16(values), acc);
            acc = td_smlad(td_sxtb16_ror8(four), td_sxtb16_ror8(values), acc);
        }
        for (; d < input_depth; ++d) acc += (int32_t)weights[d] * input_row[d];
        weights += input_depth;
        output_row[out_c] = TD_FC_PACKED_OUTPUT(acc);
    }
}

#if TD_DSP_ASM
/**
 * One word-aligned input row of at least eight inputs (the usual case) through the blocks of four
 * and the rows left over: a function of its own with few live values, so that a small FC does
 * not pay the general loop's frame.
 */
TD_NOINLINE static void td_fc_packed_row_fast(const td_fc_packed_params *params,
                                             int32_t input_depth,
                                             int32_t output_depth,
                                             const int8_t *input_row,
                                             const int8_t *weights,
                                             const int32_t *bias,
                                             int8_t *output_row)
{
    const int32_t blocked = output_depth & ~3;
    const int32_t rest = input_depth & 7;
    const int8_t *const input_end = input_row + (input_depth & ~7);
    int32_t out_c;
    if (rest != 0) {
        for (out_c = 0; out_c < blocked; out_c += 4) {
            weights = td_fc_packed_block_rest(input_row, input_end, weights, bias + out_c, output_row + out_c, params, rest);
        }
    } else if (params->activation.max == 127) {
        for (out_c = 0; out_c < blocked; out_c += 4) {
            weights = td_fc_packed_block_top(input_row, input_end, weights, bias + out_c, output_row + out_c, params);
        }
    } else {
        for (out_c = 0; out_c < blocked; out_c += 4) {
            weights = td_fc_packed_block_any(input_row, input_end, weights, bias + out_c, output_row + out_c, params);
        }
    }
    if (blocked < output_depth) {
        td_fc_packed_rest(params, input_depth, output_depth - blocked, input_row, weights, bias + blocked, output_row + blocked);
    }
}
#endif

td_status td_fully_connected_s8_packed(const td_fc_packed_params *params,
                                       int32_t batches,
                                       int32_t input_depth,
                                       int32_t output_depth,
                                       const int8_t *input,
                                       const int8_t *packed_filter,
                                       const int32_t *bias,
                                       int8_t *output)
{
    const int32_t grouped = input_depth & ~7;
    const int32_t rest = input_depth - grouped;
    const int32_t blocked = output_depth & ~3;
    /* In locals: the assembly's memory clobber would have them reloaded for every row. */
    const int32_t multiplier = params->multiplier, right_shift = params->right_shift, rounding = params->rounding;
    const int32_t min = params->activation.min, max = params->activation.max;
    int32_t batch, out_c;
#if TD_DSP_ASM
    if (grouped > 0 && ((uintptr_t)input & 3u) == 0 && (batches == 1 || (input_depth & 3) == 0)) {
        /* Every row word-aligned (one row, or a depth that is a multiple of four): the lean path. */
        for (batch = 0; batch < batches; ++batch) {
            td_fc_packed_row_fast(params, input_depth, output_depth, input + batch * input_depth, packed_filter, bias,
                                  output + batch * output_depth);
        }
        return TD_OK;
    }
#endif
    for (batch = 0; batch < batches; ++batch) {
        const int8_t *const input_row = input + batch * input_depth;
        int8_t *const output_row = output + batch * output_depth;
        const int8_t *weights = packed_filter;
        out_c = 0;
        for (; out_c < blocked; out_c += 4) {
            int32_t acc0 = bias[out_c], acc1 = bias[out_c + 1], acc2 = bias[out_c + 2], acc3 = bias[out_c + 3];
            if (grouped > 0) {
                const int8_t *values = input_row;
                if (((uintptr_t)input_row & 3u) == 0) {
                    TD_DOT_FOUR_PACKED(values, input_row + grouped, weights, acc0, acc1, acc2, acc3);
                } else {
                    TD_DOT_FOUR_PACKED_UNALIGNED(values, input_row + grouped, weights, acc0, acc1, acc2, acc3);
                }
            }
            TD_FC_PACKED_BLOCK_REST(input_row + grouped)
            weights += 4 * rest;
            {
                const int32_t value0 = TD_FC_PACKED_OUTPUT(acc0), value1 = TD_FC_PACKED_OUTPUT(acc1);
                const int32_t value2 = TD_FC_PACKED_OUTPUT(acc2), value3 = TD_FC_PACKED_OUTPUT(acc3);
                output_row[out_c] = (int8_t)value0;
                output_row[out_c + 1] = (int8_t)value1;
                output_row[out_c + 2] = (int8_t)value2;
                output_row[out_c + 3] = (int8_t)value3;
            }
        }
        if (out_c < output_depth) {
            td_fc_packed_rest(params, input_depth, output_depth - out_c, input_row, weights, bias + out_c, output_row + out_c);
        }
    }
    return TD_OK;
}

/*
 * One to three rows (the layout is then row-major): td_fc_packed_rest per batch row, without the
 * block path's set-up (a one-input, one-row layer took 246 instructions through the general entry
 * against 204 in the portable build). The generator calls it for such shapes.
 */
td_status td_fully_connected_s8_packed_rows(const td_fc_packed_params *params,
                                            int32_t batches,
                                            int32_t input_depth,
                                            int32_t output_depth,
                                            const int8_t *input,
                                            const int8_t *packed_filter,
                                            const int32_t *bias,
                                            int8_t *output)
{
    int32_t batch;
    for (batch = 0; batch < batches; ++batch) {
        td_fc_packed_rest(params, input_depth, output_depth, input + batch * input_depth, packed_filter, bias,
                          output + batch * output_depth);
    }
    return TD_OK;
}

#else /* no DSP extension: the portable loop */

#include "../../fully_connected/td_fully_connected_s8_packed.c"

#endif
