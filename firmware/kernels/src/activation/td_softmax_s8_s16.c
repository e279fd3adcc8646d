/*
 * SOFTMAX, int8 -> int16 (TFLite's reference_ops::Softmax<int8_t, int16_t>, which TFLite Micro
 * runs for an int8 input with an int16 output): td_softmax_s8's arithmetic — differences to the
 * row maximum rescaled by beta into Q5.26, gemmlowp's exp_on_negative_values, the sum in Q12.19,
 * one_over_one_plus_x_for_x_in_0_1 — with the reciprocal's rounding exponent taken for 16
 * output bits and the result offset by -32768 (output scale 1/65536, zero point -32768).
 *
 * With the generator's table (params->exp_table, entry k = exp of -k, 0 below diff_min) the
 * exponentials are looked up, otherwise evaluated; both give the same bits.
 */
#include "../internal/td_common.h"

enum { TD_S8_S16_SCALED_DIFF_INTEGER_BITS = 5, TD_S8_S16_ACCUMULATION_INTEGER_BITS = 12, TD_S8_S16_OUTPUT_BITS = 16 };

TD_INLINE int32_t td_softmax_s8_s16_exp(const td_softmax_params_s8 *params, int32_t input_diff)
{
    /* MultiplyByQuantizedMultiplierGreaterThanOne: the left shift is applied before the high mul. */
    const int32_t rescaled = td_saturating_rounding_doubling_high_mul(
        input_diff * ((int32_t)1 << params->input_beta_left_shift), params->input_beta_multiplier);
    return td_exp_on_negative_values(rescaled, TD_S8_S16_SCALED_DIFF_INTEGER_BITS);
}

/*
 * One row. The sum of exponentials holds at least the maximum's (2^31 - 1 rescaled to Q12.19,
 * about 2^19), so its leading zeros are at most 12 and the exponent
 * 12 - leading zeros + 31 - 16 stays within [15, 27].
 */
static void td_softmax_s8_s16_row(const td_softmax_params_s8 *params, int32_t depth, const int8_t *in, int16_t *out,
                                  int32_t max_in_row)
{
    const int32_t *table = params->exp_table;
    uint32_t sum_of_exps = 0;
    int32_t headroom_plus_one, exponent, shifted_scale, c;
    for (c = 0; c < depth; ++c) {
        const int32_t input_diff = (int32_t)in[c] - max_in_row;
        if (table != NULL) {
            /* A table entry is in [0, 2^31): its Rescale<12> is a rounding shift of a non-negative value. */
            sum_of_exps += ((uint32_t)table[-input_diff] + (1u << (TD_S8_S16_ACCUMULATION_INTEGER_BITS - 1))) >>
                           TD_S8_S16_ACCUMULATION_INTEGER_BITS;
        } else if (input_diff >= params->diff_min) {
            sum_of_exps += (uint32_t)td_rounding_divide_by_pot(td_softmax_s8_s16_exp(params, input_diff),
                                                               TD_S8_S16_ACCUMULATION_INTEGER_BITS);
        }
    }
    /* TFLite's GetReciprocal. */
    headroom_plus_one = td_count_leading_zeros(sum_of_exps);
    exponent = TD_S8_S16_ACCUMULATION_INTEGER_BITS - headroom_plus_one + 31 - TD_S8_S16_OUTPUT_BITS;
    shifted_scale = td_one_over_one_plus_x_for_x_in_0_1((int32_t)((sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31)));
    for (c = 0; c < depth; ++c) {
        const int32_t input_diff = (int32_t)in[c] - max_in_row;
        if (input_diff >= params->diff_min) {
            const int32_t exp = table != NULL ? table[-input_diff] : td_softmax_s8_s16_exp(params, input_diff);
            const int32_t unsaturated = td_rounding_divide_by_pot(td_fixed_mul(shifted_scale, exp), exponent);
            out[c] = (int16_t)td_clamp_i32(unsaturated - 32768, -32768, 32767);
        } else {
            out[c] = -32768;
        }
    }
}

td_status td_softmax_s8_s16(const td_softmax_params_s8 *params,
                            int32_t rows,
                            int32_t depth,
                            const int8_t *input,
                            int16_t *output)
{
    int32_t row, c;
    for (row = 0; row < rows; ++row) {
        const int8_t *in = input + row * depth;
        int32_t max_in_row = -128;
        for (c = 0; c < depth; ++c) {
            max_in_row = td_max_i32(max_in_row, in[c]);
        }
        td_softmax_s8_s16_row(params, depth, in, output + row * depth, max_in_row);
    }
    return TD_OK;
}
