/*
 * PAD / PADV2, int8, 4-D (TFLite's reference_ops::Pad): the input placed after `before`
 * elements in every dimension, every other element set to the pad value.
 */
#include "../internal/td_common.h"

td_status td_pad_s8(const td_pad_params_s8 *params, const td_dims *input_dims, const int8_t *input, int8_t *output)
{
    const td_dims *before = &params->before;
    const int32_t out_n = input_dims->n + before->n + params->after.n;
    const int32_t out_h = input_dims->h + before->h + params->after.h;
    const int32_t out_w = input_dims->w + before->w + params->after.w;
    const int32_t out_c = input_dims->c + before->c + params->after.c;
    const int8_t pad_value = params->pad_value;
    int32_t n, h, w, c;
    for (n = 0; n < out_n; ++n) {
        const int32_t in_n = n - before->n;
        for (h = 0; h < out_h; ++h) {
            const int32_t in_h = h - before->h;
            for (w = 0; w < out_w; ++w) {
                const int32_t in_w = w - before->w;
                const int inside = in_n >= 0 && in_n < input_dims->n && in_h >= 0 && in_h < input_dims->h &&
                                   in_w >= 0 && in_w < input_dims->w;
                if (!inside) {
                    for (c = 0; c < out_c; ++c) {
                        *output++ = pad_value;
                    }
                } else {
                    const int8_t *row = input + ((in_n * input_dims->h + in_h) * input_dims->w + in_w) * input_dims->c;
                    for (c = 0; c < before->c; ++c) {
                        *output++ = pad_value;
                    }
                    memcpy(output, row, (size_t)input_dims->c * sizeof(int8_t));
                    output += input_dims->c;
                    for (c = 0; c < params->after.c; ++c) {
                        *output++ = pad_value;
                    }
                }
            }
        }
    }
    return TD_OK;
}
