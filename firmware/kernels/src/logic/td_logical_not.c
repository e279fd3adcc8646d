/* LOGICAL_NOT on bool bytes: 1 where the input byte is 0, else 0. */
#include "../internal/td_common.h"

td_status td_logical_not(int32_t count, const uint8_t *input, uint8_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        output[i] = (uint8_t)(input[i] == 0);
    }
    return TD_OK;
}
