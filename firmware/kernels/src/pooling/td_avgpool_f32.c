/*
 * AVERAGE_POOL_2D, float32 (TFLite's reference_ops::AveragePool): float32 sum over the window
 * clipped to the image, divided by the pixel count, then the activation clamp.
 */
#include "td_pool_f32_common.h"

#define TD_ADD(TOTAL, VALUE) ((TOTAL) += (VALUE))
#define TD_AVERAGE(TOTAL, COUNT) ((COUNT) > 0 ? (TOTAL) / (float)(COUNT) : 0.0f)

TD_DEFINE_POOL_F32(td_avgpool_f32, TD_ADD, TD_AVERAGE)
