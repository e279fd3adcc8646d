/* REDUCE_MAX / REDUCE_MIN, float. */
#include "td_reduce_min_max_common.h"

TD_DEFINE_REDUCE_MIN_MAX(td_reduce_min_max_f32, float)
