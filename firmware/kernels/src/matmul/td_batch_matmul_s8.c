/* BATCH_MATMUL int8. */
#include "td_batch_matmul_common.h"

TD_DEFINE_BATCH_MATMUL_INTEGER(td_batch_matmul_s8, int8_t, -128, 127)
