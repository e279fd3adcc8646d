/*
 * TinyDeploy kernel library, internal: the epilogue of the 16x8 kernels (int16 activations,
 * int8 weights), bit-exact with TFLite's reference_integer_ops for int16 input.
 */
#ifndef TD_S16_H
#define TD_S16_H

#include "td_common.h"

/**
 * TFLite's 64-bit MultiplyByQuantizedMultiplier (the int64-bias 16x8 kernels): the Q31
 * multiplier rounded to 15 bits, one product, one rounding shift by 15 - shift, the result
 * truncated to int32 as TFLite's cast does. |x| stays far below 2^48 in every caller.
 */
TD_INLINE int32_t td_multiply_by_quantized_multiplier_s64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int64_t reduced = multiplier < 0x7fff0000 ? (((int64_t)multiplier + (1 << 15)) >> 16) : 0x7fff;
    const int32_t total_shift = 15 - shift;
    const int64_t rounded = x * reduced + ((int64_t)1 << (total_shift - 1));
    return (int32_t)(uint32_t)(uint64_t)(rounded >> total_shift);
}

/**
 * One 16x8 output: sum + bias, requantized the `wide` way (64-bit) or the int32 way (the sum
 * wrapped to int32 as TFLite's int32 accumulator is), clamped.
 */
TD_INLINE int16_t td_requantize_s16_output(int64_t sum,
                                           const int64_t *bias,
                                           int32_t channel,
                                           int32_t wide,
                                           int32_t multiplier,
                                           int32_t shift,
                                           const td_activation *activation)
{
    int32_t value;
    if (bias != NULL) {
        sum += bias[channel];
    }
    if (wide) {
        value = td_multiply_by_quantized_multiplier_s64(sum, multiplier, shift);
    } else {
        value = td_multiply_by_quantized_multiplier((int32_t)(uint32_t)(uint64_t)sum, multiplier, shift);
    }
    return (int16_t)td_clamp_i32(value, activation->min, activation->max);
}

#endif /* TD_S16_H */
