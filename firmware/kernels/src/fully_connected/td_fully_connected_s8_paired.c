/*
 * FULLY_CONNECTED, int8, over the generator's paired weight layout (td_kernels.h: two rows per
 * halfword, w_A + 256 * w_B), portable: each row's weights decoded from the layout, TFLite's
 * requantization (the same bits as td_fully_connected_s8). The Cortex-M DSP variant
 * (src/opt/cortex-m/) is the reason for the layout: one SMLAD of a raw weight word and one of its
 * SXTB16 give two rows' sums over two inputs.
 */
#include "../internal/td_common.h"
#include "../internal/td_fixed_point.h"

/** Weight `k` of row `row` from the paired layout. */
TD_INLINE int32_t td_fc_paired_weight(const int8_t *paired, int32_t row, int32_t k, int32_t input_depth, int32_t output_depth)
{
    const int32_t grouped = input_depth & ~7;
    const int32_t rest = input_depth - grouped;
    const int32_t blocked = output_depth & ~3;
    const int32_t is_b = row & 1;
    const int32_t j = k & 7;
    const int32_t in_group = (((j >> 2) * 2 + (j & 1)) * 4) + ((j >> 1) & 1) * 2;
    const int8_t *base;
    if (row < blocked) {
        base = paired + (row >> 2) * 4 * input_depth;
        if (k >= grouped) return base[grouped * 4 + (row & 3) * rest + (k - grouped)];
        base += (k >> 3) * 32 + ((row >> 1) & 1) * 16 + in_group;
    } else {
        base = paired + blocked * input_depth + ((row - blocked) >> 1) * 2 * input_depth;
        if (k >= grouped) return base[grouped * 2 + is_b * rest + (k - grouped)];
        base += (k >> 3) * 16 + in_group;
    }
    /* The B byte is w_B - 1 where the A byte is negative. */
    return is_b ? base[1] + (base[0] < 0 ? 1 : 0) : base[0];
}

td_status td_fully_connected_s8_paired(const td_fc_packed_params *params,
                                       int32_t batches,
                                       int32_t input_depth,
                                       int32_t output_depth,
                                       const int8_t *input,
                                       const int8_t *paired_filter,
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
                acc += td_fc_paired_weight(paired_filter, row, k, input_depth, output_depth) * input_row[k];
            }
            value = td_multiply_by_quantized_multiplier(acc, params->multiplier, params->shift) + params->output_offset;
            output[batch * output_depth + row] = (int8_t)td_clamp_i32(value, params->activation.min, params->activation.max);
        }
    }
    return TD_OK;
}

/* The DSP variant's short path (td_kernels.h): the same loop here, whose results it equals. */
td_status td_fully_connected_s8_paired_short(const td_fc_packed_params *params,
                                             int32_t batches,
                                             int32_t input_depth,
                                             int32_t output_depth,
                                             const int8_t *input,
                                             const int8_t *paired_filter,
                                             const int32_t *bias,
                                             int8_t *output)
{
    return td_fully_connected_s8_paired(params, batches, input_depth, output_depth, input, paired_filter, bias, output);
}
