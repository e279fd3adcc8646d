/*
 * TRANSPOSE_CONV, int8 activations and weights, int32 bias, per-channel requantization (TFLite's
 * reference_integer_ops::TransposeConv): int32 sums of (x + input_offset) * w scattered into the
 * scratch (one int32 per output element), then bias, MultiplyByQuantizedMultiplier with the
 * channel's multiplier, plus output_offset, clamped. filter_dims = {C_out, K_h, K_w, C_in}.
 */
#include "td_transpose_conv_common.h"

int32_t td_transpose_conv_s8_get_buffer_size(const td_dims *output_dims)
{
    return 4 * output_dims->n * output_dims->h * output_dims->w * output_dims->c;
}

td_status td_transpose_conv_s8(const td_context *ctx,
                               const td_conv_params *params,
                               const td_per_channel_quant *quant,
                               const td_dims *input_dims,
                               const int8_t *input,
                               const td_dims *filter_dims,
                               const int8_t *filter,
                               const int32_t *bias,
                               const td_dims *output_dims,
                               int8_t *output)
{
    const int32_t count = output_dims->n * output_dims->h * output_dims->w * output_dims->c;
    const int32_t channels = output_dims->c;
    const int32_t input_offset = params->input_offset;
    int32_t *sums = (int32_t *)ctx->buf;
    int32_t o;
    if (ctx->buf == NULL || ctx->size < 4 * count) {
        return TD_ERROR_ARGUMENT;
    }
    memset(sums, 0, (size_t)count * sizeof(int32_t));
#define TD_ACCUMULATE_S8(TARGET, X, W) (sums[(TARGET)] += ((int32_t)(X) + input_offset) * (int32_t)(W))
    TD_TRANSPOSE_CONV_SCATTER(params->stride, params->padding, input_dims, input, filter_dims, filter, output_dims, TD_ACCUMULATE_S8);
#undef TD_ACCUMULATE_S8
    for (o = 0; o < count; ++o) {
        const int32_t c = o % channels;
        const int32_t acc = bias != NULL ? sums[o] + bias[c] : sums[o];
        const int32_t value = td_multiply_by_quantized_multiplier(acc, quant->multiplier[c], quant->shift[c]) + params->output_offset;
        output[o] = (int8_t)td_clamp_i32(value, params->activation.min, params->activation.max);
    }
    return TD_OK;
}
