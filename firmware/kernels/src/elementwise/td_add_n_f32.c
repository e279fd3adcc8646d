/* ADD_N: output[i] = inputs[0][i] + inputs[1][i] + ... in input order (float32 sums round at each step, int32 wraps). */
#include "../internal/td_common.h"

td_status td_add_n_f32(int32_t n, int32_t count, const float *const *inputs, float *output)
{
    int32_t i, k;
    if (n < 1) {
        return TD_ERROR_ARGUMENT;
    }
    for (i = 0; i < count; ++i) {
        float sum = inputs[0][i];
        for (k = 1; k < n; ++k) {
            sum += inputs[k][i];
        }
        output[i] = sum;
    }
    return TD_OK;
}
