/* ADD_N on int32: the sum in input order, wrapping as two's complement. */
#include "../internal/td_common.h"

td_status td_add_n_s32(int32_t n, int32_t count, const int32_t *const *inputs, int32_t *output)
{
    int32_t i, k;
    if (n < 1) {
        return TD_ERROR_ARGUMENT;
    }
    for (i = 0; i < count; ++i) {
        uint32_t sum = (uint32_t)inputs[0][i];
        for (k = 1; k < n; ++k) {
            sum += (uint32_t)inputs[k][i];
        }
        output[i] = (int32_t)sum;
    }
    return TD_OK;
}
