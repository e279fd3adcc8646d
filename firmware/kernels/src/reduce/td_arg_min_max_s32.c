/* ARG_MAX (maximum = 1) / ARG_MIN (maximum = 0) on int32_t input. */
#include "td_arg_min_max_common.h"

td_status td_arg_min_max_s32(int32_t maximum, int32_t outer, int32_t axis_size, int32_t inner, const int32_t *input, int32_t output_int64, void *output)
{
    TD_ARG_MIN_MAX_BODY(int32_t);
}
