/*
 * SUB, int8, Cortex-M DSP variant: overrides src/elementwise/td_sub_s8.c by name with the same
 * bits; equal shapes with parameters in the fast form take td_elementwise_dsp.h's SMMLAR loop.
 */
#include "td_elementwise_dsp.h"

td_status td_sub_s8(const td_add_params_s8 *params,
                    const td_dims *input1_dims,
                    const int8_t *input1,
                    const td_dims *input2_dims,
                    const int8_t *input2,
                    const td_dims *output_dims,
                    int8_t *output)
{
#if TD_KERNELS_DSP
    if (td_add_or_sub_s8_fast(params, input1_dims, input1, input2_dims, input2, output_dims, output, 1)) return TD_OK;
#endif
    return td_add_or_sub_s8(params, input1_dims, input1, input2_dims, input2, output_dims, output, 1);
}
