/*
 * The float32 pools' walk (TFLite's reference pools): every output pixel's window clipped to the
 * image, per channel a float32 accumulation over it in (y, x) order, then a finish and the
 * activation clamp. ACCUMULATE(total, value) adds one input value; FINISH(total, count) gives the
 * output before the clamp.
 */
#ifndef TD_POOL_F32_COMMON_H
#define TD_POOL_F32_COMMON_H

#include "../internal/td_common.h"

#define TD_DEFINE_POOL_F32(NAME, ACCUMULATE, FINISH)                                                         \
    td_status NAME(const td_pool_params_f32 *params,                                                         \
                   const td_dims *input_dims,                                                                \
                   const float *input,                                                                       \
                   const td_dims *output_dims,                                                               \
                   float *output)                                                                            \
    {                                                                                                        \
        const int32_t input_h = input_dims->h;                                                               \
        const int32_t input_w = input_dims->w;                                                               \
        const int32_t channels = input_dims->c;                                                              \
        int32_t batch, out_y, out_x, c;                                                                      \
        for (batch = 0; batch < output_dims->n; ++batch) {                                                   \
            for (out_y = 0; out_y < output_dims->h; ++out_y) {                                               \
                const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;                    \
                const int32_t y_start = td_max_i32(0, -in_y_origin);                                         \
                const int32_t y_end = td_min_i32(params->filter.h, input_h - in_y_origin);                   \
                for (out_x = 0; out_x < output_dims->w; ++out_x) {                                           \
                    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;                \
                    const int32_t x_start = td_max_i32(0, -in_x_origin);                                     \
                    const int32_t x_end = td_min_i32(params->filter.w, input_w - in_x_origin);               \
                    const int32_t count = (y_end - y_start) * (x_end - x_start);                             \
                    for (c = 0; c < channels; ++c) {                                                         \
                        float total = 0.0f;                                                                  \
                        int32_t fy, fx;                                                                      \
                        for (fy = y_start; fy < y_end; ++fy) {                                               \
                            const int32_t row =                                                              \
                                ((batch * input_h + in_y_origin + fy) * input_w + in_x_origin) * channels + c; \
                            for (fx = x_start; fx < x_end; ++fx) {                                           \
                                ACCUMULATE(total, input[row + fx * channels]);                               \
                            }                                                                                \
                        }                                                                                    \
                        *output++ = td_clamp_f32(FINISH(total, count), params->activation.min, params->activation.max); \
                    }                                                                                        \
                }                                                                                            \
            }                                                                                                \
        }                                                                                                    \
        return TD_OK;                                                                                        \
    }

#endif /* TD_POOL_F32_COMMON_H */
