/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, float32, on a core with a single-precision FPU (__ARM_FP bit 2;
 * TD_DSP_EMULATE compiles the same blocks in C): the gates' fully connected products four weight
 * rows at a time where the weights lie (td_f32_run_rows4: each input value loaded once for four
 * sums, VLDM and a separate VMUL and VADD per term), leftover rows one by one. Each sum runs in
 * input order with the bias added last, as the portable kernel (td_lstm_f32_reference.h), whose
 * steps this file otherwise is: bit-identical.
 */
#include "../../internal/td_f32_runs.h"

#if (defined(__ARM_FP) && (__ARM_FP & 4)) || defined(TD_DSP_EMULATE)
static void td_lstm_fc_f32_rows4(const float *values,
                                 const float *weights,
                                 const float *bias,
                                 int32_t rows,
                                 int32_t depth,
                                 int32_t units,
                                 float *result)
{
    int32_t row, unit, d;
    for (row = 0; row < rows; ++row) {
        const float *vector = values + row * depth;
        for (unit = 0; unit + 4 <= units; unit += 4) {
            const float *w = weights + unit * depth;
            td_f32_acc4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
            td_f32_run_rows4(&acc, vector, w, w + depth, w + 2 * depth, w + 3 * depth, depth);
            result[0] = bias != NULL ? acc.a0 + bias[unit] : acc.a0;
            result[1] = bias != NULL ? acc.a1 + bias[unit + 1] : acc.a1;
            result[2] = bias != NULL ? acc.a2 + bias[unit + 2] : acc.a2;
            result[3] = bias != NULL ? acc.a3 + bias[unit + 3] : acc.a3;
            result += 4;
        }
        for (; unit < units; ++unit) {
            const float *weight_row = weights + unit * depth;
            float total = 0.0f;
            for (d = 0; d < depth; ++d) {
                total += vector[d] * weight_row[d];
            }
            *result++ = bias != NULL ? total + bias[unit] : total;
        }
    }
}
#define TD_LSTM_FC_F32 td_lstm_fc_f32_rows4
#endif

#include "../../lstm/td_lstm_f32_reference.h"
