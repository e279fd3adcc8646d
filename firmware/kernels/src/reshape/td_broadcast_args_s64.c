/*
 * BROADCAST_ARGS on int64 shape vectors (TFLite Micro takes int32 or int64 shapes): as
 * td_broadcast_args_s32, on 64-bit dimensions. Shapes that do not broadcast return TD_ERROR_ARGUMENT.
 */
#include "../internal/td_common.h"

td_status td_broadcast_args_s64(int32_t length1, const int64_t *shape1, int32_t length2, const int64_t *shape2, int32_t length, int64_t *output)
{
    int32_t i;
    for (i = 0; i < length; ++i) {
        const int32_t i1 = i - (length - length1);
        const int32_t i2 = i - (length - length2);
        const int64_t a = i1 >= 0 ? shape1[i1] : 1;
        const int64_t b = i2 >= 0 ? shape2[i2] : 1;
        if (a != b && a != 1 && b != 1) {
            return TD_ERROR_ARGUMENT;
        }
        output[i] = a == 1 ? b : a;
    }
    return TD_OK;
}
