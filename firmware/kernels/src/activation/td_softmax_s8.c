/*
 * SOFTMAX, int8 -> int8 (TFLite's reference_ops::Softmax for quantized types): per row,
 * differences to the row maximum are rescaled by beta into Q5.26, exponentiated with
 * gemmlowp's exp_on_negative_values, summed in Q12.19, inverted with
 * one_over_one_plus_x_for_x_in_0_1 and scaled to the int8 output (scale 1/256, zero point
 * -128). Differences below diff_min give exp = 0.
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

td_status td_softmax_s8(const td_softmax_params_s8 *params,
                        int32_t rows,
                        int32_t depth,
                        const int8_t *input,
                        int8_t *output)
{
    int32_t row, c;
    for (row = 0; row < rows; ++row) {
        const int8_t *in = input + row * depth;
        int8_t *out = output + row * depth;
        int32_t max_in_row = -128;
        int32_t sum_of_exps = 0;
        int32_t headroom_plus_one, num_bits_over_unit, shifted_scale;
        for (c = 0; c < depth; ++c) {
            max_in_row = td_max_i32(max_in_row, in[c]);
        }
        for (c = 0; c < depth; ++c) {
            const int32_t input_diff = (int32_t)in[c] - max_in_row;
            if (input_diff >= params->diff_min) {
                /* Rescale<12> from Q0: a rounding division by 2^12. */
                const int32_t exp_in_0 = td_softmax_exp(params, input_diff);
                sum_of_exps += td_rounding_divide_by_pot(exp_in_0, TD_ACCUMULATION_INTEGER_BITS);
            }
        }
        /* TFLite's GetReciprocal: 1 / sum as a Q0 scale and a power of two. */
        headroom_plus_one = td_count_leading_zeros((uint32_t)sum_of_exps);
        num_bits_over_unit = TD_ACCUMULATION_INTEGER_BITS - headroom_plus_one;
        shifted_scale = td_one_over_one_plus_x_for_x_in_0_1(
            (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31)));
        for (c = 0; c < depth; ++c) {
            const int32_t input_diff = (int32_t)in[c] - max_in_row;
            if (input_diff >= params->diff_min) {
                const int32_t exp_in_0 = td_softmax_exp(params, input_diff);
                const int32_t unsaturated = td_rounding_divide_by_pot(td_fixed_mul(shifted_scale, exp_in_0),
                                                                      num_bits_over_unit + 31 - 8);
                out[c] = (int8_t)td_clamp_i32(unsaturated - 128, -128, 127);
            } else {
                out[c] = -128;
            }
        }
    }
    return TD_OK;
}
