/*
 * GATHER_ND (TFLite Micro's gather_nd.cc): each of `count` index tuples of `depth` int32 values
 * addresses a slice of `inner` elements of params ([dims[0]]...[dims[depth-1]][inner]), copied to
 * the output in tuple order. An index outside its dimension returns TD_ERROR_ARGUMENT, as TFLite
 * Micro fails the invocation.
 */
#include "../internal/td_common.h"

td_status td_gather_nd(const td_gather_nd_params *params, const void *input, const int32_t *indices, void *output)
{
    const size_t slice = (size_t)params->inner * (size_t)params->element_bytes;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t t;
    int32_t j;
    if (params->depth < 1 || params->depth > TD_GATHER_ND_MAX_DEPTH) {
        return TD_ERROR_ARGUMENT;
    }
    for (t = 0; t < params->count; ++t) {
        int32_t offset = 0;
        for (j = 0; j < params->depth; ++j) {
            const int32_t index = indices[t * params->depth + j];
            if (index < 0 || index >= params->dims[j]) {
                return TD_ERROR_ARGUMENT;
            }
            offset = offset * params->dims[j] + index;
        }
        memcpy(out + (size_t)t * slice, in + (size_t)offset * slice, slice);
    }
    return TD_OK;
}
