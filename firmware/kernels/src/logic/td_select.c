/*
 * SELECT / SELECT_V2: output = condition ? x : y over up to TD_SELECT_MAX_RANK dimensions, each
 * operand advancing by its own element step per dimension (0 where it is broadcast). Elements are
 * copied as element_bytes bytes, so one kernel serves every type.
 */
#include "../internal/td_common.h"

td_status td_select(const td_select_params *params, const uint8_t *condition, const void *x, const void *y, void *output)
{
    const int32_t rank = params->rank;
    const size_t bytes = (size_t)params->element_bytes;
    const uint8_t *xs = (const uint8_t *)x;
    const uint8_t *ys = (const uint8_t *)y;
    uint8_t *out = (uint8_t *)output;
    int32_t counter[TD_SELECT_MAX_RANK];
    int32_t c = 0;
    int32_t i = 0;
    int32_t j = 0;
    int32_t total = 1;
    int32_t o;
    int32_t d;
    if (rank < 1 || rank > TD_SELECT_MAX_RANK) {
        return TD_ERROR_ARGUMENT;
    }
    for (d = 0; d < rank; ++d) {
        counter[d] = 0;
        total *= params->shape[d];
    }
    for (o = 0; o < total; ++o) {
        if (condition[c] != 0) {
            memcpy(out + (size_t)o * bytes, xs + (size_t)i * bytes, bytes);
        } else {
            memcpy(out + (size_t)o * bytes, ys + (size_t)j * bytes, bytes);
        }
        for (d = rank - 1; d >= 0; --d) {
            counter[d]++;
            c += params->condition_step[d];
            i += params->x_step[d];
            j += params->y_step[d];
            if (counter[d] < params->shape[d]) {
                break;
            }
            c -= params->condition_step[d] * params->shape[d];
            i -= params->x_step[d] * params->shape[d];
            j -= params->y_step[d] * params->shape[d];
            counter[d] = 0;
        }
    }
    return TD_OK;
}
