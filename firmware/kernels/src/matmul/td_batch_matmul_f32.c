/* BATCH_MATMUL float32: the products summed in float32 in k order (TFLite's reference kernel). */
#include "td_batch_matmul_common.h"

#define TD_BATCH_MATMUL_F32_TERM(a, b) ((a) * (b))
#define TD_BATCH_MATMUL_F32_RESULT(sum) (sum)

TD_DEFINE_BATCH_MATMUL(td_batch_matmul_f32, float, float, TD_BATCH_MATMUL_F32_TERM, TD_BATCH_MATMUL_F32_RESULT)
