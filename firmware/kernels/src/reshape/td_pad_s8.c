/*
 * PAD / PADV2, int8, 4-D (TFLite's reference_ops::Pad): the input placed after `before`
 * elements in every dimension, every other element set to the pad value.
 *
 * The whole output is filled with the pad value (32 bytes per STM: cheaper than the calls and
 * alignment of a fill per border), then each input row is copied into place (contiguous in both
 * without channel padding; a copy per pixel with it). The fills and copies move words
 * (td_bytes.h).
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
    const int32_t in_row = input_dims->w * in_c;
    const int8_t *row = input;
    int32_t n, h, w;
    td_fill_s8(output, params->pad_value, out_n * out_h * out_row);
    for (n = 0; n < input_dims->n; ++n) {
        int8_t *to = output + ((n + before->n) * out_h + before->h) * out_row + before->w * out_c;
        if (before->c != 0 || after->c != 0) {
            for (h = 0; h < input_dims->h; ++h, to += out_row) {
                int8_t *pixel = to + before->c;
                for (w = 0; w < input_dims->w; ++w, row += in_c, pixel += out_c) td_copy_s8(pixel, row, in_c);
            }
        } else if (in_row >= 32) {
            /* The usual case: whole rows of 32 bytes or more, the block copy called directly. */
            for (h = 0; h < input_dims->h; ++h, to += out_row, row += in_row) td_copy_long_s8(to, row, in_row);
        } else {
            for (h = 0; h < input_dims->h; ++h, to += out_row, row += in_row) td_copy_s8(to, row, in_row);
        }
    }
    return TD_OK;
}
