/*
 * PAD / PADV2, int8, 4-D (TFLite's reference_ops::Pad): the input placed after `before`
 * elements in every dimension, every other element set to the pad value.
 *
 * Written as runs: an output row (n, h) outside the input is one fill; inside, without channel
 * padding, it is a fill of the left border, one copy of the input row (contiguous in both) and a
 * fill of the right border; with channel padding each pixel is fill, copy, fill. The fills and
 * copies move words (td_bytes.h).
 */
#include "../internal/td_common.h"
#include "td_bytes.h"

td_status td_pad_s8(const td_pad_params_s8 *params, const td_dims *input_dims, const int8_t *input, int8_t *output)
{
    const td_dims *before = &params->before;
    const td_dims *after = &params->after;
    const int32_t out_n = input_dims->n + before->n + after->n;
    const int32_t out_h = input_dims->h + before->h + after->h;
    const int32_t out_c = input_dims->c + before->c + after->c;
    const int32_t out_w = input_dims->w + before->w + after->w;
    const int32_t out_row = out_w * out_c;
    const int32_t in_c = input_dims->c;
    const int8_t pad_value = params->pad_value;
    int32_t n, h, w;
    for (n = 0; n < out_n; ++n) {
        const int32_t in_n = n - before->n;
        for (h = 0; h < out_h; ++h) {
            const int32_t in_h = h - before->h;
            const int8_t *row;
            if (in_n < 0 || in_n >= input_dims->n || in_h < 0 || in_h >= input_dims->h) {
                output = td_fill_s8(output, pad_value, out_row);
                continue;
            }
            row = input + (in_n * input_dims->h + in_h) * input_dims->w * in_c;
            output = td_fill_s8(output, pad_value, before->w * out_c);
            if (before->c == 0 && after->c == 0) {
                output = td_copy_s8(output, row, input_dims->w * in_c);
            } else {
                for (w = 0; w < input_dims->w; ++w, row += in_c) {
                    output = td_fill_s8(output, pad_value, before->c);
                    output = td_copy_s8(output, row, in_c);
                    output = td_fill_s8(output, pad_value, after->c);
                }
            }
            output = td_fill_s8(output, pad_value, after->w * out_c);
        }
    }
    return TD_OK;
}
