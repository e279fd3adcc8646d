/*
 * HARD_SWISH int8 (TFLite's reference_ops::HardSwish): int16 fixed point on (x - zp) * 2^7.
 * The input on the output scale (rounding doubling high multiply by the Q15 output multiplier);
 * the "relu-ish" factor, the input rescaled so that 3.0 is 32768 with saturating shifts and
 * mapped from [-1, 1] to [0, 1]; their product with a non-rounding doubling high multiply;
 * the output exponent's rounding right shift; plus the output zero point, clamped to int8.
 */
#include "../internal/td_common.h"

TD_INLINE int16_t td_srdhm_i16(int16_t a, int16_t b)
{
    const int32_t ab = (int32_t)a * (int32_t)b;
    const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    if (a == b && a == INT16_MIN) {
        return INT16_MAX;
    }
    return (int16_t)((ab + nudge) / (1 << 15));
}

TD_INLINE int16_t td_sdhm_i16(int16_t a, int16_t b)
{
    if (a == b && a == INT16_MIN) {
        return INT16_MAX;
    }
    return (int16_t)(((int32_t)a * (int32_t)b) / (1 << 15));
}

TD_INLINE int16_t td_saturating_left_shift_i16(int16_t value, int32_t amount)
{
    const int64_t result = (int64_t)value * ((int64_t)1 << amount);
    return (int16_t)(result > INT16_MAX ? INT16_MAX : (result < INT16_MIN ? INT16_MIN : result));
}

td_status td_hard_swish_s8(const td_hard_swish_params *params, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int16_t input_value = (int16_t)((int32_t)input[i] - params->input_zero_point);
        const int16_t hires = (int16_t)(input_value * (1 << 7));
        const int16_t preshift_output = td_srdhm_i16(hires, (int16_t)params->output_multiplier);
        int16_t reluish = hires;
        int16_t value;
        if (params->reluish_exponent > 0) {
            reluish = td_saturating_left_shift_i16(reluish, params->reluish_exponent - 1);
        }
        reluish = td_srdhm_i16(reluish, (int16_t)params->reluish_multiplier);
        if (params->reluish_exponent > 0) {
            reluish = td_saturating_left_shift_i16(reluish, 1);
        }
        if (params->reluish_exponent < 0) {
            reluish = (int16_t)td_rounding_divide_by_pot(reluish, -params->reluish_exponent);
        }
        reluish = (int16_t)(((int32_t)reluish + (1 << 15)) >> 1);
        value = (int16_t)(td_rounding_divide_by_pot(td_sdhm_i16(reluish, preshift_output), -params->output_exponent) + params->output_zero_point);
        output[i] = (int8_t)td_clamp_i32(value, -128, 127);
    }
    return TD_OK;
}
