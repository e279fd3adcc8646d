/*
 * DEQUANTIZE int8 -> float32 (TFLite's Dequantize): scale * (q - zero_point). TFLite forms the
 * product in double and rounds it to float once; the product of a float and a 9-bit integer is
 * exact in double, so the float32 product below rounds to the same value.
 */
#include "../internal/td_common.h"

td_status td_dequantize_s8_f32(const td_affine_quant *params, int32_t size, const int8_t *input, float *output)
{
    const float scale = params->scale;
    const int32_t zero_point = params->zero_point;
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = scale * (float)((int32_t)input[i] - zero_point);
    }
    return TD_OK;
}
