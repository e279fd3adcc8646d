/*
 * TRANSPOSE_CONV 16x8: int16 activations (zero point 0), int8 per-channel weights, int64 bias
 * (TFLite's reference_integer_ops::TransposeConv for int16 input, which TFLite Micro runs with
 * an int64 scratch): the products x * w scattered into one int64 sum per output element, then
 * the bias, TFLite's 64-bit MultiplyByQuantizedMultiplier with the channel's multiplier (no
 * output offset), clamped. filter_dims = {C_out, K_h, K_w, C_in}. The scratch needs 4-byte
 * alignment only (the Cortex-M's LDRD and STRD take word-aligned addresses).
 */
#include "../internal/td_s16.h"
#include "td_transpose_conv_common.h"

int32_t td_transpose_conv_s16_get_buffer_size(const td_dims *output_dims)
{
    return 8 * output_dims->n * output_dims->h * output_dims->w * output_dims->c;
}

td_status td_transpose_conv_s16(const td_context *ctx,
                                const td_conv_params *params,
                                const td_per_channel_quant *quant,
                                const td_dims *input_dims,
                                const int16_t *input,
                                const td_dims *filter_dims,
                                const int8_t *filter,
                                const int64_t *bias,
                                const td_dims *output_dims,
                                int16_t *output)
{
    const int32_t count = output_dims->n * output_dims->h * output_dims->w * output_dims->c;
    const int32_t channels = output_dims->c;
    int64_t *sums = (int64_t *)ctx->buf;
    int32_t o, c;
    if (ctx->buf == NULL || ctx->size < 8 * count) {
        return TD_ERROR_ARGUMENT;
    }
    memset(sums, 0, (size_t)count * sizeof(int64_t));
#define TD_ACCUMULATE_S16(TARGET, X, W) (sums[(TARGET)] += (int64_t)((int32_t)(X) * (int32_t)(W)))
    TD_TRANSPOSE_CONV_SCATTER(params->stride, params->padding, input_dims, input, filter_dims, filter, output_dims, TD_ACCUMULATE_S16);
#undef TD_ACCUMULATE_S16
    for (o = 0, c = 0; o < count; ++o) {
        const int64_t acc = bias != NULL ? sums[o] + bias[c] : sums[o];
        const int32_t value = td_multiply_by_quantized_multiplier_s64(acc, quant->multiplier[c], quant->shift[c]);
        output[o] = (int16_t)td_clamp_i32(value, params->activation.min, params->activation.max);
        if (++c == channels) {
            c = 0;
        }
    }
    return TD_OK;
}
