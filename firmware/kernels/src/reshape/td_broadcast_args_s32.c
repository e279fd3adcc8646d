/*
 * BROADCAST_ARGS on int32 shape vectors: the two shapes aligned on their last dimension (missing
 * dimensions are 1), each output dimension the one that is not 1. Shapes that do not broadcast
 * return TD_ERROR_ARGUMENT.
 */
#include "../internal/td_common.h"

td_status td_broadcast_args_s32(int32_t length1, const int32_t *shape1, int32_t length2, const int32_t *shape2, int32_t length, int32_t *output)
{
    int32_t i;
    for (i = 0; i < length; ++i) {
        const int32_t i1 = i - (length - length1);
        const int32_t i2 = i - (length - length2);
        const int32_t a = i1 >= 0 ? shape1[i1] : 1;
        const int32_t b = i2 >= 0 ? shape2[i2] : 1;
        if (a != b && a != 1 && b != 1) {
            return TD_ERROR_ARGUMENT;
        }
        output[i] = a == 1 ? b : a;
    }
    return TD_OK;
}
