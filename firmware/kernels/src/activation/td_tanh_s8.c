/*
 * TANH, int8 (TFLite's reference_integer_ops::Tanh): inputs beyond the range radius
 * saturate; others are rescaled to Q4.27, go through gemmlowp's fixed-point tanh and are
 * scaled to the output (scale 1/128, zero point 0).
 * Each distinct input byte is computed once (td_byte_memo.h).
 */
#include "../internal/td_byte_memo.h"

/** One output of the reference's formula. */
TD_INLINE int8_t td_tanh_one(const void *opaque, int8_t value)
{
    const td_tanh_params_s8 *params = (const td_tanh_params_s8 *)opaque;
    const int32_t x = (int32_t)value + params->input_offset;
    if (x <= -params->input_range_radius) {
        return -128;
    }
    if (x >= params->input_range_radius) {
        return 127;
    }
    {
        const int32_t input_in_q4 = td_multiply_by_quantized_multiplier(x, params->input_multiplier, params->input_left_shift);
        const int32_t output_in_q0 = td_fixed_tanh(input_in_q4, 4);
        const int32_t output_in_q24 = td_rounding_divide_by_pot(output_in_q0, 31 - 7);
        return (int8_t)td_clamp_i32(output_in_q24, -128, 127);
    }
}

td_status td_tanh_s8(const td_tanh_params_s8 *params, int32_t size, const int8_t *input, int8_t *output)
{
    td_map_bytes_s8(td_tanh_one, params, size, input, output);
    return TD_OK;
}
