/* QUANTIZE int16 -> int32 (Requantize). */
#include "td_quantize_common.h"

TD_DEFINE_REQUANTIZE(td_requantize_s16_s32, int16_t, int32_t, TD_INT32_MIN, TD_INT32_MAX)
