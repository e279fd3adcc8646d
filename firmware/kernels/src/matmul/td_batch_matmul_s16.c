/*
 * BATCH_MATMUL int16 (TFLite Micro's reference BatchMatMul<int16_t, int64_t>): zero points 0, so
 * the offsets are not read; each sum of products in int64, TFLite's 64-bit requantization,
 * plus output_offset (0), clamped to int16.
 */
#include "../internal/td_s16.h"

td_status td_batch_matmul_s16(const td_batch_matmul_params *params, const int16_t *x, const int16_t *y, int16_t *output)
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
        const int16_t *xb = x + params->lhs_offsets[b];
        const int16_t *yb = y + params->rhs_offsets[b];
        int32_t i;
        for (i = 0; i < m; ++i) {
            int32_t j;
            for (j = 0; j < n; ++j) {
                const int16_t *xp = xb + i * x_row;
                const int16_t *yp = yb + j * y_col;
                int64_t sum = 0;
                int32_t p, value;
                for (p = 0; p < k; ++p) {
                    sum += (int64_t)((int32_t)xp[p * x_step] * (int32_t)yp[p * y_step]);
                }
                value = td_multiply_by_quantized_multiplier_s64(sum, params->output.multiplier, params->output.shift) + params->output_offset;
                *output++ = (int16_t)td_clamp_i32(value, -32768, 32767);
            }
        }
    }
    return TD_OK;
}
