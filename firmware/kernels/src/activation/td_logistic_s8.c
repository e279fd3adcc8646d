/*
 * LOGISTIC, int8 (TFLite's reference_integer_ops::Logistic): inputs beyond the range radius
 * saturate; others are rescaled to Q4.27, go through gemmlowp's fixed-point logistic and are
 * scaled to the output (scale 1/256, zero point -128).
 */
#include "../internal/td_common.h"

td_status td_logistic_s8(const td_logistic_params_s8 *params, int32_t size, const int8_t *input, int8_t *output)
{
    const int32_t radius = params->input_range_radius;
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t x = (int32_t)input[i] + params->input_offset;
        if (x <= -radius) {
            output[i] = -128;
        } else if (x >= radius) {
            output[i] = 127;
        } else {
            const int32_t input_in_q4 =
                td_multiply_by_quantized_multiplier(x, params->input_multiplier, params->input_left_shift);
            const int32_t output_in_q0 = td_fixed_logistic(input_in_q4, 4);
            const int32_t output_in_q23 = td_rounding_divide_by_pot(output_in_q0, 31 - 8);
            output[i] = (int8_t)td_clamp_i32(output_in_q23 - 128, -128, 127);
        }
    }
    return TD_OK;
}
