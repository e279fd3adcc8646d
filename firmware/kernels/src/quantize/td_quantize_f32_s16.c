/* QUANTIZE float32 -> int16 (AffineQuantize). */
#include "td_quantize_common.h"

TD_DEFINE_QUANTIZE(td_quantize_f32_s16, int16_t, -32768, 32767)
