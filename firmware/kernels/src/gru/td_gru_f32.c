/*
 * TD_GRU, float32: td_gru_f32_reference.h (the integer kernel's cell in float).
 */
#include "td_gru_f32_reference.h"
