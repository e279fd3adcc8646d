/*
 * TinyDeploy kernel library, internal: the Cortex-M DSP form of the 16x8 LSTM's and GRU's FC step
 * (td_rnn_s16.h). Each input row is interleaved once per call into words (x0, x2), (x1, x3) per
 * four values (td_s16_dsp.h's lanes, the last group zero-padded); every unit then adds one weight
 * word per four values with SXTB16 twice and SMLAD twice into an int32 sum, exact for up to
 * TD_S16_MAX_TERMS values (longer rows take the portable path), and requantizes it as
 * td_fully_connected_s16 does: the 64-bit way through one prepared SMLAL (`wide`), or the 32-bit
 * way. Same bits as the portable step.
 */
#ifndef TD_RNN_S16_DSP_H
#define TD_RNN_S16_DSP_H

#include "td_s16_dsp.h"

#if TD_KERNELS_DSP

#define TD_RNN_S16_FC_DSP 1

/** 1 when it computed the FC step (depth within TD_S16_MAX_TERMS), 0 to leave it to the portable path. */
static int32_t td_rnn_s16_fc_dsp(uint32_t *words,
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
    static const td_activation full_range = {-32768, 32767};
    const int32_t groups = depth >> 2;
    const int32_t tail = depth & 3;
    int32_t row, unit, g;
    if (depth > TD_S16_MAX_TERMS || (!wide && bias != NULL)) {
        return 0;
    }
    for (row = 0; row < rows; ++row) {
        const int16_t *x = values + row * depth;
        for (g = 0; g < groups; ++g) {
            td_s16_interleave(td_read_u32(x + 4 * g), td_read_u32(x + 4 * g + 2), &words[2 * g], &words[2 * g + 1]);
        }
        if (tail != 0) {
            const int32_t x0 = x[4 * groups], x1 = tail > 1 ? x[4 * groups + 1] : 0, x2 = tail > 2 ? x[4 * groups + 2] : 0;
            words[2 * groups] = td_pack16(x0, x2);
            words[2 * groups + 1] = td_pack16(x1, 0);
        }
        for (unit = 0; unit < units; ++unit) {
            const int8_t *w = weights + unit * depth;
            int32_t sum = 0;
            for (g = 0; g < groups; ++g) {
                sum = td_s16_mac4(td_read_u32(w + 4 * g), words[2 * g], words[2 * g + 1], sum);
            }
            if (tail != 0) {
                sum = td_s16_mac4(td_s16_tail_weights(w + 4 * groups, tail), words[2 * groups], words[2 * groups + 1], sum);
            }
            if (wide) {
                const td_s16_requant prepared = td_s16_requant_of(bias, unit, requant->multiplier, requant->shift);
                *result++ = td_s16_requant_apply(sum, &prepared, &full_range);
            } else {
                /* No bias in the int32 form's callers (the GRU's recurrent FCs). */
                *result++ = (int16_t)td_clamp_i32(td_multiply_by_quantized_multiplier(sum, requant->multiplier, requant->shift), -32768, 32767);
            }
        }
    }
    return 1;
}

#endif /* TD_KERNELS_DSP */

#endif /* TD_RNN_S16_DSP_H */
