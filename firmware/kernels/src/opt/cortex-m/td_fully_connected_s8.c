/*
 * FULLY_CONNECTED, int8, Cortex-M DSP variant. Overrides src/fully_connected/ by name and gives
 * the same bits as the portable kernel.
 *
 * Four output rows at a time (as CMSIS-NN's arm_nn_vec_mat_mult_t_s8): four input bytes are
 * loaded once, split by SXTB16 into their even and odd int16 lanes and offset with SADD16;
 * each of the four weight rows' four bytes are split the same way, so the lanes pair up
 * without reordering and two SMLAD do four multiply-accumulates (TD_DOT_FOUR_ROWS below,
 * 27 instructions per 16). Rows left over after the fours go one at a time. The
 * requantization takes td_dsp.h's fast form where the bounds allow (td_fc_requant), prepared
 * once per call with per-tensor quantization. Weights with a zero point (filter_offset != 0)
 * take the portable path. Needs no scratch. The generator folds the input offset into the bias
 * (input_offset 0; sum (x + o) w = sum x w + o sum w), and the loop then skips its two SADD16.
 */
#include "../../fully_connected/td_fully_connected_s8_reference.h"
#include "td_dsp.h"
#include "td_four_rows_dsp.h"

int32_t td_fully_connected_s8_get_buffer_size(int32_t input_depth, int32_t output_depth)
{
    (void)input_depth;
    (void)output_depth;
    return 0;
}

#if TD_KERNELS_DSP

/**
 * The requantization of the output rows sharing one multiplier and shift (all of them with
 * per-tensor quantization): the fast form applies to a row whose |bias| < bias_limit (so that
 * |acc| < 2^30, see td_channel_requant_of).
 */
typedef struct {
    int32_t multiplier;
    int32_t shift;
    int32_t right_shift; /* 0: every row takes the exact form */
    int32_t rounding;
    int32_t bias_limit;
} td_fc_requant;

TD_NOINLINE static td_fc_requant td_fc_requant_of(int32_t multiplier, int32_t shift, int32_t input_depth)
{
    const td_channel_requant channel = td_channel_requant_of(0, multiplier, shift, input_depth);
    td_fc_requant requant;
    requant.multiplier = multiplier;
    requant.shift = shift;
    requant.right_shift = channel.right_shift;
    requant.rounding = channel.rounding;
    requant.bias_limit = (int32_t)(((int64_t)1 << 30) - (int64_t)input_depth * TD_PRODUCT_MAX_ABS);
    return requant;
}

/** requant(acc) + output offset the reference way (kept out of line: unusual parameters only). */
TD_NOINLINE static int32_t td_fc_requantize_exact(const td_fc_params *params, const td_fc_requant *requant, int32_t acc)
{
    return td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->shift) + params->output_offset;
}

/** Bias, requantization, output offset and activation of one row's accumulator. */
TD_INLINE int8_t td_fc_output(const td_fc_params *params, const td_fc_requant *requant, const int32_t *bias, int32_t out_c,
                              int32_t acc)
{
    const int32_t row_bias = bias != NULL ? bias[out_c] : 0;
    int32_t value;
    if (requant->right_shift != 0 && row_bias < requant->bias_limit && row_bias > -requant->bias_limit) {
        value = td_requant_fast(acc + row_bias, requant->multiplier, requant->right_shift, requant->rounding) +
                params->output_offset;
    } else {
        value = td_fc_requantize_exact(params, requant, acc + row_bias);
    }
    return (int8_t)td_clamp_i32(value, params->activation.min, params->activation.max);
}

/** The dot product of one weight row with the input row (+ offset), four values per step. */
static int32_t td_fully_connected_row(const int8_t *input,
                                      const int8_t *weights,
                                      int32_t input_depth,
                                      int32_t input_offset)
{
    const uint32_t offsets = td_pack16(input_offset, input_offset);
    int32_t acc = 0;
    int32_t d;
    for (d = 0; d + 4 <= input_depth; d += 4) {
        const uint32_t values = td_read_u32(input + d);
        const uint32_t four = td_read_u32(weights + d);
        acc = td_smlad(td_sxtb16(four), td_sadd16(td_sxtb16(values), offsets), acc);
        acc = td_smlad(td_sxtb16_ror8(four), td_sadd16(td_sxtb16_ror8(values), offsets), acc);
    }
    for (; d < input_depth; ++d) {
        acc += (int32_t)weights[d] * ((int32_t)input[d] + input_offset);
    }
    return acc;
}

td_status td_fully_connected_s8(const td_context *ctx,
                                const td_fc_params *params,
                                const td_per_channel_quant *quant,
                                int32_t per_channel,
                                int32_t batches,
                                int32_t input_depth,
                                int32_t output_depth,
                                const int8_t *input,
                                const int8_t *filter,
                                const int32_t *bias,
                                int8_t *output)
{
    const int32_t input_offset = params->input_offset;
    const uint32_t offsets = td_pack16(input_offset, input_offset);
    const int32_t blocked = output_depth & ~3;
    td_fc_requant requant = td_fc_requant_of(quant->multiplier[0], quant->shift[0], input_depth);
    const int32_t grouped_depth = input_depth & ~3;
    int32_t batch, out_c, d;
    (void)ctx;

    if (params->filter_offset != 0) {
        td_fully_connected_s8_reference_rows(params, quant, per_channel, batches, input_depth, output_depth, 0,
                                             output_depth, input, filter, bias, output);
        return TD_OK;
    }
    for (batch = 0; batch < batches; ++batch) {
        const int8_t *const input_row = input + batch * input_depth;
        int8_t *const output_row = output + batch * output_depth;
        for (out_c = 0; out_c < blocked; out_c += 4) {
            const int8_t *const weights = filter + out_c * input_depth;
            int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
            if (grouped_depth > 0) {
                const int8_t *values = input_row;
                const int8_t *weights0 = weights;
                const int8_t *weights2 = weights + 2 * input_depth;
                if (input_offset == 0) {
                    TD_DOT_FOUR_ROWS_NO_OFFSET(values, input_row + grouped_depth, weights0, weights2, input_depth, acc0,
                                               acc1, acc2, acc3);
                } else {
                    TD_DOT_FOUR_ROWS(values, input_row + grouped_depth, weights0, weights2, input_depth, offsets, acc0,
                                     acc1, acc2, acc3);
                }
            }
            for (d = grouped_depth; d < input_depth; ++d) {
                const int32_t value = (int32_t)input_row[d] + input_offset;
                acc0 += (int32_t)weights[d] * value;
                acc1 += (int32_t)weights[input_depth + d] * value;
                acc2 += (int32_t)weights[2 * input_depth + d] * value;
                acc3 += (int32_t)weights[3 * input_depth + d] * value;
            }
            {
                const int32_t sums[4] = {acc0, acc1, acc2, acc3};
                int32_t row;
                for (row = 0; row < 4; ++row) {
                    if (per_channel) {
                        requant = td_fc_requant_of(quant->multiplier[out_c + row], quant->shift[out_c + row],
                                                   input_depth);
                    }
                    output_row[out_c + row] = td_fc_output(params, &requant, bias, out_c + row, sums[row]);
                }
            }
        }
        for (; out_c < output_depth; ++out_c) {
            const int32_t acc = td_fully_connected_row(input_row, filter + out_c * input_depth, input_depth, input_offset);
            if (per_channel) {
                requant = td_fc_requant_of(quant->multiplier[out_c], quant->shift[out_c], input_depth);
            }
            output_row[out_c] = td_fc_output(params, &requant, bias, out_c, acc);
        }
    }
    return TD_OK;
}

#else /* no DSP extension: the portable kernel */

td_status td_fully_connected_s8(const td_context *ctx,
                                const td_fc_params *params,
                                const td_per_channel_quant *quant,
                                int32_t per_channel,
                                int32_t batches,
                                int32_t input_depth,
                                int32_t output_depth,
                                const int8_t *input,
                                const int8_t *filter,
                                const int32_t *bias,
                                int8_t *output)
{
    (void)ctx;
    td_fully_connected_s8_reference_rows(params, quant, per_channel, batches, input_depth, output_depth, 0,
                                         output_depth, input, filter, bias, output);
    return TD_OK;
}

#endif
