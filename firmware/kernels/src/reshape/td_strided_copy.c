/*
 * The copy behind STRIDED_SLICE, SLICE, PACK, UNPACK, SPLIT and SPLIT_V: an odometer over up to
 * six dimensions moves one element per step, the input and output offsets advancing by their own
 * steps (in elements; a step may be negative). The generator merges contiguous dimensions, so the
 * innermost run is usually long and contiguous on both sides: it is copied with memcpy.
 */
#include "../internal/td_common.h"

td_status td_strided_copy(const td_strided_copy_params *params, const void *input, void *output)
{
    const int32_t rank = params->rank;
    const int32_t bytes = params->element_bytes;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t counter[TD_STRIDED_COPY_MAX_RANK];
    int32_t outer = 1;
    int32_t source = params->input_base;
    int32_t target = params->output_base;
    int32_t inner;
    int32_t i;
    int32_t d;
    int contiguous;
    if (rank < 1 || rank > TD_STRIDED_COPY_MAX_RANK) {
        return TD_ERROR_ARGUMENT;
    }
    for (d = 0; d < rank; ++d) {
        if (params->count[d] == 0) {
            return TD_OK;
        }
        counter[d] = 0;
    }
    for (d = 0; d < rank - 1; ++d) {
        outer *= params->count[d];
    }
    inner = params->count[rank - 1];
    contiguous = params->input_step[rank - 1] == 1 && params->output_step[rank - 1] == 1;
    for (i = 0; i < outer; ++i) {
        if (contiguous) {
            memcpy(out + (size_t)target * (size_t)bytes, in + (size_t)source * (size_t)bytes, (size_t)inner * (size_t)bytes);
        } else {
            int32_t j;
            int32_t s = source;
            int32_t t = target;
            for (j = 0; j < inner; ++j) {
                memcpy(out + (size_t)t * (size_t)bytes, in + (size_t)s * (size_t)bytes, (size_t)bytes);
                s += params->input_step[rank - 1];
                t += params->output_step[rank - 1];
            }
        }
        for (d = rank - 2; d >= 0; --d) {
            counter[d]++;
            source += params->input_step[d];
            target += params->output_step[d];
            if (counter[d] < params->count[d]) {
                break;
            }
            source -= params->input_step[d] * params->count[d];
            target -= params->output_step[d] * params->count[d];
            counter[d] = 0;
        }
    }
    return TD_OK;
}
