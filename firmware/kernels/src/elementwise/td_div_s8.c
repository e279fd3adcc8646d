/* DIV int8 (TFLite's reference Div). */
#include "td_div_common.h"

TD_DEFINE_DIV(td_div_s8, int8_t)
