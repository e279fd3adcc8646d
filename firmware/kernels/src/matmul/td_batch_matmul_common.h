/*
 * BATCH_MATMUL (TFLite Micro's reference BatchMatMul), one loop for every type: for each listed
 * batch, out[m][n] = sum_k x[m][k] * y[k][n], x read transposed when adj_x, y when adj_y. A type
 * gives its accumulator, each product's term (TERM(x, y), the integer kinds with their offsets)
 * and the stored result of a sum (RESULT(sum): requantized and clamped for the integer kinds).
 * Both macros may read `params`.
 */
#ifndef TD_BATCH_MATMUL_COMMON_H
#define TD_BATCH_MATMUL_COMMON_H

#include "../internal/td_common.h"

#define TD_DEFINE_BATCH_MATMUL(NAME, T, ACC, TERM, RESULT)                                                          \
    td_status NAME(const td_batch_matmul_params *params, const T *x, const T *y, T *output)                         \
    {                                                                                                               \
        const int32_t m = params->m;                                                                                \
        const int32_t k = params->k;                                                                                \
        const int32_t n = params->n;                                                                                \
        const int32_t x_row = params->adj_x ? 1 : k;                                                                \
        const int32_t x_step = params->adj_x ? m : 1;                                                               \
        const int32_t y_col = params->adj_y ? k : 1;                                                                \
        const int32_t y_step = params->adj_y ? 1 : n;                                                               \
        int32_t b;                                                                                                  \
        for (b = 0; b < params->batches; ++b) {                                                                     \
            const T *xb = x + params->lhs_offsets[b];                                                               \
            const T *yb = y + params->rhs_offsets[b];                                                               \
            int32_t i;                                                                                              \
            for (i = 0; i < m; ++i) {                                                                               \
                int32_t j;                                                                                          \
                for (j = 0; j < n; ++j) {                                                                           \
                    const T *xp = xb + i * x_row;                                                                   \
                    const T *yp = yb + j * y_col;                                                                   \
                    ACC sum = 0;                                                                                    \
                    int32_t p;                                                                                      \
                    for (p = 0; p < k; ++p) {                                                                       \
                        sum += TERM(xp[p * x_step], yp[p * y_step]);                                                \
                    }                                                                                               \
                    *output++ = RESULT(sum);                                                                        \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
        return TD_OK;                                                                                               \
    }

#endif /* TD_BATCH_MATMUL_COMMON_H */
