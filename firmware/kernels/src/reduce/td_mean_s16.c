/* MEAN, int16_t (td_mean_common.h). */
#include "td_mean_common.h"

TD_DEFINE_MEAN(td_mean_s16, int16_t)
