/*
 * FULLY_CONNECTED, float32 (TFLite's reference_ops::FullyConnected): float32 sum in input
 * order, bias added after the sum, then the activation clamp.
 */
#include "../internal/td_common.h"

int32_t td_fully_connected_f32_get_buffer_size(int32_t input_depth, int32_t output_depth)
{
    (void)input_depth;
    (void)output_depth;
    return 0;
}

td_status td_fully_connected_f32(const td_context *ctx,
                                 const td_activation_f32 *activation,
                                 int32_t batches,
                                 int32_t input_depth,
                                 int32_t output_depth,
                                 const float *input,
                                 const float *filter,
                                 const float *bias,
                                 float *output)
{
    int32_t batch, out_c, d;
    (void)ctx;

    for (batch = 0; batch < batches; ++batch) {
        const float *input_row = input + batch * input_depth;
        for (out_c = 0; out_c < output_depth; ++out_c) {
            const float *filter_row = filter + out_c * input_depth;
            float total = 0.0f;
            for (d = 0; d < input_depth; ++d) {
                total += input_row[d] * filter_row[d];
            }
            {
                const float bias_value = bias != NULL ? bias[out_c] : 0.0f;
                *output++ = td_clamp_f32(total + bias_value, activation->min, activation->max);
            }
        }
    }
    return TD_OK;
}
