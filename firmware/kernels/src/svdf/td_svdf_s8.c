/* SVDF int8 with int16 state and time weights (the converter's int8 SVDF). */
#include "td_svdf_common.h"

TD_DEFINE_SVDF_S8(td_svdf_s8, int16_t, -32768, 32767)
