/* QUANTIZE int8 -> uint8 (Requantize). */
#include "td_quantize_common.h"

TD_DEFINE_REQUANTIZE(td_requantize_s8_u8, int8_t, uint8_t, 0, 255)
