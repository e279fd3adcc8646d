/*
 * TRANSPOSE_CONV's scatter (TFLite's reference kernels): every input element adds
 * input * weight into each output its window covers, in the order (batch, in_y, in_x, in_c,
 * k_y, k_x, out_c). ACCUMULATE(target, input_value, filter_value) does the add.
 */
#ifndef TD_TRANSPOSE_CONV_COMMON_H
#define TD_TRANSPOSE_CONV_COMMON_H

#include "../internal/td_common.h"

#define TD_TRANSPOSE_CONV_SCATTER(STRIDE, PADDING, INPUT_DIMS, INPUT, FILTER_DIMS, FILTER, OUTPUT_DIMS, ACCUMULATE)          \
    do {                                                                                                                   \
        int32_t b_, iy_, ix_, ic_, fy_, fx_, oc_;                                                                          \
        for (b_ = 0; b_ < (INPUT_DIMS)->n; ++b_) {                                                                         \
            for (iy_ = 0; iy_ < (INPUT_DIMS)->h; ++iy_) {                                                                  \
                for (ix_ = 0; ix_ < (INPUT_DIMS)->w; ++ix_) {                                                              \
                    for (ic_ = 0; ic_ < (INPUT_DIMS)->c; ++ic_) {                                                          \
                        const int32_t in_index_ = ((b_ * (INPUT_DIMS)->h + iy_) * (INPUT_DIMS)->w + ix_) * (INPUT_DIMS)->c + ic_; \
                        const int32_t oy0_ = iy_ * (STRIDE).h - (PADDING).h;                                             \
                        const int32_t ox0_ = ix_ * (STRIDE).w - (PADDING).w;                                             \
                        for (fy_ = 0; fy_ < (FILTER_DIMS)->h; ++fy_) {                                                     \
                            const int32_t oy_ = oy0_ + fy_;                                                                \
                            if (oy_ < 0 || oy_ >= (OUTPUT_DIMS)->h) {                                                      \
                                continue;                                                                                  \
                            }                                                                                              \
                            for (fx_ = 0; fx_ < (FILTER_DIMS)->w; ++fx_) {                                                 \
                                const int32_t ox_ = ox0_ + fx_;                                                            \
                                int32_t base_;                                                                             \
                                if (ox_ < 0 || ox_ >= (OUTPUT_DIMS)->w) {                                                  \
                                    continue;                                                                              \
                                }                                                                                          \
                                base_ = ((b_ * (OUTPUT_DIMS)->h + oy_) * (OUTPUT_DIMS)->w + ox_) * (OUTPUT_DIMS)->c;      \
                                for (oc_ = 0; oc_ < (OUTPUT_DIMS)->c; ++oc_) {                                             \
                                    ACCUMULATE(base_ + oc_, (INPUT)[in_index_],                                            \
                                               (FILTER)[((oc_ * (FILTER_DIMS)->h + fy_) * (FILTER_DIMS)->w + fx_) * (FILTER_DIMS)->c + ic_]); \
                                }                                                                                          \
                            }                                                                                              \
                        }                                                                                                  \
                    }                                                                                                      \
                }                                                                                                          \
            }                                                                                                              \
        }                                                                                                                  \
    } while (0)

#endif /* TD_TRANSPOSE_CONV_COMMON_H */
