/*
 * BATCH_MATMUL int8 (TFLite Micro's reference BatchMatMul): the offset operands multiplied and
 * summed in int32, requantized, plus output_offset, clamped.
 */
#include "td_batch_matmul_common.h"

#define TD_BATCH_MATMUL_S8_TERM(a, b) (((int32_t)(a) + params->lhs_offset) * ((int32_t)(b) + params->rhs_offset))
#define TD_BATCH_MATMUL_S8_RESULT(sum)                                                                              \
    ((int8_t)td_clamp_i32(td_multiply_by_quantized_multiplier((sum), params->output.multiplier, params->output.shift) + \
                              params->output_offset,                                                                \
                          -128, 127))

TD_DEFINE_BATCH_MATMUL(td_batch_matmul_s8, int8_t, int32_t, TD_BATCH_MATMUL_S8_TERM, TD_BATCH_MATMUL_S8_RESULT)
