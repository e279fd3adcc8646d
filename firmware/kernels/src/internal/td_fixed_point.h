/*
 * TinyDeploy kernel library, internal: gemmlowp / TFLite fixed-point arithmetic in C99.
 *
 * Every function reproduces the int32 result of TFLite's reference code (gemmlowp's
 * fixedpoint.h and tensorflow/lite/kernels/internal/common.h, TFLITE_SINGLE_ROUNDING off)
 * for every input, which is what makes the int8 kernels bit-exact. Products are formed in
 * int64; right shifts of negative values are arithmetic (true of every compiler we target,
 * and assumed by TFLite itself).
 *
 * Fixed-point values are plain int32 "raw" numbers; a Qm value with m integer bits has
 * 31 - m fractional bits (gemmlowp's FixedPoint<int32_t, m>).
 */
#ifndef TD_FIXED_POINT_H
#define TD_FIXED_POINT_H

#include <stdint.h>

#define TD_INT32_MIN ((int32_t)(-2147483647 - 1))
#define TD_INT32_MAX ((int32_t)2147483647)

#if defined(__GNUC__)
#define TD_INLINE static inline __attribute__((always_inline))
#else
#define TD_INLINE static inline
#endif

TD_INLINE int32_t td_max_i32(int32_t a, int32_t b) { return a > b ? a : b; }
TD_INLINE int32_t td_min_i32(int32_t a, int32_t b) { return a < b ? a : b; }
TD_INLINE int32_t td_clamp_i32(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : (x > hi ? hi : x); }

/** round(a * b / 2^31), saturating the single overflow case INT32_MIN * INT32_MIN. */
TD_INLINE int32_t td_saturating_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == TD_INT32_MIN && b == TD_INT32_MIN) {
        return TD_INT32_MAX;
    }
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? (int64_t)(1 << 30) : (int64_t)(1 - (1 << 30));
    /* C99 division truncates toward zero, as gemmlowp's does. */
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/** x / 2^exponent rounded to nearest, ties away from zero; 0 <= exponent <= 31. */
TD_INLINE int32_t td_rounding_divide_by_pot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLite's MultiplyByQuantizedMultiplier, double rounding: x * m * 2^shift. */
TD_INLINE int32_t td_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left_shift = shift > 0 ? shift : 0;
    const int32_t right_shift = shift > 0 ? 0 : -shift;
    /* x * 2^left_shift wraps like TFLite's int32 multiply (the generator keeps it in range). */
    const int32_t shifted = (int32_t)((uint32_t)x << left_shift);
    return td_rounding_divide_by_pot(td_saturating_rounding_doubling_high_mul(shifted, multiplier), right_shift);
}

/** gemmlowp's SaturatingRoundingMultiplyByPOT<exponent> for a run-time exponent. */
TD_INLINE int32_t td_saturating_rounding_multiply_by_pot(int32_t x, int32_t exponent)
{
    if (exponent == 0) {
        return x;
    }
    if (exponent < 0) {
        return td_rounding_divide_by_pot(x, -exponent);
    }
    {
        const int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
        if (x > threshold) {
            return TD_INT32_MAX;
        }
        if (x < -threshold) {
            return TD_INT32_MIN;
        }
        return (int32_t)((uint32_t)x << exponent);
    }
}

/** gemmlowp's RoundingHalfSum for int32: (a + b) / 2 rounded away from zero. */
TD_INLINE int32_t td_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    const int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

/** Leading zero bits of a 32-bit word (32 for 0). */
TD_INLINE int32_t td_count_leading_zeros(uint32_t x)
{
#if defined(__GNUC__)
    return x == 0 ? 32 : __builtin_clz(x);
#else
    int32_t count = 0;
    if (x == 0) {
        return 32;
    }
    while ((x & 0x80000000u) == 0) {
        x <<= 1;
        ++count;
    }
    return count;
#endif
}

/* Fixed-point multiply: Qa * Qb -> Q(a+b). */
#define td_fixed_mul td_saturating_rounding_doubling_high_mul

/** exp(a) for a Q0 value a in [-1/4, 0) (gemmlowp's Taylor expansion around -1/8). Q0 result. */
TD_INLINE int32_t td_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a)
{
    const int32_t constant_term = 1895147668;    /* exp(-1/8) in Q0 */
    const int32_t constant_1_over_3 = 715827883; /* 1/3 in Q0 */
    const int32_t x = (int32_t)((uint32_t)a + (1u << 28)); /* a + 1/8 */
    const int32_t x2 = td_fixed_mul(x, x);
    const int32_t x3 = td_fixed_mul(x2, x);
    const int32_t x4 = td_fixed_mul(x2, x2);
    const int32_t x4_over_4 = td_rounding_divide_by_pot(x4, 2);
    const int32_t sum = td_fixed_mul((int32_t)((uint32_t)x4_over_4 + (uint32_t)x3), constant_1_over_3);
    const int32_t x4_over_24_plus_x3_over_6_plus_x2_over_2 =
        td_rounding_divide_by_pot((int32_t)((uint32_t)sum + (uint32_t)x2), 1);
    const int32_t polynomial = (int32_t)((uint32_t)x + (uint32_t)x4_over_24_plus_x3_over_6_plus_x2_over_2);
    return (int32_t)((uint32_t)constant_term + (uint32_t)td_fixed_mul(constant_term, polynomial));
}

/**
 * exp(a) for a <= 0 given in Q(integer_bits) (gemmlowp's exp_on_negative_values); Q0 result.
 * integer_bits is 4 or 5 in every caller, so gemmlowp's clamp below -32 never applies.
 */
TD_INLINE int32_t td_exp_on_negative_values(int32_t a, int32_t integer_bits)
{
    static const int32_t barrel_multipliers[7] = {
        1672461947, /* exp(-1/4) */
        1302514674, /* exp(-1/2) */
        790015084,  /* exp(-1) */
        290630308,  /* exp(-2) */
        39332535,   /* exp(-4) */
        720401,     /* exp(-8) */
        242,        /* exp(-16) */
    };
    const int32_t fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
    int32_t result = td_exp_on_interval_between_negative_one_quarter_and_0_excl(
        td_saturating_rounding_multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits));
    const int32_t remainder = (int32_t)((uint32_t)a_mod_quarter_minus_one_quarter - (uint32_t)a);
    int32_t exponent;
    for (exponent = -2; exponent <= 4; ++exponent) {
        if (integer_bits > exponent) {
            const int32_t bit = (int32_t)1 << (fractional_bits + exponent);
            if (remainder & bit) {
                result = td_fixed_mul(result, barrel_multipliers[exponent + 2]);
            }
        }
    }
    if (a == 0) {
        result = TD_INT32_MAX; /* One() in Q0 */
    }
    return result;
}

/** 1 / (1 + a) for a Q0 value a in [0, 1) (Newton-Raphson, gemmlowp); Q0 result. */
TD_INLINE int32_t td_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t half_denominator = td_rounding_half_sum(a, TD_INT32_MAX);
    const int32_t constant_48_over_17 = 1515870810;     /* Q2 */
    const int32_t constant_neg_32_over_17 = -1010580540; /* Q2 */
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = (int32_t)((uint32_t)constant_48_over_17 +
                          (uint32_t)td_fixed_mul(half_denominator, constant_neg_32_over_17));
    int32_t i;
    for (i = 0; i < 3; ++i) {
        const int32_t half_denominator_times_x = td_fixed_mul(half_denominator, x);
        const int32_t one_minus = (int32_t)((uint32_t)one_q2 - (uint32_t)half_denominator_times_x);
        x = (int32_t)((uint32_t)x + (uint32_t)td_saturating_rounding_multiply_by_pot(td_fixed_mul(x, one_minus), 2));
    }
    /* ExactMulByPot<-1> turns Q2 into Q1 with the same raw value; Rescale<0> shifts by 1. */
    return td_saturating_rounding_multiply_by_pot(x, 1);
}

/** (1 - a) / (1 + a) for a Q0 value a in [0, 1) (gemmlowp); Q0 result. */
TD_INLINE int32_t td_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t half_denominator = td_rounding_half_sum(a, TD_INT32_MAX);
    const int32_t constant_48_over_17 = 1515870810;
    const int32_t constant_neg_32_over_17 = -1010580540;
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = (int32_t)((uint32_t)constant_48_over_17 +
                          (uint32_t)td_fixed_mul(half_denominator, constant_neg_32_over_17));
    int32_t i;
    for (i = 0; i < 3; ++i) {
        const int32_t half_denominator_times_x = td_fixed_mul(half_denominator, x);
        const int32_t one_minus = (int32_t)((uint32_t)one_q2 - (uint32_t)half_denominator_times_x);
        x = (int32_t)((uint32_t)x + (uint32_t)td_saturating_rounding_multiply_by_pot(td_fixed_mul(x, one_minus), 2));
    }
    return td_saturating_rounding_multiply_by_pot((int32_t)((uint32_t)x - (uint32_t)one_q2), 2);
}

/** gemmlowp's logistic for a Q(integer_bits) input; Q0 result. */
TD_INLINE int32_t td_fixed_logistic(int32_t a, int32_t integer_bits)
{
    if (a == 0) {
        return (int32_t)1 << 30; /* one half */
    }
    {
        const int32_t abs_input = a > 0 ? a : -a;
        const int32_t result_if_positive =
            td_one_over_one_plus_x_for_x_in_0_1(td_exp_on_negative_values(-abs_input, integer_bits));
        return a > 0 ? result_if_positive : (int32_t)((uint32_t)TD_INT32_MAX - (uint32_t)result_if_positive);
    }
}

/** gemmlowp's tanh for a Q(integer_bits) input; Q0 result. */
TD_INLINE int32_t td_fixed_tanh(int32_t a, int32_t integer_bits)
{
    if (a == 0) {
        return 0;
    }
    {
        const int32_t negative_abs = a < 0 ? a : -a;
        /* ExactMulByPot<1>: the same raw value read with one more integer bit (2x). */
        const int32_t t = td_one_minus_x_over_one_plus_x_for_x_in_0_1(
            td_exp_on_negative_values(negative_abs, integer_bits + 1));
        return a < 0 ? -t : t;
    }
}

#endif /* TD_FIXED_POINT_H */
