/* MINIMUM / MAXIMUM int8 with broadcasting: the stored values compared (TFLite Micro does not rescale). */
#include "../internal/td_common.h"

td_status td_min_max_s8(int32_t maximum,
                        const td_dims *input1_dims,
                        const int8_t *input1,
                        const td_dims *input2_dims,
                        const int8_t *input2,
                        const td_dims *output_dims,
                        int8_t *output)
{
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        const int8_t a = input1[index1];
        const int8_t b = input2[index2];
        output[out_index] = maximum ? (a < b ? b : a) : (b < a ? b : a);
    });
    return TD_OK;
}
