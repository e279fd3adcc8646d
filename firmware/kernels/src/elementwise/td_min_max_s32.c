/* MINIMUM / MAXIMUM int32 with broadcasting: the stored values compared. */
#include "../internal/td_common.h"

td_status td_min_max_s32(int32_t maximum,
                         const td_dims *input1_dims,
                         const int32_t *input1,
                         const td_dims *input2_dims,
                         const int32_t *input2,
                         const td_dims *output_dims,
                         int32_t *output)
{
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        const int32_t a = input1[index1];
        const int32_t b = input2[index2];
        output[out_index] = maximum ? (a < b ? b : a) : (b < a ? b : a);
    });
    return TD_OK;
}
