/*
 * TinyDeploy kernel library, internal: the pieces of DEPTHWISE_CONV_2D int8 shared by the
 * portable kernel and the Cortex-M variant, bit-exact with TFLite's
 * reference_integer_ops::DepthwiseConvPerChannel (padded taps skipped, per-channel
 * requantization). Both kernels walk the output pixels, work out once per pixel which taps fall
 * inside the image, run their own fast path over blocks of four channels when the depth
 * multiplier is 1, and finish the other channels here one at a time.
 */
#ifndef TD_DEPTHWISE_CONV2D_S8_REFERENCE_H
#define TD_DEPTHWISE_CONV2D_S8_REFERENCE_H

#include "../internal/td_common.h"

/** Which taps of one output pixel's window fall inside the image, and where they start. */
typedef struct {
    /** Element offset of tap (ky_start, kx_start), channel 0, in the input. */
    int32_t input_start;
    /** Element offset of tap (ky_start, kx_start), channel 0, in the filter. */
    int32_t filter_start;
    /** Elements between vertically neighbouring taps in the input and in the filter. */
    int32_t input_row_step;
    int32_t filter_row_step;
    /** Elements between horizontally neighbouring taps. */
    int32_t input_tap_step;
    int32_t filter_tap_step;
    int32_t rows;
    int32_t columns;
} td_depthwise_window;

static inline td_depthwise_window td_depthwise_window_of(const td_depthwise_conv_params *params,
                                                         const td_dims *input_dims,
                                                         const td_dims *filter_dims,
                                                         int32_t batch,
                                                         int32_t out_y,
                                                         int32_t out_x)
{
    const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
    const int32_t channels = filter_dims->c;
    td_depthwise_window window;
    int32_t ky_start, ky_end, kx_start, kx_end;
    td_tap_range(in_y_origin, input_dims->h, filter_dims->h, params->dilation.h, &ky_start, &ky_end);
    td_tap_range(in_x_origin, input_dims->w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
    window.input_start = ((batch * input_dims->h + in_y_origin + params->dilation.h * ky_start) * input_dims->w +
                          in_x_origin + params->dilation.w * kx_start) *
                         input_dims->c;
    window.filter_start = (ky_start * filter_dims->w + kx_start) * channels;
    window.input_row_step = params->dilation.h * input_dims->w * input_dims->c;
    window.filter_row_step = filter_dims->w * channels;
    window.input_tap_step = params->dilation.w * input_dims->c;
    window.filter_tap_step = channels;
    window.rows = ky_end - ky_start;
    window.columns = kx_end - kx_start;
    return window;
}

/** Bias, requantization, output offset and clamp of one accumulator. */
TD_INLINE int8_t td_depthwise_finish(const td_depthwise_conv_params *params,
                                     const td_per_channel_quant *quant,
                                     const int32_t *bias,
                                     int32_t out_c,
                                     int32_t acc)
{
    if (bias != NULL) {
        acc += bias[out_c];
    }
    acc = td_multiply_by_quantized_multiplier(acc, quant->multiplier[out_c], quant->shift[out_c]);
    acc += params->output_offset;
    return (int8_t)td_clamp_i32(acc, params->activation.min, params->activation.max);
}

/** Output channels [first_out_c, C_out) of one pixel, one at a time (any depth multiplier). */
static inline void td_depthwise_channels_s8(const td_depthwise_conv_params *params,
                                            const td_per_channel_quant *quant,
                                            const td_depthwise_window *window,
                                            int32_t first_out_c,
                                            int32_t output_c,
                                            const int8_t *input,
                                            const int8_t *filter,
                                            const int32_t *bias,
                                            int8_t *out)
{
    const int32_t input_offset = params->input_offset;
    int32_t out_c, row, column;
    for (out_c = first_out_c; out_c < output_c; ++out_c) {
        const int32_t in_c = out_c / params->depth_multiplier;
        int32_t acc = 0;
        for (row = 0; row < window->rows; ++row) {
            const int8_t *in = input + window->input_start + row * window->input_row_step + in_c;
            const int8_t *f = filter + window->filter_start + row * window->filter_row_step + out_c;
            for (column = 0; column < window->columns; ++column) {
                acc += (int32_t)*f * ((int32_t)*in + input_offset);
                in += window->input_tap_step;
                f += window->filter_tap_step;
            }
        }
        out[out_c] = td_depthwise_finish(params, quant, bias, out_c, acc);
    }
}

#if defined(__GNUC__)
#define TD_DEPTHWISE_OUT_OF_LINE __attribute__((noinline, unused))
#else
#define TD_DEPTHWISE_OUT_OF_LINE
#endif

/**
 * Output channels [first_out_c, last_out_c) of every pixel of batches [first_batch, last_batch), one pixel and one
 * channel at a time: what an optimized depthwise kernel leaves to the reference loop (out of line: a kernel file that
 * calls it from several places keeps one copy; unused where a file does not call it).
 */
static TD_DEPTHWISE_OUT_OF_LINE void td_depthwise_pixels_s8(const td_depthwise_conv_params *params,
                                                            const td_per_channel_quant *quant,
                                                            const td_dims *input_dims,
                                                            const int8_t *input,
                                                            const td_dims *filter_dims,
                                                            const int8_t *filter,
                                                            const int32_t *bias,
                                                            const td_dims *output_dims,
                                                            int8_t *output,
                                                            int32_t first_batch,
                                                            int32_t last_batch,
                                                            int32_t first_out_c,
                                                            int32_t last_out_c)
{
    int32_t batch, out_y, out_x;
    for (batch = first_batch; batch < last_batch; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const td_depthwise_window window =
                    td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
                int8_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_dims->c;
                td_depthwise_channels_s8(params, quant, &window, first_out_c, last_out_c, input, filter, bias, out);
            }
        }
    }
}

/**
 * One output pixel of the portable kernel's loop (td_depthwise_portable_s8): with depth multiplier 1, four neighbouring
 * channels share each tap's loop (integer sums do not depend on their order), the other channels one at a time.
 */
TD_INLINE void td_depthwise_portable_pixel_s8(const td_depthwise_conv_params *params,
                                              const td_per_channel_quant *quant,
                                              const td_depthwise_window *window,
                                              int32_t output_c,
                                              const int8_t *input,
                                              const int8_t *filter,
                                              const int32_t *bias,
                                              int8_t *out)
{
    const int32_t input_offset = params->input_offset;
    const int32_t blocked = params->depth_multiplier == 1 ? output_c & ~3 : 0;
    int32_t c, row, column;
    for (c = 0; c < blocked; c += 4) {
        int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
        for (row = 0; row < window->rows; ++row) {
            const int8_t *in = input + window->input_start + row * window->input_row_step + c;
            const int8_t *f = filter + window->filter_start + row * window->filter_row_step + c;
            for (column = 0; column < window->columns; ++column) {
                acc0 += (int32_t)f[0] * ((int32_t)in[0] + input_offset);
                acc1 += (int32_t)f[1] * ((int32_t)in[1] + input_offset);
                acc2 += (int32_t)f[2] * ((int32_t)in[2] + input_offset);
                acc3 += (int32_t)f[3] * ((int32_t)in[3] + input_offset);
                in += window->input_tap_step;
                f += window->filter_tap_step;
            }
        }
        out[c] = td_depthwise_finish(params, quant, bias, c, acc0);
        out[c + 1] = td_depthwise_finish(params, quant, bias, c + 1, acc1);
        out[c + 2] = td_depthwise_finish(params, quant, bias, c + 2, acc2);
        out[c + 3] = td_depthwise_finish(params, quant, bias, c + 3, acc3);
    }
    td_depthwise_channels_s8(params, quant, window, blocked, output_c, input, filter, bias, out);
}

/**
 * The portable kernel's loop over every output pixel (td_depthwise_portable_pixel_s8). Shared by the portable
 * kernel and by the Cortex-M variant for what its channel blocks and paired taps do not take (no scratch, tiny
 * outputs, an output over its input), so that those shapes run exactly the portable kernel's code (out of line in
 * both, so that it compiles to the same instructions).
 */
static TD_DEPTHWISE_OUT_OF_LINE void td_depthwise_portable_s8(const td_depthwise_conv_params *params,
                                                              const td_per_channel_quant *quant,
                                                              const td_dims *input_dims,
                                                              const int8_t *input,
                                                              const td_dims *filter_dims,
                                                              const int8_t *filter,
                                                              const int32_t *bias,
                                                              const td_dims *output_dims,
                                                              int8_t *output)
{
    const int32_t output_c = output_dims->c;
    int32_t batch, out_y, out_x;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const td_depthwise_window window =
                    td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
                int8_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_c;
                td_depthwise_portable_pixel_s8(params, quant, &window, output_c, input, filter, bias, out);
            }
        }
    }
}

/**
 * An entry point of the DSP kernel (`entry` and entry_get_buffer_size) in a build without that entry's code:
 * td_depthwise_conv2d_s8 itself, with its scratch (the generator calls those entries only in DSP builds; the portable
 * builds define them for the same API everywhere).
 */
#define TD_DEPTHWISE_ENTRY_AS_PORTABLE(entry)                                                                         \
    int32_t entry##_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)                            \
    {                                                                                                                 \
        return td_depthwise_conv2d_s8_get_buffer_size(input_dims, filter_dims);                                       \
    }                                                                                                                 \
    td_status entry(const td_context *ctx, const td_depthwise_conv_params *params, const td_per_channel_quant *quant, \
                    const td_dims *input_dims, const int8_t *input, const td_dims *filter_dims, const int8_t *filter,  \
                    const int32_t *bias, const td_dims *output_dims, int8_t *output)                                   \
    {                                                                                                                 \
        return td_depthwise_conv2d_s8(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,  \
                                      output);                                                                        \
    }
/** td_depthwise_conv2d_s8_paired (pairs of taps), _lines (widened lines), _columns (down the columns) and _3x3. */
#define TD_DEPTHWISE_PAIRED_AS_PORTABLE TD_DEPTHWISE_ENTRY_AS_PORTABLE(td_depthwise_conv2d_s8_paired)
#define TD_DEPTHWISE_LINES_AS_PORTABLE TD_DEPTHWISE_ENTRY_AS_PORTABLE(td_depthwise_conv2d_s8_lines)
#define TD_DEPTHWISE_COLUMNS_AS_PORTABLE TD_DEPTHWISE_ENTRY_AS_PORTABLE(td_depthwise_conv2d_s8_columns)
#define TD_DEPTHWISE_3X3_AS_PORTABLE TD_DEPTHWISE_ENTRY_AS_PORTABLE(td_depthwise_conv2d_s8_3x3)

#endif /* TD_DEPTHWISE_CONV2D_S8_REFERENCE_H */
