/* MAX_POOL_2D, int8 (TFLite's reference_integer_ops::MaxPool; td_pool_integer.h). */
#include "td_pool_integer.h"

TD_DEFINE_MAXPOOL(s8, int8_t, -128)
