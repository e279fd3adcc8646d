/*
 * TinyDeploy kernel library, internal: what every kernel source includes. The public API,
 * the fixed-point arithmetic, and small shared helpers (broadcast strides, float clamp).
 */
#ifndef TD_COMMON_H
#define TD_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "td_kernels.h"
#include "td_fixed_point.h"

TD_INLINE float td_clamp_f32(float x, float lo, float hi)
{
    /* TFLite's ActivationFunctionWithMinMax: min(max(x, lo), hi). */
    const float low_clamped = x < lo ? lo : x;
    return low_clamped > hi ? hi : low_clamped;
}

/**
 * The taps [*start, *end) of a window whose input positions origin + dilation * tap fall inside
 * [0, size): the padded taps, which the reference kernels skip, are left out of the loop.
 */
TD_INLINE void td_tap_range(int32_t origin, int32_t size, int32_t taps, int32_t dilation, int32_t *start, int32_t *end)
{
    const int32_t first = origin < 0 ? (-origin + dilation - 1) / dilation : 0;
    const int32_t room = size - 1 - origin; /* the last tap must satisfy dilation * tap <= room */
    const int32_t last = room < 0 ? -1 : room / dilation;
    *start = first;
    *end = td_min_i32(taps, last + 1);
    if (*end < *start) {
        *end = *start;
    }
}

/**
 * Strides that read an input broadcast to the output's 4-D shape: a dimension of size 1 gets
 * stride 0, so the same element is read along it.
 */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} td_broadcast_strides;

TD_INLINE td_broadcast_strides td_broadcast_strides_of(const td_dims *dims)
{
    td_broadcast_strides strides;
    strides.c = dims->c == 1 ? 0 : 1;
    strides.w = dims->w == 1 ? 0 : dims->c;
    strides.h = dims->h == 1 ? 0 : dims->w * dims->c;
    strides.n = dims->n == 1 ? 0 : dims->h * dims->w * dims->c;
    return strides;
}

TD_INLINE int td_dims_equal(const td_dims *a, const td_dims *b)
{
    return a->n == b->n && a->h == b->h && a->w == b->w && a->c == b->c;
}

TD_INLINE int32_t td_dims_count(const td_dims *dims)
{
    return dims->n * dims->h * dims->w * dims->c;
}

/*
 * Visits every output element of a 4-D broadcast binary op: BODY sees `index1`, `index2`
 * and `out_index`. A macro rather than a callback so the element function inlines.
 */
#define TD_BROADCAST_LOOP(INPUT1_DIMS, INPUT2_DIMS, OUTPUT_DIMS, BODY)                         \
    do {                                                                                      \
        const td_broadcast_strides td_s1_ = td_broadcast_strides_of(INPUT1_DIMS);             \
        const td_broadcast_strides td_s2_ = td_broadcast_strides_of(INPUT2_DIMS);             \
        int32_t out_index = 0;                                                                \
        int32_t td_n_, td_h_, td_w_, td_c_;                                                   \
        for (td_n_ = 0; td_n_ < (OUTPUT_DIMS)->n; ++td_n_) {                                  \
            for (td_h_ = 0; td_h_ < (OUTPUT_DIMS)->h; ++td_h_) {                              \
                for (td_w_ = 0; td_w_ < (OUTPUT_DIMS)->w; ++td_w_) {                          \
                    const int32_t td_base1_ = td_n_ * td_s1_.n + td_h_ * td_s1_.h + td_w_ * td_s1_.w; \
                    const int32_t td_base2_ = td_n_ * td_s2_.n + td_h_ * td_s2_.h + td_w_ * td_s2_.w; \
                    for (td_c_ = 0; td_c_ < (OUTPUT_DIMS)->c; ++td_c_, ++out_index) {         \
                        const int32_t index1 = td_base1_ + td_c_ * td_s1_.c;                  \
                        const int32_t index2 = td_base2_ + td_c_ * td_s2_.c;                  \
                        BODY                                                                  \
                    }                                                                         \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    } while (0)

#endif /* TD_COMMON_H */
