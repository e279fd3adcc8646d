/*
 * CONV_2D, int8, one input channel (the generator's path for small one-channel patches in DSP
 * builds), portable: TFLite's reference_integer_ops::ConvPerChannel, as td_conv2d_s8. Needs no
 * scratch. The DSP variant is src/opt/cortex-m/td_conv2d_s8_small.c.
 */
#include "td_conv2d_s8_reference.h"

int32_t td_conv2d_s8_small_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

/* td_conv2d_s8_small and the entry points of its DSP loops (td_kernels.h) run the reference here. */
#define TD_SMALL_ENTRY_POINT(name)                                                                                   \
    td_status name(const td_context *ctx, const td_conv_params *params, const td_per_channel_quant *quant,           \
                   const td_dims *input_dims, const int8_t *input, const td_dims *filter_dims, const int8_t *filter,   \
                   const int32_t *bias, const td_dims *output_dims, int8_t *output)                                   \
    {                                                                                                                 \
        return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,  \
                                      output);                                                                        \
    }

TD_SMALL_ENTRY_POINT(td_conv2d_s8_small)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_3x3)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x8)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x4)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_patch)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_3x3_full)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x8_full)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x4_full)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_patch_full)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_3x3_min)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x8_min)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x4_min)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_patch_min)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_regs)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_regs_full)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_regs_min)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_few)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_few_full)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_few_min)
