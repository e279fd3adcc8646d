/* SUM, int16_t (td_sum_common.h). */
#include "td_sum_common.h"

TD_DEFINE_SUM(td_sum_s16, int16_t)
