/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, float32: td_lstm_f32_reference.h (TFLite Micro's lstm_eval.h with
 * float types).
 */
#include "td_lstm_f32_reference.h"
