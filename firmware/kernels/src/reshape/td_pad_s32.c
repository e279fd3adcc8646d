/* PAD / PADV2, int32, 4-D (TFLite Micro's Pad for int32): the pad value is the constant value input, or 0. */
#include "td_pad_common.h"

td_status td_pad_s32(const td_pad_params_s32 *params, const td_dims *input_dims, const int32_t *input, int32_t *output)
{
    TD_PAD_BODY(int32_t, params, input_dims, input, output);
    return TD_OK;
}
