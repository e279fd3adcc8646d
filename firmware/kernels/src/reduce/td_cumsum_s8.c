/*
 * CUMSUM, int8 (TFLite Micro's cumsum.cc with reference_ops::CumSum's 8-bit path) over the middle
 * axis of [outer][depth][inner]: each x + input_offset shifted left by left_shift and scaled by
 * `input` (MultiplyByQuantizedMultiplierSmallerThanOneExp); the accumulator starts from the scaled
 * input_offset as the reference kernel's does; the running sum (exclusive: before adding) scaled by
 * `output`, plus output_offset, clamped.
 */
#include "../internal/td_common.h"

static int32_t scale_down(int32_t x, td_requant r)
{
    return td_rounding_divide_by_pot(td_saturating_rounding_doubling_high_mul(x, r.multiplier), -r.shift);
}

td_status td_cumsum_s8(const td_cumsum_params_s8 *params, int32_t outer, int32_t depth, int32_t inner, int32_t exclusive, int32_t reverse, const int8_t *input, int8_t *output)
{
    int32_t o, i, d;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            int32_t accumulator = scale_down((int32_t)((uint32_t)params->input_offset << params->left_shift), params->input);
            for (d = 0; d < depth; ++d) {
                const int32_t index = (o * depth + (reverse ? depth - 1 - d : d)) * inner + i;
                const int32_t term = scale_down((int32_t)((uint32_t)(params->input_offset + input[index]) << params->left_shift), params->input);
                int32_t sum;
                if (exclusive) {
                    sum = accumulator;
                    accumulator += term;
                } else {
                    accumulator += term;
                    sum = accumulator;
                }
                output[index] = (int8_t)td_clamp_i32(scale_down(sum, params->output) + params->output_offset, params->activation.min, params->activation.max);
            }
        }
    }
    return TD_OK;
}
