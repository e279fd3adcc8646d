/* RESHAPE: the data do not change, only the shape; a move of the bytes unless already in place. */
#include "../internal/td_common.h"

td_status td_reshape(int32_t bytes, const void *input, void *output)
{
    if (input != output && bytes > 0) {
        memmove(output, input, (size_t)bytes);
    }
    return TD_OK;
}
