/*
 * td_avgpool_s8_narrow, portable: td_avgpool_s8 itself. The generator calls this entry only in DSP
 * builds (src/opt/cortex-m/td_avgpool_s8_narrow.c); the portable build defines it for the same API
 * everywhere.
 */
#include "../internal/td_common.h"

td_status td_avgpool_s8_narrow(const td_pool_params *params,
                               const td_dims *input_dims,
                               const int8_t *input,
                               const td_dims *output_dims,
                               int8_t *output)
{
    return td_avgpool_s8(params, input_dims, input, output_dims, output);
}
