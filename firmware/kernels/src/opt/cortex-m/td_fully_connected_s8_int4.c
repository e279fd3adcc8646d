/*
 * FULLY_CONNECTED, int8 activations, packed int4 weights, Cortex-M DSP variant: overrides
 * src/fully_connected/td_fully_connected_s8_int4.c by name with the same bits. Each batch row of
 * the input is widened once to int16 (its offset added) into the scratch, in td_int4_dsp.h's
 * lane order; rows of weights go two at a time, eight weights per word load, four AND and
 * four SMLALD each (td_int4_dsp.h). An even depth starts every row on a byte; an odd one (rows starting mid-byte)
 * and depth % 8 tails take the portable nibble loop. The weights are never unpacked.
 */
#include "../../fully_connected/td_fully_connected_s8_int4_reference.h"
#include "td_int4_dsp.h"

int32_t td_fully_connected_s8_int4_get_buffer_size(int32_t input_depth)
{
    return TD_KERNELS_DSP ? 2 * ((input_depth + 7) & ~7) : 0;
}

td_status td_fully_connected_s8_int4(const td_context *ctx,
                                     const td_fc_params *params,
                                     const td_per_channel_quant *quant,
                                     int32_t per_channel,
                                     int32_t batches,
                                     int32_t input_depth,
                                     int32_t output_depth,
                                     const int8_t *input,
                                     const int8_t *packed_filter,
                                     const int32_t *bias,
                                     int8_t *output)
{
    if (params->filter_offset != 0) {
        return TD_ERROR_ARGUMENT;
    }
#if TD_KERNELS_DSP
    if (input_depth % 2 == 0 && input_depth >= 8 && input_depth <= TD_INT4_DSP_MAX_DEPTH) {
        const int32_t groups = input_depth >> 3;
        const int32_t tail = input_depth - groups * 8;
        const int32_t row_bytes = input_depth >> 1;
        const int32_t quant_step = per_channel ? 1 : 0;
        td_word *lanes;
        int32_t batch, out_c;
        if (ctx == NULL || ctx->buf == NULL || ctx->size < td_fully_connected_s8_int4_get_buffer_size(input_depth)) {
            return TD_ERROR_SCRATCH;
        }
        lanes = (td_word *)ctx->buf;
        for (batch = 0; batch < batches; ++batch) {
            const int8_t *input_row = input + batch * input_depth;
            int8_t *output_row = output + batch * output_depth;
            td_int4_widen(input_row, groups, params->input_offset, lanes);
            for (out_c = 0; out_c + 1 < output_depth; out_c += 2) {
                const int8_t *weights = packed_filter + out_c * row_bytes;
                int32_t acc0, acc1;
                td_int4_dot_lanes_two(weights, row_bytes, lanes, groups, &acc0, &acc1);
                if (tail > 0) {
                    acc0 += td_int4_dot(packed_filter, out_c * input_depth + groups * 8, input_row + groups * 8, tail, params->input_offset);
                    acc1 += td_int4_dot(packed_filter, (out_c + 1) * input_depth + groups * 8, input_row + groups * 8, tail, params->input_offset);
                }
                output_row[out_c] = td_fully_connected_s8_finish(params, quant, out_c * quant_step, acc0, bias, out_c);
                output_row[out_c + 1] = td_fully_connected_s8_finish(params, quant, (out_c + 1) * quant_step, acc1, bias, out_c + 1);
            }
            if (out_c < output_depth) {
                int32_t acc = td_int4_dot_lanes(packed_filter + out_c * row_bytes, lanes, groups);
                acc += td_int4_dot(packed_filter, out_c * input_depth + groups * 8, input_row + groups * 8, tail, params->input_offset);
                output_row[out_c] = td_fully_connected_s8_finish(params, quant, out_c * quant_step, acc, bias, out_c);
            }
        }
        return TD_OK;
    }
#endif
    (void)ctx;
    td_fully_connected_s8_int4_reference(params, quant, per_channel, batches, input_depth, output_depth, input,
                                         packed_filter, bias, output);
    return TD_OK;
}
