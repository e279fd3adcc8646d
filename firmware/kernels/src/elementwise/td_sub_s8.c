/* SUB, int8: TFLite's quantized sub, the add with the second scaled input subtracted. */
#include "td_elementwise_common.h"

td_status td_sub_s8(const td_add_params_s8 *params,
                    const td_dims *input1_dims,
                    const int8_t *input1,
                    const td_dims *input2_dims,
                    const int8_t *input2,
                    const td_dims *output_dims,
                    int8_t *output)
{
    return td_add_or_sub_s8(params, input1_dims, input1, input2_dims, input2, output_dims, output, 1);
}
