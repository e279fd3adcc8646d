/* LSTM 16x8, portable: td_lstm_s16_body.h with td_rnn_s16.h's portable FC step. */
#include "td_lstm_s16_body.h"
