/*
 * FULLY_CONNECTED, 16x8, portable: TFLite's reference_integer_ops::FullyConnected for int16
 * input (symmetric weights, zero points 0, 64-bit sum, td_s16.h's epilogue). Needs no scratch.
 */
#include "../internal/td_s16.h"

int32_t td_fully_connected_s16_get_buffer_size(int32_t input_depth, int32_t output_depth)
{
    (void)input_depth;
    (void)output_depth;
    return 0;
}

td_status td_fully_connected_s16(const td_context *ctx,
                                 const td_fc_params_s16 *params,
                                 const td_per_channel_quant *quant,
                                 int32_t batches,
                                 int32_t input_depth,
                                 int32_t output_depth,
                                 const int16_t *input,
                                 const int8_t *filter,
                                 const int64_t *bias,
                                 int16_t *output)
{
    int32_t batch, out_c, d;
    (void)ctx;
    for (batch = 0; batch < batches; ++batch) {
        const int16_t *input_row = input + batch * input_depth;
        for (out_c = 0; out_c < output_depth; ++out_c) {
            const int8_t *filter_row = filter + out_c * input_depth;
            int64_t acc = 0;
            int32_t part = 0;
            for (d = 0; d < input_depth; ++d) {
                /* |x * w| <= 2^22: 256 products sum exactly in int32. */
                part += (int32_t)filter_row[d] * (int32_t)input_row[d];
                if ((d & 255) == 255) {
                    acc += part;
                    part = 0;
                }
            }
            acc += part;
            output[batch * output_depth + out_c] = td_requantize_s16_output(
                acc, bias, out_c, params->wide, quant->multiplier[out_c], quant->shift[out_c], &params->activation);
        }
    }
    return TD_OK;
}
