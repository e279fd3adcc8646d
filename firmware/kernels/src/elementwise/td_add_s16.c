/* ADD, int16 (16x8 models): TFLite's general quantized add with a left shift of 15 (td_elementwise_s16.h). */
#include "td_elementwise_s16.h"

td_status td_add_s16(const td_add_params_s8 *params,
                     const td_dims *input1_dims,
                     const int16_t *input1,
                     const td_dims *input2_dims,
                     const int16_t *input2,
                     const td_dims *output_dims,
                     int16_t *output)
{
    return td_add_or_sub_s16(params, input1_dims, input1, input2_dims, input2, output_dims, output, 0);
}
