/*
 * TinyDeploy kernel library, internal: the fully connected step of the 16x8 LSTM and GRU
 * (td_lstm_s16, td_gru_s16). Each is TFLite's reference_integer_ops::FullyConnected for int16
 * input: `wide`, the int64-bias form (64-bit sum and TFLite's 64-bit MultiplyByQuantizedMultiplier),
 * or not, the int32 form (the sum as int32, the 32-bit requantization); clamped to int16, no bias
 * or an int64 one. Portable builds call td_fully_connected_s16 with the FC's one multiplier
 * repeated per unit (written into the scratch first); a Cortex-M DSP build's kernel file defines
 * TD_RNN_S16_FC_DSP (src/opt/cortex-m/td_rnn_s16_dsp.h) and runs the depths it handles there.
 */
#ifndef TD_RNN_S16_H
#define TD_RNN_S16_H

#include "td_s16.h"

/** The FC step's scratch: S multipliers and S shifts, or the interleaved words of one input row. */
typedef struct {
    td_per_channel_quant quant;
    int32_t *multiplier;
    int8_t *shift;
    void *words;
} td_rnn_s16_fc;

/** Bytes of the FC step's scratch: 2 * S int32 values, or 2 bytes per input rounded up to four inputs. */
TD_INLINE int32_t td_rnn_s16_fc_bytes(int32_t input_size, int32_t state_size)
{
    const int32_t depth = input_size > state_size ? input_size : state_size;
    const int32_t words = 2 * ((depth + 3) & ~3);
    const int32_t multipliers = 2 * state_size * (int32_t)sizeof(int32_t);
    return words > multipliers ? words : multipliers;
}

/** The FC step over `scratch` (4-byte aligned, td_rnn_s16_fc_bytes long). */
TD_INLINE td_rnn_s16_fc td_rnn_s16_fc_of(void *scratch, int32_t state_size)
{
    td_rnn_s16_fc fc;
    fc.multiplier = (int32_t *)scratch;
    fc.shift = (int8_t *)(fc.multiplier + state_size);
    fc.quant.multiplier = fc.multiplier;
    fc.quant.shift = fc.shift;
    fc.words = scratch;
    return fc;
}

/** `rows` vectors of `depth` int16 values against [units][depth] int8 weights into int16 results. */
static void td_rnn_s16_fc_run(const td_rnn_s16_fc *fc,
                              int32_t wide,
                              const int16_t *values,
                              const int8_t *weights,
                              const int64_t *bias,
                              const td_requant *requant,
                              int32_t rows,
                              int32_t depth,
                              int32_t units,
                              int16_t *result)
{
    static const td_fc_params_s16 fc_wide = {1, {-32768, 32767}};
    static const td_fc_params_s16 fc_narrow = {0, {-32768, 32767}};
    int32_t unit;
#if defined(TD_RNN_S16_FC_DSP)
    if (td_rnn_s16_fc_dsp((uint32_t *)fc->words, wide, values, weights, bias, requant, rows, depth, units, result)) {
        return;
    }
#endif
    for (unit = 0; unit < units; ++unit) {
        fc->multiplier[unit] = requant->multiplier;
        fc->shift[unit] = requant->shift;
    }
    (void)td_fully_connected_s16(NULL, wide ? &fc_wide : &fc_narrow, &fc->quant, rows, depth, units, values, weights, bias, result);
}

#endif /* TD_RNN_S16_H */
