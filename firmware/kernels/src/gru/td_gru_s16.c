/* GRU 16x8, portable: td_gru_s16_body.h with td_rnn_s16.h's portable FC step. */
#include "td_gru_s16_body.h"
