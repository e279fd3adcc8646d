/* LOGICAL_AND / LOGICAL_OR on bool bytes (any non-zero byte is true): bit 2a + b of the op's mask. */
#include "../internal/td_common.h"

td_status td_logical(int32_t mask,
                     const td_dims *input1_dims,
                     const uint8_t *input1,
                     const td_dims *input2_dims,
                     const uint8_t *input2,
                     const td_dims *output_dims,
                     uint8_t *output)
{
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        const int32_t outcome = (input1[index1] != 0 ? 2 : 0) + (input2[index2] != 0 ? 1 : 0);
        output[out_index] = (uint8_t)((mask >> outcome) & 1);
    });
    return TD_OK;
}
