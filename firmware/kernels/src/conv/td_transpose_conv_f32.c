/*
 * TRANSPOSE_CONV, float32 (TFLite's reference_ops::TransposeConv): float32 products of input and
 * weight scattered into the zeroed output in the reference order, then the bias and the clamp.
 * filter_dims = {C_out, K_h, K_w, C_in}; bias may be NULL.
 */
#include "td_transpose_conv_common.h"

td_status td_transpose_conv_f32(const td_conv_params_f32 *params,
                                const td_dims *input_dims,
                                const float *input,
                                const td_dims *filter_dims,
                                const float *filter,
                                const float *bias,
                                const td_dims *output_dims,
                                float *output)
{
    const int32_t count = output_dims->n * output_dims->h * output_dims->w * output_dims->c;
    const int32_t channels = output_dims->c;
    int32_t o;
    for (o = 0; o < count; ++o) {
        output[o] = 0.0f;
    }
#define TD_ACCUMULATE_F32(TARGET, X, W)           \
    do {                                          \
        const float product_ = (X) * (W);         \
        output[(TARGET)] += product_;             \
    } while (0)
    TD_TRANSPOSE_CONV_SCATTER(params->stride, params->padding, input_dims, input, filter_dims, filter, output_dims, TD_ACCUMULATE_F32);
#undef TD_ACCUMULATE_F32
    for (o = 0; o < count; ++o) {
        const float value = bias != NULL ? output[o] + bias[o % channels] : output[o];
        output[o] = td_clamp_f32(value, params->activation.min, params->activation.max);
    }
    return TD_OK;
}
