/*
 * PAD / PADV2 on a 4-D tensor of any element type (TFLite's reference_ops::Pad): the input placed
 * after `before` elements in every dimension, every other element set to the pad value. One
 * body for the element types without a byte-wise kernel of their own (int16, int32): each output
 * pixel is either all pad value or its input row between the channel borders.
 */
#ifndef TD_PAD_COMMON_H
#define TD_PAD_COMMON_H

#include "../internal/td_common.h"

#define TD_PAD_BODY(TYPE, PARAMS, INPUT_DIMS, INPUT, OUTPUT)                                                          \
    do {                                                                                                            \
        const td_dims *before_ = &(PARAMS)->before;                                                                 \
        const td_dims *after_ = &(PARAMS)->after;                                                                   \
        const int32_t out_n_ = (INPUT_DIMS)->n + before_->n + after_->n;                                            \
        const int32_t out_h_ = (INPUT_DIMS)->h + before_->h + after_->h;                                            \
        const int32_t out_w_ = (INPUT_DIMS)->w + before_->w + after_->w;                                            \
        const int32_t out_c_ = (INPUT_DIMS)->c + before_->c + after_->c;                                            \
        const TYPE pad_value_ = (PARAMS)->pad_value;                                                                \
        TYPE *to_ = (OUTPUT);                                                                                       \
        int32_t n_, h_, w_, c_;                                                                                     \
        for (n_ = 0; n_ < out_n_; ++n_) {                                                                           \
            const int32_t in_n_ = n_ - before_->n;                                                                  \
            for (h_ = 0; h_ < out_h_; ++h_) {                                                                       \
                const int32_t in_h_ = h_ - before_->h;                                                              \
                for (w_ = 0; w_ < out_w_; ++w_) {                                                                   \
                    const int32_t in_w_ = w_ - before_->w;                                                          \
                    if (in_n_ < 0 || in_n_ >= (INPUT_DIMS)->n || in_h_ < 0 || in_h_ >= (INPUT_DIMS)->h ||            \
                        in_w_ < 0 || in_w_ >= (INPUT_DIMS)->w) {                                                    \
                        for (c_ = 0; c_ < out_c_; ++c_) *to_++ = pad_value_;                                        \
                    } else {                                                                                        \
                        const TYPE *row_ =                                                                          \
                            (INPUT) + ((in_n_ * (INPUT_DIMS)->h + in_h_) * (INPUT_DIMS)->w + in_w_) * (INPUT_DIMS)->c; \
                        for (c_ = 0; c_ < before_->c; ++c_) *to_++ = pad_value_;                                    \
                        for (c_ = 0; c_ < (INPUT_DIMS)->c; ++c_) *to_++ = row_[c_];                                 \
                        for (c_ = 0; c_ < after_->c; ++c_) *to_++ = pad_value_;                                     \
                    }                                                                                               \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
    } while (0)

#endif /* TD_PAD_COMMON_H */
