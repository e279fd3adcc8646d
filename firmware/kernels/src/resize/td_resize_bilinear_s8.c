/* RESIZE_BILINEAR int8 (ResizeBilinearInteger). */
#include "td_resize_bilinear_common.h"

TD_DEFINE_RESIZE_BILINEAR_INTEGER(td_resize_bilinear_s8, int8_t)
