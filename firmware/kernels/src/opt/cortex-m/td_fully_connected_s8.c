/*
 * FULLY_CONNECTED, int8, Cortex-M DSP variant. Overrides src/fully_connected/ by name and gives
 * the same bits as the portable kernel.
 *
 * Two output rows at a time: four input bytes are loaded once, split by SXTB16 into the even
 * and odd int16 lanes and offset with SADD16; each weight row's four bytes are split the same
 * way, so the lanes pair up without reordering and two SMLAD do four multiply-accumulates.
 * Weights with a zero point (filter_offset != 0) and the odd last row take the portable path.
 * Needs no scratch.
 */
#include "../../fully_connected/td_fully_connected_s8_reference.h"
#include "td_dsp.h"

int32_t td_fully_connected_s8_get_buffer_size(int32_t input_depth, int32_t output_depth)
{
    (void)input_depth;
    (void)output_depth;
    return 0;
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
#if TD_KERNELS_DSP
    const int32_t input_offset = params->input_offset;
    const uint32_t offsets = td_pack16(input_offset, input_offset);
    const int32_t quant_step = per_channel ? 1 : 0;
    const int32_t paired = params->filter_offset == 0 ? output_depth & ~1 : 0;
    int32_t batch, out_c, d;
    (void)ctx;

    for (batch = 0; batch < batches; ++batch) {
        const int8_t *input_row = input + batch * input_depth;
        int8_t *output_row = output + batch * output_depth;
        for (out_c = 0; out_c < paired; out_c += 2) {
            const int8_t *filter0 = filter + out_c * input_depth;
            const int8_t *filter1 = filter0 + input_depth;
            int32_t acc0 = 0;
            int32_t acc1 = 0;
            for (d = 0; d + 4 <= input_depth; d += 4) {
                const uint32_t values = td_read_u32(input_row + d);
                const uint32_t even = td_sadd16(td_sxtb16(values), offsets);
                const uint32_t odd = td_sadd16(td_sxtb16_ror8(values), offsets);
                const uint32_t weights0 = td_read_u32(filter0 + d);
                const uint32_t weights1 = td_read_u32(filter1 + d);
                acc0 = td_smlad(td_sxtb16(weights0), even, acc0);
                acc0 = td_smlad(td_sxtb16_ror8(weights0), odd, acc0);
                acc1 = td_smlad(td_sxtb16(weights1), even, acc1);
                acc1 = td_smlad(td_sxtb16_ror8(weights1), odd, acc1);
            }
            for (; d < input_depth; ++d) {
                const int32_t value = (int32_t)input_row[d] + input_offset;
                acc0 += (int32_t)filter0[d] * value;
                acc1 += (int32_t)filter1[d] * value;
            }
            output_row[out_c] = td_fully_connected_s8_finish(params, quant, out_c * quant_step, acc0, bias, out_c);
            output_row[out_c + 1] =
                td_fully_connected_s8_finish(params, quant, (out_c + 1) * quant_step, acc1, bias, out_c + 1);
        }
    }
    if (paired < output_depth) {
        td_fully_connected_s8_reference_rows(params, quant, per_channel, batches, input_depth, output_depth, paired,
                                             output_depth, input, filter, bias, output);
    }
#else
    (void)ctx;
    td_fully_connected_s8_reference_rows(params, quant, per_channel, batches, input_depth, output_depth, 0,
                                         output_depth, input, filter, bias, output);
#endif
    return TD_OK;
}
