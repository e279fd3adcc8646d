/* QUANTIZE int8 -> int16 (Requantize). */
#include "td_quantize_common.h"

TD_DEFINE_REQUANTIZE(td_requantize_s8_s16, int8_t, int16_t, -32768, 32767)
