/*
 * CONCATENATION, float32 (TFLite's reference_ops::Concatenation): for every outer index, each
 * input's block of copy_sizes[i] elements in input order.
 */
#include "../internal/td_common.h"

td_status td_concatenation_f32(const td_concat_params *params, const float *const *inputs, float *output)
{
    int32_t outer, i;
    for (outer = 0; outer < params->outer_size; ++outer) {
        for (i = 0; i < params->num_inputs; ++i) {
            const int32_t size = params->copy_sizes[i];
            memcpy(output, inputs[i] + outer * size, (size_t)size * sizeof(float));
            output += size;
        }
    }
    return TD_OK;
}
