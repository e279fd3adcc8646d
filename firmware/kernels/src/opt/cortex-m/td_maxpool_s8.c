/*
 * MAX_POOL_2D, int8, Cortex-M DSP variant. Overrides src/pooling/td_maxpool_s8.c by name and
 * gives the same bytes (a maximum does not depend on the order it is taken in).
 *
 * Four channels at a time: the window's pixels are read a word (four channels) each and kept
 * as the running maximum with SSUB8 + SEL (per byte: the GE flags of a - b pick a or b), then
 * clamped to the activation range the same way. Channels beyond a multiple of four go one at a
 * time (all of them on a core without the DSP extension). The window is clipped to the image as
 * in the reference.
 */
#include "../../internal/td_common.h"
#include "td_dsp.h"

td_status td_maxpool_s8(const td_pool_params *params,
                        const td_dims *input_dims,
                        const int8_t *input,
                        const td_dims *output_dims,
                        int8_t *output)
{
    const int32_t input_h = input_dims->h;
    const int32_t input_w = input_dims->w;
    const int32_t channels = input_dims->c;
    /* Without the DSP extension every channel takes the one-at-a-time loop (the portable kernel's). */
    const int32_t blocked = TD_KERNELS_DSP ? channels & ~3 : 0;
    const int32_t row_step = input_w * channels;
    const int full_range = params->activation.min <= -128 && params->activation.max >= 127;
    const uint32_t low = (uint32_t)(uint8_t)(int8_t)td_clamp_i32(params->activation.min, -128, 127) * 0x01010101u;
    const uint32_t high = (uint32_t)(uint8_t)(int8_t)td_clamp_i32(params->activation.max, -128, 127) * 0x01010101u;
    int32_t batch, out_y, out_x, c;

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            const int32_t y_start = td_max_i32(0, -in_y_origin);
            const int32_t y_end = td_min_i32(params->filter.h, input_h - in_y_origin);
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
                const int32_t x_start = td_max_i32(0, -in_x_origin);
                const int32_t x_end = td_min_i32(params->filter.w, input_w - in_x_origin);
                const int8_t *const window =
                    input + ((batch * input_h + in_y_origin + y_start) * input_w + in_x_origin + x_start) * channels;
                const int32_t rows = y_end - y_start;
                const int32_t columns = x_end - x_start;
                for (c = 0; c < blocked; c += 4) {
                    uint32_t max = 0x80808080u; /* -128 in every lane, the reference's start */
                    const int8_t *row = window + c;
                    int32_t fy, fx;
                    for (fy = 0; fy < rows; ++fy, row += row_step) {
                        const int8_t *pixel = row;
                        for (fx = 0; fx < columns; ++fx, pixel += channels) {
                            max = td_max_s8x4(td_read_u32(pixel), max);
                        }
                    }
                    if (!full_range) {
                        max = td_min_s8x4(td_max_s8x4(max, low), high);
                    }
                    memcpy(output, &max, sizeof(max));
                    output += 4;
                }
                for (; c < channels; ++c) {
                    int32_t max = -128;
                    const int8_t *row = window + c;
                    int32_t fy, fx;
                    for (fy = 0; fy < rows; ++fy, row += row_step) {
                        for (fx = 0; fx < columns; ++fx) {
                            max = td_max_i32(max, row[fx * channels]);
                        }
                    }
                    *output++ = (int8_t)td_clamp_i32(max, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TD_OK;
}
