/* DIV uint8 (TFLite's reference Div). */
#include "td_div_common.h"

TD_DEFINE_DIV(td_div_u8, uint8_t)
