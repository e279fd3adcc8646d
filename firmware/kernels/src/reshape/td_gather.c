/*
 * GATHER (TFLite Micro's gather.cc): for every batch, outer slice and coordinate, `inner`
 * elements copied from the indexed slice of the axis. An index outside the axis returns
 * TD_ERROR_ARGUMENT, as TFLite Micro fails the invocation.
 */
#include "../internal/td_common.h"

td_status td_gather(const td_gather_params *params, const void *input, const int32_t *indices, void *output)
{
    const size_t slice = (size_t)params->inner * (size_t)params->element_bytes;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t b;
    int32_t o;
    int32_t c;
    for (b = 0; b < params->batch; ++b) {
        for (o = 0; o < params->outer; ++o) {
            for (c = 0; c < params->coords; ++c) {
                const int32_t index = indices[b * params->coords + c];
                const int32_t target = (b * params->outer + o) * params->coords + c;
                if (index < 0 || index >= params->axis_size) {
                    return TD_ERROR_ARGUMENT;
                }
                memcpy(out + (size_t)target * slice, in + (size_t)((b * params->outer + o) * params->axis_size + index) * slice, slice);
            }
        }
    }
    return TD_OK;
}
