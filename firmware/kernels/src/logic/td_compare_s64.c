/* EQUAL ... GREATER_EQUAL on int64_t (TFLite Micro's int64 comparisons): the stored values compared. */
#include "td_compare_common.h"

td_status td_compare_s64(int32_t mask,
                          const td_dims *input1_dims,
                          const int64_t *input1,
                          const td_dims *input2_dims,
                          const int64_t *input2,
                          const td_dims *output_dims,
                          uint8_t *output)
{
    TD_COMPARE_LOOP(input1[index1], input2[index2]);
    return TD_OK;
}
