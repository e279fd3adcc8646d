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

/*
 * td_sigmoid_table (td_lstm_s8_reference.h) rearranged for the interpolations below, one load each
 * (made from it by a script, checked against it by the golden vectors): base[e] = (T[e] << 8) + 2^7,
 * the tanh's interpolation start with its rounding; delta[e] = T[e + 1] - T[e] (0 at 255).
 */
static const uint32_t td_rnn_table_base[256] = {
    8388736, 8563584, 8738176, 8912256, 9086336, 9259392, 9431936, 9603456, 9774208, 9943424,
    10111616, 10278272, 10443392, 10606720, 10768512, 10928256, 11085952, 11241600, 11394944, 11546240,
    11694976, 11841408, 11985280, 12126592, 12265344, 12401536, 12534912, 12665728, 12793728, 12918912,
    13041280, 13160832, 13277568, 13391744, 13502848, 13611392, 13716864, 13819776, 13919872, 14017408,
    14112128, 14204288, 14293632, 14380672, 14464896, 14546816, 14626176, 14702976, 14777472, 14849920,
    14919808, 14987392, 15052928, 15116416, 15177856, 15236992, 15294336, 15349632, 15403136, 15454848,
    15504768, 15552896, 15599488, 15644288, 15687552, 15729024, 15769472, 15808128, 15845504, 15881344,
    15916160, 15949440, 15981696, 16012672, 16042624, 16071296, 16098944, 16125568, 16151168, 16175744,
    16199552, 16222336, 16244352, 16265344, 16285568, 16305024, 16323968, 16341888, 16359296, 16375936,
    16391808, 16407168, 16422016, 16436352, 16449920, 16462976, 16475520, 16487808, 16499328, 16510592,
    16521344, 16531584, 16541312, 16551040, 16560000, 16568704, 16577152, 16585344, 16593024, 16600448,
    16607616, 16614528, 16621184, 16627328, 16633472, 16639360, 16644992, 16650112, 16655488, 16660352,
    16664960, 16669568, 16673920, 16678272, 16682112, 16685952, 16689792, 16693376, 16696704, 16700032,
    16703104, 16706176, 16708992, 16711808, 16714624, 16717184, 16719488, 16721792, 16724096, 16726400,
    16728448, 16730240, 16732288, 16734080, 16735872, 16737664, 16739200, 16740736, 16742272, 16743552,
    16745088, 16746368, 16747648, 16748928, 16749952, 16750976, 16752256, 16753280, 16754048, 16755072,
    16756096, 16756864, 16757632, 16758400, 16759168, 16759936, 16760704, 16761472, 16761984, 16762752,
    16763264, 16763776, 16764288, 16765056, 16765312, 16765824, 16766336, 16766848, 16767360, 16767616,
    16768128, 16768384, 16768896, 16769152, 16769408, 16769920, 16770176, 16770432, 16770688, 16770944,
    16771200, 16771456, 16771712, 16771968, 16772224, 16772480, 16772480, 16772736, 16772992, 16773248,
    16773248, 16773504, 16773760, 16773760, 16774016, 16774016, 16774272, 16774272, 16774528, 16774528,
    16774784, 16774784, 16774784, 16775040, 16775040, 16775296, 16775296, 16775296, 16775552, 16775552,
    16775552, 16775552, 16775808, 16775808, 16775808, 16775808, 16776064, 16776064, 16776064, 16776064,
    16776064, 16776320, 16776320, 16776320, 16776320, 16776320, 16776320, 16776576, 16776576, 16776576,
    16776576, 16776576, 16776576, 16776576, 16776576, 16776832, 16776832, 16776832, 16776832, 16776832,
    16776832, 16776832, 16776832, 16776832, 16776832, 16777088,
};
static const uint16_t td_rnn_table_delta[256] = {
    683, 682, 680, 680, 676, 674, 670, 667, 661, 657, 651, 645, 638, 632, 624, 616, 608, 599, 591, 581,
    572, 562, 552, 542, 532, 521, 511, 500, 489, 478, 467, 456, 446, 434, 424, 412, 402, 391, 381, 370,
    360, 349, 340, 329, 320, 310, 300, 291, 283, 273, 264, 256, 248, 240, 231, 224, 216, 209, 202, 195,
    188, 182, 175, 169, 162, 158, 151, 146, 140, 136, 130, 126, 121, 117, 112, 108, 104, 100, 96, 93,
    89, 86, 82, 79, 76, 74, 70, 68, 65, 62, 60, 58, 56, 53, 51, 49, 48, 45, 44, 42,
    40, 38, 38, 35, 34, 33, 32, 30, 29, 28, 27, 26, 24, 24, 23, 22, 20, 21, 19, 18,
    18, 17, 17, 15, 15, 15, 14, 13, 13, 12, 12, 11, 11, 11, 10, 9, 9, 9, 9, 8,
    7, 8, 7, 7, 7, 6, 6, 6, 5, 6, 5, 5, 5, 4, 4, 5, 4, 3, 4, 4,
    3, 3, 3, 3, 3, 3, 3, 2, 3, 2, 2, 2, 3, 1, 2, 2, 2, 2, 1, 2,
    1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0,
    1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0,
    0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
};

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
    /* (T[e] << 9) + f * delta + 2^9 = 2 * base[e] + 2^8 + f * delta */
    const int32_t p =
        (int32_t)(((td_rnn_table_base[entry] << 1) + (1u << 8) + (magnitude & 0x1ff) * td_rnn_table_delta[entry]) >> 10);
    return p + (sign & (32768 - 2 * p));
}

/**
 * td_tanh_int16 without its branches: with P = (r + 2^7) >> 8, TFLite's positive branch
 * ((r - 2^23 + 2^7) >> 8) is P - 2^15 and its negative one ((2^23 + 2^7 - 1 - r) >> 8) is
 * 2^15 - P (as for the sigmoid), so tanh is odd; the saturated case (entry >= 255, r = 0xffff << 8)
 * is entry 255 with delta 0 there (T[256] = T[255]). P <= 65535, so no int16 wrap.
 */
TD_INLINE int32_t td_lstm_tanh_fast(int32_t input)
{
    const int32_t sign = input >> 31;
    const uint32_t magnitude = (uint32_t)((input ^ sign) - sign);
    const uint32_t shifted = magnitude >> 8;
    const uint32_t entry = shifted > 255 ? 255 : shifted;
    const int32_t p = (int32_t)((td_rnn_table_base[entry] + (magnitude & 0xff) * td_rnn_table_delta[entry]) >> 8) - 32768;
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
