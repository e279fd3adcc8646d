/* MEAN, int8_t (td_mean_common.h). */
#include "td_mean_common.h"

TD_DEFINE_MEAN(td_mean_s8, int8_t)
