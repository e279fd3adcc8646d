/* EQUAL ... GREATER_EQUAL on int16_t: both sides rescaled as TFLite does (td_compare_scaled), then compared. */
#include "td_compare_common.h"

td_status td_compare_s16(int32_t mask,
                          const td_compare_params *params,
                          const td_dims *input1_dims,
                          const int16_t *input1,
                          const td_dims *input2_dims,
                          const int16_t *input2,
                          const td_dims *output_dims,
                          uint8_t *output)
{
    const int32_t shift = params->left_shift;
    TD_COMPARE_LOOP(td_compare_scaled(input1[index1], &params->input1, shift), td_compare_scaled(input2[index2], &params->input2, shift));
    return TD_OK;
}
