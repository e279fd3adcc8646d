/* DEQUANTIZE int16 -> float32. */
#include "td_quantize_common.h"

TD_DEFINE_DEQUANTIZE(td_dequantize_s16_f32, int16_t)
