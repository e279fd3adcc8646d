/*
 * DEPTHWISE_CONV_2D, int8 activations, packed int4 weights (td_kernels.h): the loop of
 * td_depthwise_conv2d_s8_int4_reference.h (TFLite's DepthwiseConvPerChannel over the unpacked
 * filter, the nibbles read in place, one int32 sum per output channel in the scratch). The
 * Cortex-M variant runs blocks of four channels over widened input rows instead, the block's taps
 * unpacked once per call.
 */
#include "../internal/td_int4.h"

int32_t td_depthwise_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    return 4 * filter_dims->c;
}

#define TD_DEPTHWISE_INT4_REFERENCE td_status td_depthwise_conv2d_s8_int4
#include "td_depthwise_conv2d_s8_int4_reference.h"
