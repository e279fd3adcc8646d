/*
 * BATCH_MATMUL int16 (TFLite Micro's reference BatchMatMul<int16_t, int64_t>): zero points 0, so
 * the offsets are not read; each sum of products in int64, TFLite's 64-bit requantization,
 * plus output_offset (0), clamped to int16.
 */
#include "../internal/td_s16.h"
#include "td_batch_matmul_common.h"

#define TD_BATCH_MATMUL_S16_TERM(a, b) ((int64_t)((int32_t)(a) * (int32_t)(b)))
#define TD_BATCH_MATMUL_S16_RESULT(sum)                                                                             \
    ((int16_t)td_clamp_i32(td_multiply_by_quantized_multiplier_s64((sum), params->output.multiplier, params->output.shift) + \
                               params->output_offset,                                                               \
                           -32768, 32767))

TD_DEFINE_BATCH_MATMUL(td_batch_matmul_s16, int16_t, int64_t, TD_BATCH_MATMUL_S16_TERM, TD_BATCH_MATMUL_S16_RESULT)
