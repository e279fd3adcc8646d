/*
 * td_avgpool_s8_narrow, Cortex-M variant (overrides src/pooling/td_avgpool_s8_narrow.c by name; the
 * same bytes as td_avgpool_s8): average pools over one to three channels, the generator's choice
 * for them in DSP builds. With no word of four lanes to sum, td_avgpool_s8's per-pixel set-up for
 * its lane paths cost such pools more than the portable kernel (bench/shapes seed 329, 1x2 over
 * 3x21x1: 2,480 instructions, portable 2,280); here one channel at a time, the window's rows
 * worked out once per output row, its first pixel and size once per pixel, its pixels walked by
 * pointer: 2,080. Plain C (no DSP instruction), the same on every core.
 */
#include "td_avgpool_dsp.h"

td_status td_avgpool_s8_narrow(const td_pool_params *params,
                               const td_dims *input_dims,
                               const int8_t *input,
                               const td_dims *output_dims,
                               int8_t *output)
{
    const int32_t input_h = input_dims->h;
    const int32_t input_w = input_dims->w;
    const int32_t channels = input_dims->c;
    const int32_t row_step = input_w * channels;
    const int32_t min = params->activation.min;
    const int32_t max = params->activation.max;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    int32_t batch, out_y, out_x, c;

    for (batch = 0; batch < output_dims->n; ++batch) {
        const int8_t *const image = input + batch * input_h * row_step;
        for (out_y = 0; out_y < out_h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            const int32_t y_start = td_max_i32(0, -in_y_origin);
            const int32_t rows = td_max_i32(td_min_i32(params->filter.h, input_h - in_y_origin) - y_start, 0);
            const int8_t *const top = image + (in_y_origin + y_start) * row_step;
            for (out_x = 0; out_x < out_w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                const int32_t x_start = td_max_i32(0, -in_x_origin);
                const int32_t columns = td_max_i32(td_min_i32(params->filter.w, input_w - in_x_origin) - x_start, 0);
                const int32_t count = rows * columns;
                const int8_t *const window = top + (in_x_origin + x_start) * channels;
                for (c = 0; c < channels; ++c) {
                    int32_t acc = 0;
                    const int8_t *row = window + c;
                    int32_t fy, fx;
                    for (fy = 0; fy < rows; ++fy, row += row_step) {
                        const int8_t *pixel = row;
                        for (fx = 0; fx < columns; ++fx, pixel += channels) {
                            acc += *pixel;
                        }
                    }
                    *output++ = td_average(acc, count, min, max);
                }
            }
        }
    }
    return TD_OK;
}
