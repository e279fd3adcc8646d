/*
 * DEPTHWISE_CONV_2D, int8, the entry the generator picks for 5x5 filters (stride 1 or 2) and for
 * 3x3 filters at stride 1 with a depth multiplier above 1 over small images. The DSP variant
 * (src/opt/cortex-m) widens the input into planes of int16 pairs of one channel (SMLAD); here,
 * without the DSP extension, it is the reference loop, pixel by pixel (the same bits), for the
 * rows-of-five entry (td_depthwise_conv2d_s8_wide_rows5) too. Needs no scratch.
 *
 * The entries with the generator's blocks take a NULL filter (and bias) where the generator drops
 * them (td_kernels.h): their pixels are then made from the blocks alone (td_wide_blocks_pixels).
 */
#include "td_depthwise_conv2d_s8_reference.h"

int32_t td_depthwise_conv2d_s8_wide_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_depthwise_conv2d_s8_wide(const td_context *ctx,
                                      const td_depthwise_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output)
{
    (void)ctx;
    td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                           output_dims->n, 0, output_dims->c);
    return TD_OK;
}

/** Where a block's parts lie (td_kernels.h): bias words, tap words per filter row, the lane of a row's last tap. */
typedef struct {
    int32_t biases;
    int32_t row_words;
    int32_t last;
    int32_t compact; /* 1: no requantization words, made from `quant` (td_depthwise_conv2d_s8_wide_rows5_compact) */
} td_wide_layout;

/** Doubled tap k of a filter row's tap words: lanes 0.. in order, the row's last tap in lane `last`. */
static int32_t td_wide_block_tap(const int32_t *row, int32_t k, int32_t width, int32_t last)
{
    const int32_t lane = k < width - 1 ? k : last;
    const uint32_t word = (uint32_t)row[lane / 2];
    return (int32_t)(int16_t)(uint16_t)((lane & 1) != 0 ? word >> 16 : word & 0xffffu);
}

/**
 * Every output from the generator's blocks, without the filter and bias: the doubled folded bias plus each tap's
 * doubled weight times its input, a padded position at the input's zero point (its share of the folded input offset
 * cancels), then the fast requantization with the output offset folded in (td_requant_fast's sums, the same bits
 * as the reference for the channels the generator gives blocks).
 */
static td_status td_wide_blocks_pixels(const td_depthwise_conv_params *params,
                                       const td_per_channel_quant *quant,
                                       const td_dims *input_dims,
                                       const int8_t *input,
                                       const td_dims *filter_dims,
                                       const td_dims *output_dims,
                                       int8_t *output,
                                       const int32_t *blocks,
                                       td_wide_layout layout)
{
    const int32_t filter_h = filter_dims->h, filter_w = filter_dims->w, out_c = output_dims->c;
    const int32_t requant_at = layout.biases + filter_h * layout.row_words;
    const int32_t words = requant_at + (layout.compact ? 0 : 3);
    int32_t batch, out_y, out_x, o, r, k;
    if (blocks == NULL || params->dilation.h != 1 || params->dilation.w != 1 || (layout.compact && quant == NULL) ||
        filter_dims->c != out_c || out_c != input_dims->c * params->depth_multiplier) {
        return TD_ERROR_ARGUMENT;
    }
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                int8_t *const out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * out_c;
                for (o = 0; o < out_c; ++o) {
                    const int32_t *const block = blocks + o * words;
                    uint32_t acc = (uint32_t)block[0];
                    int32_t multiplier, right_shift, rounding, sum, value;
                    for (r = 0; r < filter_h; ++r) {
                        const int32_t in_y = out_y * params->stride.h - params->padding.h + r;
                        for (k = 0; k < filter_w; ++k) {
                            const int32_t in_x = out_x * params->stride.w - params->padding.w + k;
                            const int32_t x =
                                in_y >= 0 && in_y < input_dims->h && in_x >= 0 && in_x < input_dims->w
                                    ? input[((batch * input_dims->h + in_y) * input_dims->w + in_x) * input_dims->c +
                                            o / params->depth_multiplier]
                                    : -params->input_offset;
                            acc += (uint32_t)(td_wide_block_tap(block + layout.biases + r * layout.row_words, k,
                                                                filter_w, layout.last) *
                                              x);
                        }
                    }
                    if (layout.compact) {
                        multiplier = quant->multiplier[o];
                        right_shift = multiplier == 0 ? 1 : -quant->shift[o];
                        rounding = (int32_t)((uint32_t)(2 * params->output_offset + 1) << (right_shift - 1));
                    } else {
                        multiplier = block[requant_at];
                        right_shift = block[requant_at + 1];
                        rounding = block[requant_at + 2];
                    }
                    sum = (int32_t)acc;
                    /* SMMLAR(sum, multiplier, rounding + (sum >> 31)) >> right_shift */
                    value = (int32_t)(((int64_t)(rounding + (sum >> 31)) * ((int64_t)1 << 32) + (int64_t)sum * multiplier +
                                       ((int64_t)1 << 31)) >>
                                      32) >>
                            right_shift;
                    out[o] = (int8_t)td_clamp_i32(td_clamp_i32(value, -128, 127), params->activation.min,
                                                  params->activation.max);
                }
            }
        }
    }
    return TD_OK;
}

td_status td_depthwise_conv2d_s8_wide_packed(const td_context *ctx,
                                             const td_depthwise_conv_params *params,
                                             const td_per_channel_quant *quant,
                                             const td_dims *input_dims,
                                             const int8_t *input,
                                             const td_dims *filter_dims,
                                             const int8_t *filter,
                                             const int32_t *bias,
                                             const td_dims *output_dims,
                                             int8_t *output,
                                             const int32_t *blocks)
{
    if (filter == NULL) {
        /* The blocks' layout per loop of the DSP kernel: 5x5 stride 1, 5x5 stride 2, 3x3 stride 1, 3x3 stride 2. */
        const int32_t filter_w = filter_dims->w, stride_w = params->stride.w;
        td_wide_layout layout = {1, 0, 0, 0};
        if (filter_dims->h != filter_w || params->stride.h != stride_w || (filter_w != 3 && filter_w != 5) ||
            (stride_w != 1 && stride_w != 2)) {
            return TD_ERROR_ARGUMENT;
        }
        layout.biases = filter_w == 3 && stride_w == 2 ? 6 : 1;
        layout.row_words = filter_w == 5 ? (stride_w == 1 ? 4 : 3) : 2;
        layout.last = stride_w == 1 ? 2 * layout.row_words - 1 : filter_w - 1;
        return td_wide_blocks_pixels(params, quant, input_dims, input, filter_dims, output_dims, output, blocks, layout);
    }
    (void)blocks;
    return td_depthwise_conv2d_s8_wide(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                       output);
}

int32_t td_depthwise_conv2d_s8_wide_rows5_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

/** Rows of five from the blocks alone (filter NULL): 3x3 at stride 1, the full blocks or the compact ones. */
static td_status td_wide_rows5_from_blocks(const td_depthwise_conv_params *params,
                                           const td_per_channel_quant *quant,
                                           const td_dims *input_dims,
                                           const int8_t *input,
                                           const td_dims *filter_dims,
                                           const td_dims *output_dims,
                                           int8_t *output,
                                           const int32_t *blocks,
                                           int compact)
{
    const td_wide_layout layout = {1, 2, 3, compact};
    if (filter_dims->h != 3 || filter_dims->w != 3 || params->stride.h != 1 || params->stride.w != 1) {
        return TD_ERROR_ARGUMENT;
    }
    return td_wide_blocks_pixels(params, quant, input_dims, input, filter_dims, output_dims, output, blocks, layout);
}

td_status td_depthwise_conv2d_s8_wide_rows5(const td_context *ctx,
                                            const td_depthwise_conv_params *params,
                                            const td_per_channel_quant *quant,
                                            const td_dims *input_dims,
                                            const int8_t *input,
                                            const td_dims *filter_dims,
                                            const int8_t *filter,
                                            const int32_t *bias,
                                            const td_dims *output_dims,
                                            int8_t *output,
                                            const int32_t *blocks)
{
    if (filter == NULL) {
        return td_wide_rows5_from_blocks(params, quant, input_dims, input, filter_dims, output_dims, output, blocks, 0);
    }
    (void)blocks;
    return td_depthwise_conv2d_s8_wide(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                       output);
}

td_status td_depthwise_conv2d_s8_wide_rows5_compact(const td_context *ctx,
                                                    const td_depthwise_conv_params *params,
                                                    const td_per_channel_quant *quant,
                                                    const td_dims *input_dims,
                                                    const int8_t *input,
                                                    const td_dims *filter_dims,
                                                    const int8_t *filter,
                                                    const int32_t *bias,
                                                    const td_dims *output_dims,
                                                    int8_t *output,
                                                    const int32_t *blocks)
{
    if (filter == NULL) {
        return td_wide_rows5_from_blocks(params, quant, input_dims, input, filter_dims, output_dims, output, blocks, 1);
    }
    (void)blocks;
    return td_depthwise_conv2d_s8_wide(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                       output);
}
