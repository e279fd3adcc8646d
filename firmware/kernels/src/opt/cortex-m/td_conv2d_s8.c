/*
 * CONV_2D, int8, Cortex-M DSP variant. Overrides src/conv/td_conv2d_s8.c by name and gives the
 * same bits as the portable kernel (integer sums do not depend on their order).
 *
 * For each pair of output pixels, the two input patches are copied once into int16 columns
 * (im2col, input offset added, padding as 0, which is what the reference's skipped taps
 * contribute); pairs of output channels then run SMLAD over both columns, so each loaded word
 * serves two multiply-accumulate instructions (16 MACs per 6 loads, 4 SXTB16 and 8 SMLAD). The columns are stored with each group
 * of four reordered (k0, k2, k1, k3) to match the lanes SXTB16 extracts (bytes 0/2, then 1/3).
 * Grouped convolutions take the portable path.
 *
 * Scratch: two columns of C_in * K_h * K_w int16 values. Without the DSP extension this file
 * compiles to the portable kernel, which needs none.
 */
#include "../../conv/td_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    return 2 * filter_dims->c * filter_dims->h * filter_dims->w * (int32_t)sizeof(int16_t);
}

/** The patch of output pixel (batch, out_y, out_x) as an int16 column, groups of four reordered. */
static void td_im2col_column(const td_conv_params *params,
                             const td_dims *input_dims,
                             const int8_t *input,
                             const td_dims *filter_dims,
                             int32_t pixel,
                             const td_dims *output_dims,
                             int16_t *column)
{
    const int32_t out_x = pixel % output_dims->w;
    const int32_t out_y = (pixel / output_dims->w) % output_dims->h;
    const int32_t batch = pixel / (output_dims->w * output_dims->h);
    const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
    const int32_t channels = filter_dims->c;
    const int32_t length = channels * filter_dims->h * filter_dims->w;
    int16_t *out = column;
    int32_t ky, kx, c, k;
    for (ky = 0; ky < filter_dims->h; ++ky) {
        const int32_t in_y = in_y_origin + params->dilation.h * ky;
        for (kx = 0; kx < filter_dims->w; ++kx) {
            const int32_t in_x = in_x_origin + params->dilation.w * kx;
            if (in_y < 0 || in_y >= input_dims->h || in_x < 0 || in_x >= input_dims->w) {
                for (c = 0; c < channels; ++c) {
                    *out++ = 0;
                }
            } else {
                const int8_t *pixel_values =
                    input + ((batch * input_dims->h + in_y) * input_dims->w + in_x) * input_dims->c;
                for (c = 0; c < channels; ++c) {
                    *out++ = (int16_t)(pixel_values[c] + params->input_offset);
                }
            }
        }
    }
    for (k = 0; k + 4 <= length; k += 4) {
        const int16_t second = column[k + 1];
        column[k + 1] = column[k + 2];
        column[k + 2] = second;
    }
}

TD_INLINE int8_t td_conv_finish(const td_conv_params *params,
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

td_status td_conv2d_s8(const td_context *ctx,
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
    const int32_t length = filter_dims->c * filter_dims->h * filter_dims->w;
    const int32_t output_c = output_dims->c;
    const int32_t pixels = output_dims->n * output_dims->h * output_dims->w;
    int16_t *column0;
    int16_t *column1;
    int32_t pixel, out_c, k;

    if (input_dims->c != filter_dims->c) {
        return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                  output);
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_conv2d_s8_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    column0 = (int16_t *)ctx->buf;
    column1 = column0 + length;

    for (pixel = 0; pixel + 2 <= pixels; pixel += 2) {
        int8_t *out0 = output + pixel * output_c;
        int8_t *out1 = out0 + output_c;
        td_im2col_column(params, input_dims, input, filter_dims, pixel, output_dims, column0);
        td_im2col_column(params, input_dims, input, filter_dims, pixel + 1, output_dims, column1);
        /* Two filters against two columns: each loaded word serves two SMLADs. */
        for (out_c = 0; out_c + 2 <= output_c; out_c += 2) {
            const int8_t *filter0 = filter + out_c * length;
            const int8_t *filter1 = filter0 + length;
            int32_t acc00 = 0, acc01 = 0, acc10 = 0, acc11 = 0; /* acc<filter><column> */
            for (k = 0; k + 4 <= length; k += 4) {
                const uint32_t column0_even = td_read_u32(column0 + k);
                const uint32_t column0_odd = td_read_u32(column0 + k + 2);
                const uint32_t column1_even = td_read_u32(column1 + k);
                const uint32_t column1_odd = td_read_u32(column1 + k + 2);
                const uint32_t weights0 = td_read_u32(filter0 + k);
                const uint32_t weights1 = td_read_u32(filter1 + k);
                const uint32_t even0 = td_sxtb16(weights0);
                const uint32_t odd0 = td_sxtb16_ror8(weights0);
                const uint32_t even1 = td_sxtb16(weights1);
                const uint32_t odd1 = td_sxtb16_ror8(weights1);
                acc00 = td_smlad(even0, column0_even, acc00);
                acc00 = td_smlad(odd0, column0_odd, acc00);
                acc01 = td_smlad(even0, column1_even, acc01);
                acc01 = td_smlad(odd0, column1_odd, acc01);
                acc10 = td_smlad(even1, column0_even, acc10);
                acc10 = td_smlad(odd1, column0_odd, acc10);
                acc11 = td_smlad(even1, column1_even, acc11);
                acc11 = td_smlad(odd1, column1_odd, acc11);
            }
            for (; k < length; ++k) {
                acc00 += (int32_t)filter0[k] * column0[k];
                acc01 += (int32_t)filter0[k] * column1[k];
                acc10 += (int32_t)filter1[k] * column0[k];
                acc11 += (int32_t)filter1[k] * column1[k];
            }
            out0[out_c] = td_conv_finish(params, quant, bias, out_c, acc00);
            out1[out_c] = td_conv_finish(params, quant, bias, out_c, acc01);
            out0[out_c + 1] = td_conv_finish(params, quant, bias, out_c + 1, acc10);
            out1[out_c + 1] = td_conv_finish(params, quant, bias, out_c + 1, acc11);
        }
        if (out_c < output_c) {
            const int8_t *filter_row = filter + out_c * length;
            int32_t acc0 = 0;
            int32_t acc1 = 0;
            for (k = 0; k + 4 <= length; k += 4) {
                const uint32_t weights = td_read_u32(filter_row + k);
                const uint32_t even = td_sxtb16(weights);
                const uint32_t odd = td_sxtb16_ror8(weights);
                acc0 = td_smlad(even, td_read_u32(column0 + k), acc0);
                acc0 = td_smlad(odd, td_read_u32(column0 + k + 2), acc0);
                acc1 = td_smlad(even, td_read_u32(column1 + k), acc1);
                acc1 = td_smlad(odd, td_read_u32(column1 + k + 2), acc1);
            }
            for (; k < length; ++k) {
                acc0 += (int32_t)filter_row[k] * column0[k];
                acc1 += (int32_t)filter_row[k] * column1[k];
            }
            out0[out_c] = td_conv_finish(params, quant, bias, out_c, acc0);
            out1[out_c] = td_conv_finish(params, quant, bias, out_c, acc1);
        }
    }
    if (pixel < pixels) {
        int8_t *out0 = output + pixel * output_c;
        td_im2col_column(params, input_dims, input, filter_dims, pixel, output_dims, column0);
        for (out_c = 0; out_c < output_c; ++out_c) {
            const int8_t *filter_row = filter + out_c * length;
            int32_t acc0 = 0;
            for (k = 0; k + 4 <= length; k += 4) {
                const uint32_t weights = td_read_u32(filter_row + k);
                acc0 = td_smlad(td_sxtb16(weights), td_read_u32(column0 + k), acc0);
                acc0 = td_smlad(td_sxtb16_ror8(weights), td_read_u32(column0 + k + 2), acc0);
            }
            for (; k < length; ++k) {
                acc0 += (int32_t)filter_row[k] * column0[k];
            }
            out0[out_c] = td_conv_finish(params, quant, bias, out_c, acc0);
        }
    }
    return TD_OK;
}

#else /* no DSP extension: the portable kernel */

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_conv2d_s8(const td_context *ctx,
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
    return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                  output);
}

#endif
