/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, float32, on a core with a single-precision FPU (__ARM_FP bit 2;
 * TD_DSP_EMULATE compiles the same blocks in C): the gates' fully connected products four weight
 * rows at a time where the weights lie (td_f32_fc_rows4: each input value loaded once for four
 * sums, VLDM and a separate VMUL and VADD per term), leftover rows one by one. Each sum runs in
 * input order with the bias added last, as the portable kernel (td_lstm_f32_reference.h), whose
 * steps this file otherwise is: bit-identical.
 */
#include "../../internal/td_f32_runs.h"

#if (defined(__ARM_FP) && (__ARM_FP & 4)) || defined(TD_DSP_EMULATE)
#define TD_LSTM_FC_F32 td_f32_fc_rows4
#endif

#include "../../lstm/td_lstm_f32_reference.h"
