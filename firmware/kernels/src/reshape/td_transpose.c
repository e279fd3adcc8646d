/*
 * TRANSPOSE (TFLite's reference_ops::Transpose) of 1 to 6 dimensions, any element size: the
 * output is written in order while an odometer over its dimensions steps the input offset by
 * the permuted input strides.
 */
#include "../internal/td_common.h"

td_status td_transpose(const td_transpose_params *params, const void *input, void *output)
{
    const int32_t rank = params->rank;
    const int32_t bytes = params->element_bytes;
    int32_t input_strides[TD_TRANSPOSE_MAX_RANK];
    int32_t strides[TD_TRANSPOSE_MAX_RANK];
    int32_t shape[TD_TRANSPOSE_MAX_RANK];
    int32_t counter[TD_TRANSPOSE_MAX_RANK];
    int32_t count = 1;
    int32_t offset = 0;
    int32_t i;
    int32_t d;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    if (rank < 1 || rank > TD_TRANSPOSE_MAX_RANK) {
        return TD_ERROR_ARGUMENT;
    }
    input_strides[rank - 1] = 1;
    for (d = rank - 2; d >= 0; --d) {
        input_strides[d] = input_strides[d + 1] * params->input_shape[d + 1];
    }
    for (d = 0; d < rank; ++d) {
        shape[d] = params->input_shape[params->perm[d]];
        strides[d] = input_strides[params->perm[d]];
        counter[d] = 0;
        count *= shape[d];
    }
    for (i = 0; i < count; ++i) {
        if (bytes == 1) {
            out[i] = in[offset];
        } else {
            memcpy(out + (size_t)i * (size_t)bytes, in + (size_t)offset * (size_t)bytes, (size_t)bytes);
        }
        for (d = rank - 1; d >= 0; --d) {
            counter[d]++;
            offset += strides[d];
            if (counter[d] < shape[d]) {
                break;
            }
            offset -= strides[d] * shape[d];
            counter[d] = 0;
        }
    }
    return TD_OK;
}
