/* AVERAGE_POOL_2D, int8 (TFLite's reference_integer_ops::AveragePool; td_pool_integer.h). */
#include "td_pool_integer.h"

TD_DEFINE_AVGPOOL(s8, int8_t)
