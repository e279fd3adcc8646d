/*
 * TinyDeploy kernel library, internal: the integer pools of every width (TFLite's
 * reference_integer_ops::AveragePool and MaxPool). The window is clipped to the image; the
 * average divides the int32 sum by the number of pixels inside, rounding half away from zero; the
 * maximum starts from the type's lowest value; both are clamped to the activation range.
 * TD_DEFINE_AVGPOOL(suffix, type) and TD_DEFINE_MAXPOOL(suffix, type, lowest) define
 * td_avgpool_<suffix> and td_maxpool_<suffix> (one per source file, as every kernel).
 */
#ifndef TD_POOL_INTEGER_H
#define TD_POOL_INTEGER_H

#include "../internal/td_common.h"

/* The loops over every output pixel and channel, `BODY` computing `acc` from the window. */
#define TD_POOL_LOOPS(params, input_dims, output_dims, BODY)                                               \
    do {                                                                                                 \
        int32_t batch, out_y, out_x, c;                                                                  \
        for (batch = 0; batch < (output_dims)->n; ++batch) {                                             \
            for (out_y = 0; out_y < (output_dims)->h; ++out_y) {                                         \
                const int32_t in_y_origin = out_y * (params)->stride.h - (params)->padding.h;            \
                const int32_t y_start = td_max_i32(0, -in_y_origin);                                     \
                const int32_t y_end = td_min_i32((params)->filter.h, (input_dims)->h - in_y_origin);     \
                for (out_x = 0; out_x < (output_dims)->w; ++out_x) {                                     \
                    const int32_t in_x_origin = out_x * (params)->stride.w - (params)->padding.w;        \
                    const int32_t x_start = td_max_i32(0, -in_x_origin);                                 \
                    const int32_t x_end = td_min_i32((params)->filter.w, (input_dims)->w - in_x_origin); \
                    const int32_t count = (y_end - y_start) * (x_end - x_start);                         \
                    for (c = 0; c < (input_dims)->c; ++c) {                                              \
                        int32_t fy, fx;                                                                  \
                        BODY                                                                             \
                        (void)count;                                                                     \
                    }                                                                                    \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
    } while (0)

/* The input element at window row fy, column fx of the current pixel, channel c. */
#define TD_POOL_AT(input, input_dims, fy, fx)                                                               \
    (input)[(((batch * (input_dims)->h + in_y_origin + (fy)) * (input_dims)->w + in_x_origin + (fx)) *    \
             (input_dims)->c) + c]

#define TD_DEFINE_AVGPOOL(suffix, type)                                                                    \
    td_status td_avgpool_##suffix(const td_pool_params *params, const td_dims *input_dims, const type *input, \
                                  const td_dims *output_dims, type *output)                               \
    {                                                                                                    \
        TD_POOL_LOOPS(params, input_dims, output_dims, {                                                 \
            int32_t acc = 0;                                                                             \
            for (fy = y_start; fy < y_end; ++fy) {                                                       \
                for (fx = x_start; fx < x_end; ++fx) {                                                   \
                    acc += TD_POOL_AT(input, input_dims, fy, fx);                                        \
                }                                                                                        \
            }                                                                                            \
            if (count > 0) {                                                                             \
                acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;                   \
            }                                                                                            \
            *output++ = (type)td_clamp_i32(acc, params->activation.min, params->activation.max);         \
        });                                                                                              \
        return TD_OK;                                                                                    \
    }

#define TD_DEFINE_MAXPOOL(suffix, type, lowest)                                                            \
    td_status td_maxpool_##suffix(const td_pool_params *params, const td_dims *input_dims, const type *input, \
                                  const td_dims *output_dims, type *output)                               \
    {                                                                                                    \
        TD_POOL_LOOPS(params, input_dims, output_dims, {                                                 \
            int32_t acc = (lowest);                                                                      \
            for (fy = y_start; fy < y_end; ++fy) {                                                       \
                for (fx = x_start; fx < x_end; ++fx) {                                                   \
                    acc = td_max_i32(acc, TD_POOL_AT(input, input_dims, fy, fx));                        \
                }                                                                                        \
            }                                                                                            \
            *output++ = (type)td_clamp_i32(acc, params->activation.min, params->activation.max);         \
        });                                                                                              \
        return TD_OK;                                                                                    \
    }

#endif /* TD_POOL_INTEGER_H */
