/* QUANTIZE uint8 -> int8 (Requantize). */
#include "td_quantize_common.h"

TD_DEFINE_REQUANTIZE(td_requantize_u8_s8, uint8_t, int8_t, -128, 127)
