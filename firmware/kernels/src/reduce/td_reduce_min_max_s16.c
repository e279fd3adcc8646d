/* REDUCE_MAX / REDUCE_MIN, int16_t. */
#include "td_reduce_min_max_common.h"

TD_DEFINE_REDUCE_MIN_MAX(td_reduce_min_max_s16, int16_t)
