/* SVDF int8 with int8 state and time weights. */
#include "td_svdf_common.h"

TD_DEFINE_SVDF_S8(td_svdf_s8_s8, int8_t, -128, 127)
