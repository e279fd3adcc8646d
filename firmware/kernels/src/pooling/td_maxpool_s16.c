/* MAX_POOL_2D, int16 (TFLite's reference_integer_ops::MaxPool; td_pool_integer.h). */
#include "td_pool_integer.h"

TD_DEFINE_MAXPOOL(s16, int16_t, -32768)
