/* BATCH_MATMUL float32: the products summed in float32 in k order (TFLite's reference kernel). */
#include "../internal/td_common.h"

td_status td_batch_matmul_f32(const td_batch_matmul_params *params, const float *x, const float *y, float *output)
{
    const int32_t m = params->m;
    const int32_t k = params->k;
    const int32_t n = params->n;
    const int32_t x_row = params->adj_x ? 1 : k;
    const int32_t x_step = params->adj_x ? m : 1;
    const int32_t y_col = params->adj_y ? k : 1;
    const int32_t y_step = params->adj_y ? 1 : n;
    int32_t b;
    for (b = 0; b < params->batches; ++b) {
        const float *xb = x + params->lhs_offsets[b];
        const float *yb = y + params->rhs_offsets[b];
        int32_t i;
        for (i = 0; i < m; ++i) {
            int32_t j;
            for (j = 0; j < n; ++j) {
                const float *xp = xb + i * x_row;
                const float *yp = yb + j * y_col;
                float sum = 0.0f;
                int32_t p;
                for (p = 0; p < k; ++p) {
                    sum += xp[p * x_step] * yp[p * y_step];
                }
                *output++ = sum;
            }
        }
    }
    return TD_OK;
}
