/* QUANTIZE float32 -> uint8 (AffineQuantize). */
#include "td_quantize_common.h"

TD_DEFINE_QUANTIZE(td_quantize_f32_u8, uint8_t, 0, 255)
