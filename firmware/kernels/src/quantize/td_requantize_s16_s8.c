/* QUANTIZE int16 -> int8 (Requantize). */
#include "td_quantize_common.h"

TD_DEFINE_REQUANTIZE(td_requantize_s16_s8, int16_t, int8_t, -128, 127)
