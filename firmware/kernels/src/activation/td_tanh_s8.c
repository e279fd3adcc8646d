/*
 * TANH, int8 (TFLite's reference_integer_ops::Tanh): inputs beyond the range radius
 * saturate; others are rescaled to Q4.27, go through gemmlowp's fixed-point tanh and are
 * scaled to the output (scale 1/128, zero point 0).
 *
 * Tensors of TD_ACTIVATION_TABLE_MIN_SIZE values or more memoise the 256 possible outputs (on
 * the stack: 288 bytes), smaller ones compute every value.
 */
#include "../internal/td_common.h"

/** From this many values on, the outputs are memoised per input byte. */
#define TD_ACTIVATION_TABLE_MIN_SIZE 64

/** One output of the reference's formula. */
TD_INLINE int8_t td_tanh_one(const td_tanh_params_s8 *params, int8_t value)
{
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
    int32_t i;
    if (size < TD_ACTIVATION_TABLE_MIN_SIZE) {
        for (i = 0; i < size; ++i) {
            output[i] = td_tanh_one(params, input[i]);
        }
        return TD_OK;
    }
    {
        /* The output depends on the input byte only: each distinct byte is computed once, the
         * first time it occurs, and looked up after (a few hundred instructions saved per repeat). */
        int8_t table[256];
        uint32_t known[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (i = 0; i < size; ++i) {
            const uint32_t byte = (uint8_t)input[i];
            const uint32_t bit = 1u << (byte & 31u);
            if ((known[byte >> 5] & bit) == 0) {
                known[byte >> 5] |= bit;
                table[byte] = td_tanh_one(params, input[i]);
            }
            output[i] = table[byte];
        }
    }
    return TD_OK;
}
