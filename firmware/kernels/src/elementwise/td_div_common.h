/*
 * Quantized DIV (TFLite's reference_ops::Div, DivElementwise) for int8 and uint8 with
 * broadcasting: v1 = x1 + input1_offset, v2 = x2 + input2_offset; 1/|v2| as GetReciprocal gives
 * it (gemmlowp's one_over_one_plus_x on the normalized value), v1 moved up by its headroom, their
 * rounding doubling high product, rescaled by `output` with the shifts combined, plus
 * output_offset, clamped to the activation range. A zero divisor returns TD_ERROR_ARGUMENT.
 */
#ifndef TD_DIV_COMMON_H
#define TD_DIV_COMMON_H

#include "../internal/td_common.h"

TD_INLINE int32_t td_count_leading_sign_bits(int32_t x)
{
    if (x >= 0) {
        return td_count_leading_zeros((uint32_t)x) - 1;
    }
    return x != TD_INT32_MIN ? td_count_leading_zeros(2u * (uint32_t)(-x) - 1u) : 0;
}

/* x / y (y != 0) on the quantized grid, before the output offset. */
TD_INLINE int32_t td_div_element(int32_t v1, int32_t v2, const td_requant *output)
{
    const uint32_t magnitude = (uint32_t)(v2 > 0 ? v2 : -v2);
    const int32_t headroom_plus_one = td_count_leading_zeros(magnitude);
    const int32_t shifted_minus_one = (int32_t)((magnitude << headroom_plus_one) - ((uint32_t)1 << 31));
    const int32_t scale = td_one_over_one_plus_x_for_x_in_0_1(shifted_minus_one);
    const int32_t bits_over_unit = 31 - headroom_plus_one;
    const int32_t inverse = v2 > 0 ? scale : -scale;
    const int32_t headroom = td_count_leading_sign_bits(v1);
    const int32_t unscaled = td_saturating_rounding_doubling_high_mul((int32_t)((uint32_t)v1 << headroom), inverse);
    const int32_t total_shift = output->shift - bits_over_unit - headroom;
    const int32_t scaled = td_saturating_rounding_doubling_high_mul(unscaled, output->multiplier);
    /* gemmlowp's RoundingDivideByPOT past an exponent of 31, as it runs on a Cortex-M: the mask keeps
     * its low 32 bits (all ones) and the shift leaves only the sign, giving 1 for x >= 0, -1 below. */
    if (-total_shift >= 32) {
        return scaled >= 0 ? 1 : -1;
    }
    return td_rounding_divide_by_pot(scaled, -total_shift);
}

#define TD_DEFINE_DIV(NAME, T)                                                                                       \
    td_status NAME(const td_div_params *params, const td_dims *input1_dims, const T *input1, const td_dims *input2_dims, \
                   const T *input2, const td_dims *output_dims, T *output)                                           \
    {                                                                                                                \
        td_status status = TD_OK;                                                                                    \
        TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {                                                   \
            const int32_t v2 = (int32_t)input2[index2] + params->input2_offset;                                      \
            if (v2 == 0) {                                                                                           \
                status = TD_ERROR_ARGUMENT;                                                                          \
                output[out_index] = (T)params->activation.min;                                                       \
            } else {                                                                                                 \
                const int32_t q = td_div_element((int32_t)input1[index1] + params->input1_offset, v2, &params->output) + \
                                  params->output_offset;                                                             \
                output[out_index] = (T)td_clamp_i32(q, params->activation.min, params->activation.max);              \
            }                                                                                                        \
        });                                                                                                          \
        return status;                                                                                               \
    }

#endif /* TD_DIV_COMMON_H */
