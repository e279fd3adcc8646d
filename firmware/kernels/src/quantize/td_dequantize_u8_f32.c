/* DEQUANTIZE uint8 -> float32. */
#include "td_quantize_common.h"

TD_DEFINE_DEQUANTIZE(td_dequantize_u8_f32, uint8_t)
