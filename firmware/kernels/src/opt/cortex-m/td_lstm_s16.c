/*
 * LSTM 16x8, Cortex-M DSP variant: the portable kernel (src/lstm/td_lstm_s16_body.h) with its FC steps on
 * the DSP extension (td_rnn_s16_dsp.h: each input row interleaved once, SXTB16 + SMLAD per four
 * values, one prepared SMLAL per 64-bit requantization). Same bits.
 */
#include "td_rnn_s16_dsp.h"
#include "../../lstm/td_lstm_s16_body.h"
