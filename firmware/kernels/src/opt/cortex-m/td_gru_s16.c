/*
 * GRU 16x8, Cortex-M DSP variant: the portable kernel (src/gru/td_gru_s16_body.h) with its FC steps on
 * the DSP extension (td_rnn_s16_dsp.h: each input row interleaved once, SXTB16 + SMLAD per four
 * values, one prepared SMLAL per 64-bit requantization). Same bits.
 */
#include "td_rnn_s16_dsp.h"
#include "../../gru/td_gru_s16_body.h"
