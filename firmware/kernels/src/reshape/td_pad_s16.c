/*
 * PAD / PADV2, int16, 4-D (TFLite Micro's Pad for int16): the pad value is the constant value
 * input, or 0 (TFLite Micro pads int16 with 0, not with a zero point: int16 tensors have none).
 */
#include "td_pad_common.h"

td_status td_pad_s16(const td_pad_params_s16 *params, const td_dims *input_dims, const int16_t *input, int16_t *output)
{
    TD_PAD_BODY(int16_t, params, input_dims, input, output);
    return TD_OK;
}
