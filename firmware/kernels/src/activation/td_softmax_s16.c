/*
 * SOFTMAX, int16 -> int16 (TFLite Micro's reference_ops::SoftmaxInt16): per row, each difference
 * to the row maximum is rescaled (input scale * beta / (10 / 65535): [-10, 0] spans [-65535, 0]),
 * recentred to [-32768, 32767] and looked up in the exp table (Q0.15; the exponentials are kept in
 * the output meanwhile). Their sum (Q16.15) is normalised by its leading zeros to [2^16, 2^17),
 * recentred and looked up in the 1/(1 + x) table; each exponential times that reciprocal is shifted
 * right by 31 - leading zeros with rounding and clamped to [0, 32767].
 */
#include "../internal/td_common.h"

/** TFLite's lut_lookup_with_interpolation for int16: the top 9 bits pick the entry, the low 7 interpolate. */
TD_INLINE int16_t td_int16_lut_lookup(int32_t value, const int16_t *lut)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7f;
    const int32_t base = lut[index];
    const int32_t slope = lut[index + 1] - base;
    return (int16_t)(base + ((slope * offset + 64) >> 7));
}

td_status td_softmax_s16(const td_softmax_params_s16 *params,
                         int32_t rows,
                         int32_t depth,
                         const int16_t *input,
                         int16_t *output)
{
    int32_t row, c;
    for (row = 0; row < rows; ++row) {
        const int16_t *in = input + row * depth;
        int16_t *out = output + row * depth;
        int32_t max_in_row = -32768;
        int32_t sum_of_exps = 0;
        int32_t headroom_plus_one, shifted_sum, reciprocal, right_shift;
        int64_t round;
        for (c = 0; c < depth; ++c) {
            max_in_row = td_max_i32(max_in_row, in[c]);
        }
        for (c = 0; c < depth; ++c) {
            const int32_t scaled =
                td_multiply_by_quantized_multiplier((int32_t)in[c] - max_in_row, params->input.multiplier, params->input.shift);
            out[c] = td_int16_lut_lookup(td_clamp_i32(scaled + 32767, -32768, 32767), params->exp_lut);
            sum_of_exps += out[c];
        }
        headroom_plus_one = td_count_leading_zeros((uint32_t)sum_of_exps);
        shifted_sum = (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        reciprocal = td_int16_lut_lookup(td_clamp_i32(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767),
                                         params->one_over_one_plus_x_lut);
        right_shift = 31 - headroom_plus_one;
        round = (int64_t)1 << (right_shift - 1);
        for (c = 0; c < depth; ++c) {
            const int32_t result = (int32_t)(((int64_t)out[c] * reciprocal + round) >> right_shift);
            out[c] = (int16_t)td_clamp_i32(result, 0, 32767);
        }
    }
    return TD_OK;
}
