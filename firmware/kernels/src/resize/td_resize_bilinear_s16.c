/* RESIZE_BILINEAR int16 (ResizeBilinearInteger). */
#include "td_resize_bilinear_common.h"

TD_DEFINE_RESIZE_BILINEAR_INTEGER(td_resize_bilinear_s16, int16_t)
