/*
 * LOGISTIC, float32 (TFLite's reference_ops::Logistic): 1 above 16.619047..., exp(x) below
 * -9, 1 / (1 + exp(-x)) in between, with expf.
 */
#include <math.h>

#include "../internal/td_common.h"

td_status td_logistic_f32(int32_t size, const float *input, float *output)
{
    const float cutoff_upper = 16.619047164916992188f;
    const float cutoff_lower = -9.0f;
    int32_t i;
    for (i = 0; i < size; ++i) {
        const float x = input[i];
        if (x > cutoff_upper) {
            output[i] = 1.0f;
        } else if (x < cutoff_lower) {
            output[i] = expf(x);
        } else {
            output[i] = 1.0f / (1.0f + expf(-x));
        }
    }
    return TD_OK;
}
