/*
 * CONCATENATION, int8 (TFLite's reference_ops::Concatenation): for every outer index, each
 * input's block of copy_sizes[i] elements in input order, copied a word block at a time
 * (td_bytes.h; newlib-nano's memcpy moves one byte per loop).
 */
#include "../internal/td_common.h"
#include "td_bytes.h"

td_status td_concatenation_s8(const td_concat_params *params, const int8_t *const *inputs, int8_t *output)
{
    int32_t outer, i;
    for (outer = 0; outer < params->outer_size; ++outer) {
        for (i = 0; i < params->num_inputs; ++i) {
            const int32_t size = params->copy_sizes[i];
            output = td_copy_s8(output, inputs[i] + outer * size, size);
        }
    }
    return TD_OK;
}
