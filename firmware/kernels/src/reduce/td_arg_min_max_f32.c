/* ARG_MAX (maximum = 1) / ARG_MIN (maximum = 0) on float input. */
#include "td_arg_min_max_common.h"

td_status td_arg_min_max_f32(int32_t maximum, int32_t outer, int32_t axis_size, int32_t inner, const float *input, int32_t output_int64, void *output)
{
    TD_ARG_MIN_MAX_BODY(float);
}
