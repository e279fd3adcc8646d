/*
 * FULLY_CONNECTED, int8, packed weights (td_kernels.h), Helium (M-profile Vector Extension)
 * variant for the Cortex-M55: overrides src/opt/cortex-m/ and src/fully_connected/ by name with
 * the same bits.
 *
 * The generator's layout was made for the DSP loop (per block of four rows, each row's next eight
 * weights side by side), and it suits MVE as it is: eight inputs widen to int16 once (VLDRB.S16),
 * then per row one VLDRB.S16 of its eight weights and one VMLADAVA.S16 (eight MACs into the row's
 * accumulator) — 9 instructions per 32 MACs, against the DSP loop's 43. The last input_depth % 8
 * weights of a block and the rows past the last block go through td_mve_dot_s8 (sixteen bytes per
 * VMLADAVA.S8, the tail predicated: inactive lanes read nothing and are zero). Sums are the same int32 sums as
 * the portable kernel's; the requantization is td_dsp.h's fast form the generator checked.
 */
#include "td_mve.h"
#include "../cortex-m/td_dsp.h"

/** The fast requantization (offset folded into the rounding) and the clamp of one row. */
#define TD_FC_PACKED_OUTPUT(acc) \
    ((int8_t)td_clamp_i32(td_requant_fast((acc), multiplier, right_shift, rounding), min, max))

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
    const int32_t multiplier = params->multiplier, right_shift = params->right_shift, rounding = params->rounding;
    const int32_t min = params->activation.min, max = params->activation.max;
    int32_t batch, out_c;
    for (batch = 0; batch < batches; ++batch) {
        const int8_t *const input_row = input + batch * input_depth;
        int8_t *const output_row = output + batch * output_depth;
        const int8_t *weights = packed_filter;
        for (out_c = 0; out_c < blocked; out_c += 4) {
            int32_t acc0 = bias[out_c], acc1 = bias[out_c + 1], acc2 = bias[out_c + 2], acc3 = bias[out_c + 3];
            const int8_t *values = input_row;
            const int8_t *const values_end = input_row + grouped;
            while (values != values_end) {
                const int16x8_t x = vldrbq_s16(values);
                acc0 = vmladavaq_s16(acc0, vldrbq_s16(weights), x);
                acc1 = vmladavaq_s16(acc1, vldrbq_s16(weights + 8), x);
                acc2 = vmladavaq_s16(acc2, vldrbq_s16(weights + 16), x);
                acc3 = vmladavaq_s16(acc3, vldrbq_s16(weights + 24), x);
                weights += 32;
                values += 8;
            }
            if (rest > 0) {
                acc0 = td_mve_dot_s8(acc0, values_end, weights, rest);
                acc1 = td_mve_dot_s8(acc1, values_end, weights + rest, rest);
                acc2 = td_mve_dot_s8(acc2, values_end, weights + 2 * rest, rest);
                acc3 = td_mve_dot_s8(acc3, values_end, weights + 3 * rest, rest);
                weights += 4 * rest;
            }
            output_row[out_c] = TD_FC_PACKED_OUTPUT(acc0);
            output_row[out_c + 1] = TD_FC_PACKED_OUTPUT(acc1);
            output_row[out_c + 2] = TD_FC_PACKED_OUTPUT(acc2);
            output_row[out_c + 3] = TD_FC_PACKED_OUTPUT(acc3);
        }
        for (; out_c < output_depth; ++out_c) {
            output_row[out_c] = TD_FC_PACKED_OUTPUT(td_mve_dot_s8(bias[out_c], input_row, weights, input_depth));
            weights += input_depth;
        }
    }
    return TD_OK;
}

/* One to three rows: the same kernel (the Cortex-M DSP variant has an entry without its block set-up). */
td_status td_fully_connected_s8_packed_rows(const td_fc_packed_params *params,
                                            int32_t batches,
                                            int32_t input_depth,
                                            int32_t output_depth,
                                            const int8_t *input,
                                            const int8_t *packed_filter,
                                            const int32_t *bias,
                                            int8_t *output)
{
    return td_fully_connected_s8_packed(params, batches, input_depth, output_depth, input, packed_filter, bias, output);
}
