/* ELU, float32 (TFLite's reference_ops::Elu): x < 0 ? expm1f(x) : x. */
#include <math.h>

#include "../internal/td_common.h"

td_status td_elu_f32(int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const float x = input[i];
        output[i] = x < 0.0f ? expm1f(x) : x;
    }
    return TD_OK;
}
