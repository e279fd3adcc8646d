/*
 * TinyDeploy kernel library, internal: ARG_MAX / ARG_MIN over [outer][axis_size][inner]
 * (TFLite's reference ArgMinMax): the first index holding the largest / smallest value of each
 * line (strict comparison, so a NaN never replaces the value held), written as int32 or int64.
 */
#ifndef TD_ARG_MIN_MAX_COMMON_H
#define TD_ARG_MIN_MAX_COMMON_H

#include "../internal/td_common.h"

#define TD_ARG_MIN_MAX_BODY(TYPE)                                                                  \
    do {                                                                                           \
        int32_t o, i, a;                                                                           \
        if (axis_size < 1) {                                                                       \
            return TD_ERROR_ARGUMENT;                                                              \
        }                                                                                          \
        for (o = 0; o < outer; ++o) {                                                              \
            for (i = 0; i < inner; ++i) {                                                          \
                const TYPE *line = input + (size_t)o * (size_t)axis_size * (size_t)inner + i;      \
                TYPE best = line[0];                                                               \
                int32_t best_index = 0;                                                            \
                for (a = 1; a < axis_size; ++a) {                                                  \
                    const TYPE value = line[(size_t)a * (size_t)inner];                            \
                    if (maximum ? value > best : value < best) {                                   \
                        best = value;                                                              \
                        best_index = a;                                                            \
                    }                                                                              \
                }                                                                                  \
                if (output_int64) {                                                                \
                    ((int64_t *)output)[o * inner + i] = best_index;                               \
                } else {                                                                           \
                    ((int32_t *)output)[o * inner + i] = best_index;                               \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        return TD_OK;                                                                              \
    } while (0)

#endif /* TD_ARG_MIN_MAX_COMMON_H */
