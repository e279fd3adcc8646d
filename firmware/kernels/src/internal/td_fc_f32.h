/*
 * TinyDeploy kernel library, internal: the fully connected products of the float recurrent kernels
 * (LSTM, GRU; TFLite's float FullyConnected without activation): `rows` vectors of `depth` values
 * times [units][depth] weights, each sum in input order with the bias (if any) added last. The FPU
 * variant (td_f32_fc_rows4, td_f32_runs.h) gives the same bits four weight rows at a time.
 */
#ifndef TD_FC_F32_H
#define TD_FC_F32_H

#include "td_common.h"

/** One sum of n products in input order, from `total`. */
TD_INLINE float td_f32_dot(float total, const float *x, const float *w, int32_t n)
{
    int32_t d;
    for (d = 0; d < n; ++d) {
        total += x[d] * w[d];
    }
    return total;
}

/** A unit's sum with its bias added last (none without a bias). */
TD_INLINE float td_f32_biased(float total, const float *bias, int32_t unit)
{
    return bias != NULL ? total + bias[unit] : total;
}

static inline void td_f32_fc(const float *values,
                             const float *weights,
                             const float *bias,
                             int32_t rows,
                             int32_t depth,
                             int32_t units,
                             float *result)
{
    int32_t row, unit;
    for (row = 0; row < rows; ++row) {
        for (unit = 0; unit < units; ++unit) {
            *result++ = td_f32_biased(td_f32_dot(0.0f, values + row * depth, weights + unit * depth, depth), bias, unit);
        }
    }
}

#endif /* TD_FC_F32_H */
