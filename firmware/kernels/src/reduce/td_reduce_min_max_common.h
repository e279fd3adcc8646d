/* REDUCE_MAX / REDUCE_MIN over [outer][reduce][inner] on stored values (any of int8, int16, float32). */
#ifndef TD_REDUCE_MIN_MAX_COMMON_H
#define TD_REDUCE_MIN_MAX_COMMON_H

#include "../internal/td_common.h"

#define TD_DEFINE_REDUCE_MIN_MAX(NAME, T)                                                                  \
    td_status NAME(int32_t maximum, int32_t outer, int32_t reduce, int32_t inner, const T *input, T *output) \
    {                                                                                                     \
        int32_t o;                                                                                        \
        int32_t i;                                                                                        \
        int32_t r;                                                                                        \
        for (o = 0; o < outer; ++o) {                                                                     \
            for (i = 0; i < inner; ++i) {                                                                 \
                const T *x = input + o * reduce * inner + i;                                              \
                T best = x[0];                                                                            \
                for (r = 1; r < reduce; ++r) {                                                            \
                    const T value = x[r * inner];                                                         \
                    if (maximum ? value > best : value < best) {                                          \
                        best = value;                                                                     \
                    }                                                                                     \
                }                                                                                         \
                output[o * inner + i] = best;                                                             \
            }                                                                                             \
        }                                                                                                 \
        return TD_OK;                                                                                     \
    }

#endif /* TD_REDUCE_MIN_MAX_COMMON_H */
