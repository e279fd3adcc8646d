/*
 * L2_POOL_2D, float32 (TFLite's reference_ops::L2Pool): the float32 sum of squares over the window
 * clipped to the image, the square root of its mean, then the activation clamp.
 */
#include <math.h>

#include "td_pool_f32_common.h"

/* The square is rounded to float32 before the add, as the reference kernel computes it. */
#define TD_ADD_SQUARE(TOTAL, VALUE)              \
    do {                                         \
        const float value_ = (VALUE);            \
        const float square_ = value_ * value_;   \
        (TOTAL) += square_;                      \
    } while (0)
#define TD_ROOT_MEAN(TOTAL, COUNT) ((COUNT) > 0 ? sqrtf((TOTAL) / (float)(COUNT)) : 0.0f)

TD_DEFINE_POOL_F32(td_l2pool_f32, TD_ADD_SQUARE, TD_ROOT_MEAN)
