/* SUM, int8_t (td_sum_common.h). */
#include "td_sum_common.h"

TD_DEFINE_SUM(td_sum_s8, int8_t)
