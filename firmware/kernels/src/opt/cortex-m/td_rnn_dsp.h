/*
 * TinyDeploy kernel library, internal: what the packed int8 LSTM and GRU kernels of the Cortex-M
 * DSP variant (td_lstm_s8_packed.c, td_gru_s8_packed.c) both compute the same way: requantizations
 * in SMMLAR's form, the int16 sigmoid and tanh without branches, and the expansion of int8 values
 * into SXTB16's lane order. Included after td_dsp.h and td_lstm_s8_reference.h in DSP builds.
 */
#ifndef TD_RNN_DSP_H
#define TD_RNN_DSP_H

/**
 * A requantization in the fast form: SMMLAR(2 * acc, m, rounding + sign) >> right_shift, where
 * sign = -1 for acc < 0 and right_shift >= 1, else 0.
 *
 * Why it is TFLite's MultiplyByQuantizedMultiplier(acc, m, -right_shift) when |acc| < 2^30 (so
 * 2 * acc does not overflow) and 0 < m < 2^31:
 * - SaturatingRoundingDoublingHighMul(acc, m) = (acc * m + nudge) / 2^31 (C division,
 *   truncating), nudge = 2^30 for acc * m >= 0 and 1 - 2^30 otherwise. For p = acc * m >= 0 that
 *   is floor((p + 2^30) / 2^31); for p < 0 it is -floor((-p - 1 + 2^30) / 2^31) =
 *   ceil((p + 1 - 2^30) / 2^31) = floor((p + 2^30) / 2^31) as well (p + 2^30 is a multiple of
 *   2^31 only where both sides agree). So it is floor((2 * acc * m + 2^31) / 2^32) = SMMULR(2 * acc, m),
 *   and never saturates (that needs acc = m = -2^31).
 * - The rounding division by 2^r (r = right_shift >= 1) of that value v is
 *   (v + 2^(r-1) - (v < 0)) >> r; SMMLAR(2 * acc, m, c) = c + SMMULR(2 * acc, m), so with
 *   c = 2^(r-1) - (acc < 0) it is the same except where v = 0 with acc < 0: then
 *   (2^(r-1) - 1) >> r = 0 = the rounding division of 0. v < 0 implies acc < 0 (m > 0).
 * - r = 0 (shift 0): no division, c = 0 (rounding 0, no sign term).
 */
typedef struct {
    int32_t multiplier;
    int32_t right_shift;
    int32_t rounding; /* 2^(right_shift - 1); 0 for a right shift of 0 */
} td_lstm_fast_requant;

/** The fast form's parameters, or 0 when it does not hold for accumulators up to `bound` in magnitude. */
TD_NOINLINE static int td_lstm_fast_requant_of(const td_requant *requant, int64_t bound, td_lstm_fast_requant *fast)
{
    const int32_t right_shift = -requant->shift;
    fast->multiplier = 0;
    fast->right_shift = 0;
    fast->rounding = 0;
    if (requant->multiplier <= 0 || right_shift < 0 || right_shift > 31 || bound >= ((int64_t)1 << 30)) {
        return 0;
    }
    fast->multiplier = requant->multiplier;
    fast->right_shift = right_shift;
    fast->rounding = right_shift > 0 ? (int32_t)1 << (right_shift - 1) : 0;
    return 1;
}

/**
 * td_lstm_gate_sigmoid of a pre-activation in [-32768, 32767] without its branches: the input
 * x = 3 * pre has |x| <= 98304, so the table entry |x| >> 9 <= 192 never saturates; and with
 * P = (r + 2^9) >> 10 for the interpolation r >= 0, TFLite's negative branch
 * ((2^25 - r + 2^9 - 1) >> 10) is 2^15 - P (write r + 2^9 = 2^10 q + s, 0 <= s < 2^10: it is
 * 2^15 - q + floor((2^10 - 1 - s) / 2^10) = 2^15 - q).
 */
TD_INLINE int32_t td_lstm_sigmoid_gate(int32_t pre_activation)
{
    const int32_t input = pre_activation * 3;
    const int32_t sign = input >> 31;
    const uint32_t magnitude = (uint32_t)((input ^ sign) - sign);
    const uint32_t entry = magnitude >> 9;
    const uint32_t low = td_sigmoid_table[entry];
    const uint32_t high = td_sigmoid_table[entry + 1];
    const int32_t p = (int32_t)(((low << 9) + (magnitude & 0x1ff) * (high - low) + (1u << 9)) >> 10);
    return p + (sign & (32768 - 2 * p));
}

/**
 * td_tanh_int16 without its branches: with P = (r + 2^7) >> 8, TFLite's positive branch
 * ((r - 2^23 + 2^7) >> 8) is P - 2^15 and its negative one ((2^23 + 2^7 - 1 - r) >> 8) is
 * 2^15 - P (as for the sigmoid), so tanh is odd; the saturated case (entry >= 255, r = 0xffff << 8)
 * is entry 255 with the table's entry 256 equal to it. P <= 65535, so no int16 wrap.
 */
TD_INLINE int32_t td_lstm_tanh_fast(int32_t input)
{
    const int32_t sign = input >> 31;
    const uint32_t magnitude = (uint32_t)((input ^ sign) - sign);
    const uint32_t shifted = magnitude >> 8;
    const uint32_t entry = shifted > 255 ? 255 : shifted;
    const uint32_t low = td_sigmoid_table[entry];
    const uint32_t high = td_sigmoid_table[entry + 1];
    const int32_t p = (int32_t)(((low << 8) + (magnitude & 0xff) * (high - low) + (1u << 7)) >> 8) - 32768;
    return (p ^ sign) - sign;
}

/** A gate FC's or a product's requantization in the fast form; `shifted` (a constant): its right shift is >= 1. */
TD_INLINE int32_t td_lstm_requant_form(int32_t acc, const td_lstm_fast_requant *requant, int shifted)
{
    const int32_t doubled = (int32_t)((uint32_t)acc << 1);
    const int32_t sign = shifted ? doubled >> 31 : (doubled >> 31) & -(int32_t)(requant->rounding != 0);
    return td_smmlar(doubled, requant->multiplier, requant->rounding + sign) >> requant->right_shift;
}

/**
 * `count` int8 values as int16 (no offset), each group of four as the words (v0, v2), (v1, v3),
 * the last group padded with zeros (its weights are zeros).
 */
TD_NOINLINE static void td_rnn_packed_expand(const int8_t *values, int32_t count, td_word *words)
{
    int32_t k = 0;
    for (; k + 4 <= count; k += 4) {
        const uint32_t four = td_read_u32(values + k);
        words[0] = td_sxtb16(four);
        words[1] = td_sxtb16_ror8(four);
        words += 2;
    }
    if (k < count) {
        uint32_t four = 0;
        int32_t j;
        for (j = 0; k + j < count; ++j) {
            four |= (uint32_t)(uint8_t)values[k + j] << (8 * j);
        }
        words[0] = td_sxtb16(four);
        words[1] = td_sxtb16_ror8(four);
    }
}

#endif /* TD_RNN_DSP_H */
