/*
 * SOFTMAX, int8 -> int8 (TFLite's reference_ops::Softmax for quantized types): per row,
 * differences to the row maximum are rescaled by beta into Q5.26, exponentiated with
 * gemmlowp's exp_on_negative_values, summed in Q12.19, inverted with
 * one_over_one_plus_x_for_x_in_0_1 and scaled to the int8 output (scale 1/256, zero point
 * -128). Differences below diff_min give exp = 0.
 *
 * An int8 row holds at most 256 differences to its maximum (0 to -255), so the generator gives
 * their exponentials as a table (params->exp_table, entry k = exp of -k, 0 below diff_min): the
 * kernel looks them up instead of evaluating exp_on_negative_values twice per value. Without a
 * table it evaluates them. Both give the same bits. td_softmax_s8_table takes the table path alone
 * (the generator's call), so the evaluated exponentials are not linked.
 */
#include "../internal/td_common.h"

enum { TD_SCALED_DIFF_INTEGER_BITS = 5, TD_ACCUMULATION_INTEGER_BITS = 12 };

TD_INLINE int32_t td_softmax_exp(const td_softmax_params_s8 *params, int32_t input_diff)
{
    /* MultiplyByQuantizedMultiplierGreaterThanOne: the left shift is applied before the high mul. */
    const int32_t rescaled = td_saturating_rounding_doubling_high_mul(
        input_diff * ((int32_t)1 << params->input_beta_left_shift), params->input_beta_multiplier);
    return td_exp_on_negative_values(rescaled, TD_SCALED_DIFF_INTEGER_BITS);
}

/** TFLite's GetReciprocal of a row's sum: 1 / sum as a Q0 scale and the output's rounding exponent. */
TD_INLINE int32_t td_softmax_reciprocal(int32_t sum_of_exps, int32_t *exponent)
{
    const int32_t headroom_plus_one = td_count_leading_zeros((uint32_t)sum_of_exps);
    *exponent = TD_ACCUMULATION_INTEGER_BITS - headroom_plus_one + 31 - 8;
    return td_one_over_one_plus_x_for_x_in_0_1(
        (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31)));
}

/** The reference's per-value formulas (no table). */
static void td_softmax_s8_evaluated(const td_softmax_params_s8 *params, int32_t depth, const int8_t *in, int8_t *out,
                                    int32_t max_in_row)
{
    int32_t sum_of_exps = 0;
    int32_t exponent, shifted_scale, c;
    for (c = 0; c < depth; ++c) {
        const int32_t input_diff = (int32_t)in[c] - max_in_row;
        if (input_diff >= params->diff_min) {
            /* Rescale<12> from Q0: a rounding division by 2^12. */
            sum_of_exps += td_rounding_divide_by_pot(td_softmax_exp(params, input_diff), TD_ACCUMULATION_INTEGER_BITS);
        }
    }
    shifted_scale = td_softmax_reciprocal(sum_of_exps, &exponent);
    for (c = 0; c < depth; ++c) {
        const int32_t input_diff = (int32_t)in[c] - max_in_row;
        if (input_diff >= params->diff_min) {
            const int32_t unsaturated =
                td_rounding_divide_by_pot(td_fixed_mul(shifted_scale, td_softmax_exp(params, input_diff)), exponent);
            out[c] = (int8_t)td_clamp_i32(unsaturated - 128, -128, 127);
        } else {
            out[c] = -128;
        }
    }
}

/*
 * The same from the table. Every exponential e is in [0, 2^31): its Rescale<12> is
 * (e + 2^11) >> 12, and with the reciprocal's scale in (0, 2^31) the doubling high multiply is
 * (scale * e + 2^30) >> 31 and its rounding division (t + 2^(exponent - 1)) >> exponent, all
 * on non-negative values (TFLite's sign nudges do not apply). A table entry of 0 (below
 * diff_min) gives -128, as the reference's branch does.
 */
static void td_softmax_s8_table_row(const int32_t *exps, int32_t depth, const int8_t *in, int8_t *out, int32_t max_in_row)
{
    uint32_t sum_of_exps = 0;
    int32_t exponent, shifted_scale, c;
    const int8_t *const end = in + depth;
    const int8_t *x;
    for (x = in; x != end; ++x) {
        sum_of_exps += ((uint32_t)exps[max_in_row - *x] + (1u << (TD_ACCUMULATION_INTEGER_BITS - 1))) >>
                       TD_ACCUMULATION_INTEGER_BITS;
    }
    shifted_scale = td_softmax_reciprocal((int32_t)sum_of_exps, &exponent);
    if (exponent < 1 || exponent > 31) {
        /* Outside what the shifts below take (sums of more than 2^12 maxima): the general rounding. */
        for (c = 0; c < depth; ++c) {
            const int32_t unsaturated =
                td_rounding_divide_by_pot(td_fixed_mul(shifted_scale, exps[max_in_row - in[c]]), exponent);
            out[c] = (int8_t)td_clamp_i32(unsaturated - 128, -128, 127);
        }
        return;
    }
    {
        const uint32_t rounding = 1u << (exponent - 1);
        for (c = 0; c < depth; ++c) {
            const uint32_t t = (uint32_t)(((uint64_t)(uint32_t)shifted_scale * (uint32_t)exps[max_in_row - in[c]] +
                                           ((uint64_t)1 << 30)) >> 31);
            const int32_t unsaturated = (int32_t)((t + rounding) >> exponent);
            out[c] = (int8_t)(unsaturated > 255 ? 127 : unsaturated - 128);
        }
    }
}

/** The largest value of a row. */
static int32_t td_softmax_row_max(const int8_t *in, int32_t depth)
{
    int32_t max_in_row = -128;
    int32_t c;
    for (c = 0; c < depth; ++c) {
        max_in_row = td_max_i32(max_in_row, in[c]);
    }
    return max_in_row;
}

td_status td_softmax_s8(const td_softmax_params_s8 *params,
                        int32_t rows,
                        int32_t depth,
                        const int8_t *input,
                        int8_t *output)
{
    int32_t row;
    for (row = 0; row < rows; ++row) {
        const int8_t *in = input + row * depth;
        int8_t *out = output + row * depth;
        const int32_t max_in_row = td_softmax_row_max(in, depth);
        if (params->exp_table != NULL) {
            td_softmax_s8_table_row(params->exp_table, depth, in, out, max_in_row);
        } else {
            td_softmax_s8_evaluated(params, depth, in, out, max_in_row);
        }
    }
    return TD_OK;
}

td_status td_softmax_s8_table(const td_softmax_params_s8 *params,
                              int32_t rows,
                              int32_t depth,
                              const int8_t *input,
                              int8_t *output)
{
    int32_t row;
    if (params->exp_table == NULL) {
        return TD_ERROR_ARGUMENT;
    }
    for (row = 0; row < rows; ++row) {
        const int8_t *in = input + row * depth;
        td_softmax_s8_table_row(params->exp_table, depth, in, output + row * depth, td_softmax_row_max(in, depth));
    }
    return TD_OK;
}
