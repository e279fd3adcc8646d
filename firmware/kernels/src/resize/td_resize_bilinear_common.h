/*
 * RESIZE_BILINEAR on int8 and int16 (TFLite's ResizeBilinearInteger): 10-bit fixed-point
 * positions, the four neighbours weighted in int64, rounded half away from zero by 2^20.
 */
#ifndef TD_RESIZE_BILINEAR_COMMON_H
#define TD_RESIZE_BILINEAR_COMMON_H

#include "../internal/td_common.h"

#define TD_DEFINE_RESIZE_BILINEAR_INTEGER(NAME, T)                                                                    \
    td_status NAME(const td_resize_params *params, const T *input, T *output)                                          \
    {                                                                                                                 \
        const int32_t channels = params->channels;                                                                    \
        int32_t b;                                                                                                    \
        int32_t oy;                                                                                                   \
        int32_t ox;                                                                                                   \
        int32_t c;                                                                                                    \
        for (b = 0; b < params->batch; ++b) {                                                                         \
            for (oy = 0; oy < params->output_height; ++oy) {                                                          \
                const int32_t y0 = params->row_lower[oy];                                                             \
                const int32_t y1 = params->row_upper[oy];                                                             \
                const int64_t wy1 = params->row_position_q10[oy] - 1024 * y0;                                         \
                const int64_t wy0 = 1024 - wy1;                                                                       \
                const T *row0 = input + (b * params->input_height + y0) * params->input_width * channels;             \
                const T *row1 = input + (b * params->input_height + y1) * params->input_width * channels;             \
                for (ox = 0; ox < params->output_width; ++ox) {                                                       \
                    const int32_t x0 = params->column_lower[ox];                                                      \
                    const int32_t x1 = params->column_upper[ox];                                                      \
                    const int64_t wx1 = params->column_position_q10[ox] - 1024 * x0;                                  \
                    const int64_t wx0 = 1024 - wx1;                                                                   \
                    for (c = 0; c < channels; ++c) {                                                                  \
                        const int64_t sum = (int64_t)row0[x0 * channels + c] * wy0 * wx0 +                            \
                                            (int64_t)row1[x0 * channels + c] * wy1 * wx0 +                            \
                                            (int64_t)row0[x1 * channels + c] * wy0 * wx1 +                            \
                                            (int64_t)row1[x1 * channels + c] * wy1 * wx1;                             \
                        const int64_t round = sum > 0 ? ((int64_t)1 << 19) : -((int64_t)1 << 19);                     \
                        *output++ = (T)((sum + round) / ((int64_t)1 << 20));                                          \
                    }                                                                                                 \
                }                                                                                                     \
            }                                                                                                         \
        }                                                                                                             \
        return TD_OK;                                                                                                 \
    }

#endif /* TD_RESIZE_BILINEAR_COMMON_H */
