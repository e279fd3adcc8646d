/*
 * LOG_SOFTMAX, int8, over the last axis (TFLite's reference_integer_ops::LogSoftmax; output scale
 * 16/256, zero point 127): differences to the row maximum in Q5.26, the sum of their exps in
 * Q12.19 (differences below diff_min skipped), its log in Q5.26 (gemmlowp's
 * log_x_for_x_greater_than_or_equal_to_1), each difference minus the log rounded to Q4 plus 127,
 * clamped; differences at or below max(diff_min - 1, the log mapped back to input units) give -128.
 */
#include "../internal/td_common.h"

static int32_t saturating_add(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return sum > TD_INT32_MAX ? TD_INT32_MAX : (sum < TD_INT32_MIN ? TD_INT32_MIN : (int32_t)sum);
}

static int32_t wrap_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* log(x) for x >= 1: x with input_bits integer bits, the result with output_bits. */
static int32_t log_x_for_x_ge_1(int32_t x, int32_t output_bits, int32_t input_bits)
{
    const int32_t accum_bits = output_bits + 1;
    const int32_t log_2 = 1488522236;
    const int32_t sqrt_sqrt_half = 1805811301;
    const int32_t sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297;
    const int32_t alpha_d = 127690142;
    const int32_t alpha_i = 1057819769;
    const int32_t alpha_f = 638450708;
    const int32_t shifted_quarter = td_saturating_rounding_multiply_by_pot(536870912, -accum_bits);
    const int32_t z_a_headroom_plus_1 = td_count_leading_zeros((uint32_t)x);
    const int32_t r_a_tmp = td_saturating_rounding_multiply_by_pot(x, z_a_headroom_plus_1 - 1);
    const int32_t r_a_raw = td_saturating_rounding_multiply_by_pot(td_saturating_rounding_doubling_high_mul(r_a_tmp, sqrt_half), 1);
    const int32_t z_a_pow_2_adj = saturating_add(td_saturating_rounding_multiply_by_pot(input_bits - z_a_headroom_plus_1, 31 - accum_bits), shifted_quarter);
    const int32_t z_b = td_saturating_rounding_doubling_high_mul(x, sqrt_half);
    const int32_t z_b_headroom = td_count_leading_zeros((uint32_t)z_b) - 1;
    const int32_t r_b_raw = td_saturating_rounding_multiply_by_pot(x, z_b_headroom);
    const int32_t z_b_pow_2_adj = saturating_add(td_saturating_rounding_multiply_by_pot(input_bits - z_b_headroom, 31 - accum_bits), -shifted_quarter);
    const int32_t r = td_min_i32(r_a_raw, r_b_raw);
    const int32_t z_pow_2_adj = td_max_i32(z_a_pow_2_adj, z_b_pow_2_adj);
    const int32_t p = td_rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = wrap_add(r, -sqrt_sqrt_half);
    int32_t common_sq, num, denom_minus_one, recip_denom, num_scaled;
    q = wrap_add(q, q);
    common_sq = td_saturating_rounding_doubling_high_mul(q, q);
    num = wrap_add(td_saturating_rounding_doubling_high_mul(q, r),
                   td_saturating_rounding_doubling_high_mul(td_saturating_rounding_doubling_high_mul(q, common_sq), alpha_n));
    denom_minus_one = wrap_add(td_saturating_rounding_doubling_high_mul(p, wrap_add(wrap_add(alpha_i, q), td_saturating_rounding_doubling_high_mul(alpha_d, common_sq))),
                               td_saturating_rounding_doubling_high_mul(alpha_f, q));
    recip_denom = td_one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
    num_scaled = td_saturating_rounding_multiply_by_pot(num, -accum_bits);
    return td_saturating_rounding_multiply_by_pot(
        wrap_add(td_saturating_rounding_doubling_high_mul(z_pow_2_adj, log_2), td_saturating_rounding_doubling_high_mul(num_scaled, recip_denom)),
        accum_bits - output_bits);
}

td_status td_log_softmax_s8(const td_log_softmax_params_s8 *params, int32_t outer, int32_t depth, const int8_t *input, int8_t *output)
{
    int32_t o;
    int32_t c;
    for (o = 0; o < outer; ++o) {
        const int8_t *x = input + o * depth;
        int8_t *y = output + o * depth;
        int32_t max = -128;
        int32_t sum = 0;
        int32_t log_sum;
        int32_t adjusted_diff_min;
        for (c = 0; c < depth; ++c) {
            max = td_max_i32(max, x[c]);
        }
        for (c = 0; c < depth; ++c) {
            const int32_t diff = x[c] - max;
            if (diff >= params->diff_min) {
                const int32_t scaled = td_multiply_by_quantized_multiplier(diff, params->input_multiplier, params->input_left_shift);
                sum = wrap_add(sum, td_rounding_divide_by_pot(td_exp_on_negative_values(scaled, 5), 12));
            }
        }
        log_sum = log_x_for_x_ge_1(sum, 5, 12);
        adjusted_diff_min = td_max_i32(params->diff_min - 1,
                                       td_multiply_by_quantized_multiplier(wrap_add(log_sum, TD_INT32_MIN), params->reverse.multiplier, params->reverse.shift));
        for (c = 0; c < depth; ++c) {
            const int32_t diff = x[c] - max;
            if (diff > adjusted_diff_min) {
                const int32_t scaled = td_multiply_by_quantized_multiplier(diff, params->input_multiplier, params->input_left_shift);
                y[c] = (int8_t)td_clamp_i32(td_rounding_divide_by_pot(wrap_add(scaled, -log_sum), 31 - 5 - 4) + 127, -128, 127);
            } else {
                y[c] = -128;
            }
        }
    }
    return TD_OK;
}
