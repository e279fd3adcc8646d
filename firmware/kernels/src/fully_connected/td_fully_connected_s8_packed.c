/*
 * FULLY_CONNECTED, int8, over the generator's packed weight layout (td_kernels.h), portable:
 * each row's weights gathered from the layout, TFLite's requantization (the same bits as
 * td_fully_connected_s8). The Cortex-M DSP variant (src/opt/cortex-m/) is the reason for the
 * layout: its loop loads eight weights of each of four rows with one LDRD each.
 */
#include "../internal/td_common.h"
#include "../internal/td_fixed_point.h"

/** Where weight `k` of row `row` is in the packed layout. */
TD_INLINE int32_t td_fc_packed_index(int32_t row, int32_t k, int32_t input_depth, int32_t output_depth)
{
    const int32_t grouped = input_depth & ~7;
    const int32_t block = row >> 2;
    const int32_t lane = row & 3;
    if (row >= (output_depth & ~3)) return row * input_depth + k;
    if (k < grouped) return block * 4 * input_depth + (k >> 3) * 32 + lane * 8 + (k & 7);
    return block * 4 * input_depth + grouped * 4 + lane * (input_depth - grouped) + (k - grouped);
}

td_status td_fully_connected_s8_packed(const td_fc_packed_params *params,
                                       int32_t batches,
                                       int32_t input_depth,
                                       int32_t output_depth,
                                       const int8_t *input,
                                       const int8_t *packed_filter,
                                       const int32_t *bias,
                                       int8_t *output)
{
    int32_t batch, row, k;
    for (batch = 0; batch < batches; ++batch) {
        const int8_t *input_row = input + batch * input_depth;
        for (row = 0; row < output_depth; ++row) {
            int32_t acc = bias[row];
            int32_t value;
            for (k = 0; k < input_depth; ++k) {
                acc += (int32_t)packed_filter[td_fc_packed_index(row, k, input_depth, output_depth)] * input_row[k];
            }
            value = td_multiply_by_quantized_multiplier(acc, params->multiplier, params->shift) + params->output_offset;
            output[batch * output_depth + row] = (int8_t)td_clamp_i32(value, params->activation.min, params->activation.max);
        }
    }
    return TD_OK;
}

/* One to three rows: the same loop (the Cortex-M DSP variant skips its block set-up there). */
td_status td_fully_connected_s8_packed_rows(const td_fc_packed_params *params,
                                            int32_t batches,
                                            int32_t input_depth,
                                            int32_t output_depth,
                                            const int8_t *input,
                                            const int8_t *packed_filter,
                                            const int32_t *bias,
                                            int8_t *output)
{
    return td_fully_connected_s8_packed(params, batches, input_depth, output_depth, input, packed_filter, bias, output);
}
