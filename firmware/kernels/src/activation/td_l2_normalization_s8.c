/*
 * L2_NORMALIZATION, int8, over the last axis (TFLite's reference_integer_ops::L2Normalization):
 * the int32 sum of (x - zero point)^2, its inverse square root as a multiplier and shift
 * (GetInvSqrtQuantizedMultiplierExp: five Newton-Raphson steps in Q3.28 from 1, times sqrt(2)/2),
 * each x - zero point multiplied by it with 7 more bits of left shift (output scale 1/128, zero
 * point 0), clamped to int8.
 */
#include "../internal/td_common.h"

static void inv_sqrt_quantized_multiplier(int32_t input, int32_t *multiplier, int32_t *shift)
{
    const int32_t half_three = (1 << 28) + (1 << 27);
    int32_t half_input;
    int32_t x = 1 << 28;
    int32_t left_shift_bit_pairs;
    int32_t i;
    if (input <= 1) {
        *multiplier = TD_INT32_MAX;
        *shift = 0;
        return;
    }
    *shift = 11;
    while (input >= (1 << 29)) {
        input /= 4;
        ++*shift;
    }
    left_shift_bit_pairs = (td_count_leading_zeros((uint32_t)input) - 1) / 2 - 1;
    *shift -= left_shift_bit_pairs;
    input <<= 2 * left_shift_bit_pairs;
    half_input = td_saturating_rounding_multiply_by_pot(input >> 1, -1);
    for (i = 0; i < 5; ++i) {
        const int32_t x3 = td_saturating_rounding_multiply_by_pot(
            td_saturating_rounding_doubling_high_mul(td_saturating_rounding_doubling_high_mul(x, x), x), 6);
        x = td_saturating_rounding_multiply_by_pot(
            (int32_t)((uint32_t)td_saturating_rounding_doubling_high_mul(half_three, x) -
                      (uint32_t)td_saturating_rounding_doubling_high_mul(half_input, x3)),
            3);
    }
    *multiplier = td_saturating_rounding_doubling_high_mul(x, 1518500250);
    if (*shift < 0) {
        *multiplier = (int32_t)((uint32_t)*multiplier << -*shift);
        *shift = 0;
    }
    /* Right-positive to MultiplyByQuantizedMultiplier's left-positive shift. */
    *shift = -*shift;
}

td_status td_l2_normalization_s8(int32_t input_zero_point, int32_t outer, int32_t depth, const int8_t *input, int8_t *output)
{
    int32_t o;
    int32_t c;
    for (o = 0; o < outer; ++o) {
        const int8_t *x = input + o * depth;
        int32_t sum = 0;
        int32_t multiplier;
        int32_t shift;
        for (c = 0; c < depth; ++c) {
            const int32_t v = x[c] - input_zero_point;
            sum += v * v;
        }
        inv_sqrt_quantized_multiplier(sum, &multiplier, &shift);
        for (c = 0; c < depth; ++c) {
            const int32_t value = td_multiply_by_quantized_multiplier(x[c] - input_zero_point, multiplier, shift + 7);
            *output++ = (int8_t)td_clamp_i32(value, -128, 127);
        }
    }
    return TD_OK;
}
