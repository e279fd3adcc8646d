/*
 * AVERAGE_POOL_2D, int8, Cortex-M DSP variant. Overrides src/pooling/td_avgpool_s8.c by name and
 * gives the same bytes: the same integer sums (their order does not matter) and the same division,
 * rounding half away from zero, over the window clipped to the image.
 *
 * Four channels at a time: each window pixel is one word, split by SXTB16 into the lanes
 * (c0, c2) and (c1, c3) and summed with SADD16, int16 sums that cannot overflow while the window
 * holds at most 255 pixels (255 · 128 < 32768); larger windows, and channels beyond a multiple
 * of four, go one at a time (all of them on a core without the DSP extension). A full 2x2 window
 * is unrolled, divided by a shift and its four outputs stored as one word.
 */
#include "td_avgpool_dsp.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP
/** The signed int16 lane of a pair: low (0) or high (1). */
TD_INLINE int32_t td_lane16(uint32_t pair, int high)
{
    return (int32_t)(int16_t)(uint16_t)(high ? pair >> 16 : pair & 0xffffu);
}
#endif

td_status td_avgpool_s8(const td_pool_params *params,
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
                const int32_t rows = td_max_i32(y_end - y_start, 0);
                const int32_t columns = td_max_i32(x_end - x_start, 0);
                const int32_t count = rows * columns;
                const int8_t *const window =
                    input + ((batch * input_h + in_y_origin + y_start) * input_w + in_x_origin + x_start) * channels;
                c = 0;
#if TD_KERNELS_DSP
                if (count == 4 && rows == 2) {
                    /* A full 2x2 window (the usual stride-2 pooling): its four pixels unrolled and
                     * the division by 4, half away from zero, as (acc + 2 + (acc < 0 ? -1 : 0)) >> 2. */
                    const int8_t *const top = window;
                    const int8_t *const bottom = window + row_step;
                    for (; c < (channels & ~3); c += 4) {
                        const uint32_t a = td_read_u32(top + c), b = td_read_u32(top + channels + c);
                        const uint32_t e = td_read_u32(bottom + c), f = td_read_u32(bottom + channels + c);
                        const uint32_t even = td_sadd16(td_sadd16(td_sxtb16(a), td_sxtb16(b)), td_sadd16(td_sxtb16(e), td_sxtb16(f)));
                        const uint32_t odd = td_sadd16(td_sadd16(td_sxtb16_ror8(a), td_sxtb16_ror8(b)),
                                                       td_sadd16(td_sxtb16_ror8(e), td_sxtb16_ror8(f)));
                        const int32_t s0 = td_lane16(even, 0), s1 = td_lane16(odd, 0);
                        const int32_t s2 = td_lane16(even, 1), s3 = td_lane16(odd, 1);
                        const int32_t v0 = td_clamp_i32((s0 + 2 + (s0 >> 31)) >> 2, min, max);
                        const int32_t v1 = td_clamp_i32((s1 + 2 + (s1 >> 31)) >> 2, min, max);
                        const int32_t v2 = td_clamp_i32((s2 + 2 + (s2 >> 31)) >> 2, min, max);
                        const int32_t v3 = td_clamp_i32((s3 + 2 + (s3 >> 31)) >> 2, min, max);
                        const uint32_t packed = ((uint32_t)v0 & 0xffu) | (((uint32_t)v1 & 0xffu) << 8) |
                                                (((uint32_t)v2 & 0xffu) << 16) | ((uint32_t)v3 << 24);
                        memcpy(output, &packed, 4);
                        output += 4;
                    }
                }
                for (; c < (count <= 255 ? channels & ~3 : 0); c += 4) {
                    uint32_t even = 0, odd = 0;
                    const int8_t *row = window + c;
                    int32_t fy, fx;
                    for (fy = 0; fy < rows; ++fy, row += row_step) {
                        const int8_t *pixel = row;
                        for (fx = 0; fx < columns; ++fx, pixel += channels) {
                            const uint32_t four = td_read_u32(pixel);
                            even = td_sadd16(even, td_sxtb16(four));
                            odd = td_sadd16(odd, td_sxtb16_ror8(four));
                        }
                    }
                    output[0] = td_average(td_lane16(even, 0), count, min, max);
                    output[1] = td_average(td_lane16(odd, 0), count, min, max);
                    output[2] = td_average(td_lane16(even, 1), count, min, max);
                    output[3] = td_average(td_lane16(odd, 1), count, min, max);
                    output += 4;
                }
#endif
                for (; c < channels; ++c) {
                    int32_t acc = 0;
                    const int8_t *row = window + c;
                    int32_t fy, fx;
                    for (fy = 0; fy < rows; ++fy, row += row_step) {
                        for (fx = 0; fx < columns; ++fx) {
                            acc += row[fx * channels];
                        }
                    }
                    *output++ = td_average(acc, count, min, max);
                }
            }
        }
    }
    return TD_OK;
}
