/* REDUCE_MAX / REDUCE_MIN, int8_t. */
#include "td_reduce_min_max_common.h"

TD_DEFINE_REDUCE_MIN_MAX(td_reduce_min_max_s8, int8_t)
