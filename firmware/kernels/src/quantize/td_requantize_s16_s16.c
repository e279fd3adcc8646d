/* QUANTIZE int16 -> int16 (Requantize). */
#include "td_quantize_common.h"

TD_DEFINE_REQUANTIZE(td_requantize_s16_s16, int16_t, int16_t, -32768, 32767)
