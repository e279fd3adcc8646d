/*
 * FULLY_CONNECTED, float32, over weights packed eight rows at a time, then four (td_kernels.h):
 * each input value loaded serves eight (or four) rows' accumulators, one load fetching their weights (one
 * VLDM on a core with an FPU, td_f32_runs.h). Each row's sum runs in input order as in TFLite's
 * reference_ops::FullyConnected, bias added after it, then the clamp: bit-identical with
 * td_fully_connected_f32.
 */
#include "../internal/td_common.h"
#include "../internal/td_f32_runs.h"

td_status td_fully_connected_f32_packed(const td_activation_f32 *activation,
                                        int32_t batches,
                                        int32_t input_depth,
                                        int32_t output_depth,
                                        const float *input,
                                        const float *packed_filter,
                                        const float *bias,
                                        float *output)
{
    const int32_t blocked8 = output_depth - output_depth % 8;
    const float lo = activation->min;
    const float hi = activation->max;
    int32_t batch, out_c, d;

    for (batch = 0; batch < batches; ++batch) {
        const float *input_row = input + batch * input_depth;
        for (out_c = 0; out_c < blocked8; out_c += 8) {
            const float *x = input_row;
            const float *w = packed_filter + out_c * input_depth;
            td_f32_acc8 acc = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
            td_f32_run_broadcast8(&acc, &x, &w, input_depth);
            output[out_c] = td_clamp_f32(acc.a0 + (bias != NULL ? bias[out_c] : 0.0f), lo, hi);
            output[out_c + 1] = td_clamp_f32(acc.a1 + (bias != NULL ? bias[out_c + 1] : 0.0f), lo, hi);
            output[out_c + 2] = td_clamp_f32(acc.a2 + (bias != NULL ? bias[out_c + 2] : 0.0f), lo, hi);
            output[out_c + 3] = td_clamp_f32(acc.a3 + (bias != NULL ? bias[out_c + 3] : 0.0f), lo, hi);
            output[out_c + 4] = td_clamp_f32(acc.a4 + (bias != NULL ? bias[out_c + 4] : 0.0f), lo, hi);
            output[out_c + 5] = td_clamp_f32(acc.a5 + (bias != NULL ? bias[out_c + 5] : 0.0f), lo, hi);
            output[out_c + 6] = td_clamp_f32(acc.a6 + (bias != NULL ? bias[out_c + 6] : 0.0f), lo, hi);
            output[out_c + 7] = td_clamp_f32(acc.a7 + (bias != NULL ? bias[out_c + 7] : 0.0f), lo, hi);
        }
        if (out_c + 4 <= output_depth) {
            const float *x = input_row;
            const float *w = packed_filter + out_c * input_depth;
            td_f32_acc4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
            td_f32_run_broadcast4(&acc, &x, &w, input_depth);
            output[out_c] = td_clamp_f32(acc.a0 + (bias != NULL ? bias[out_c] : 0.0f), lo, hi);
            output[out_c + 1] = td_clamp_f32(acc.a1 + (bias != NULL ? bias[out_c + 1] : 0.0f), lo, hi);
            output[out_c + 2] = td_clamp_f32(acc.a2 + (bias != NULL ? bias[out_c + 2] : 0.0f), lo, hi);
            output[out_c + 3] = td_clamp_f32(acc.a3 + (bias != NULL ? bias[out_c + 3] : 0.0f), lo, hi);
            out_c += 4;
        }
        for (; out_c < output_depth; ++out_c) {
            const float *filter_row = packed_filter + out_c * input_depth;
            float total = 0.0f;
            for (d = 0; d < input_depth; ++d) {
                total += input_row[d] * filter_row[d];
            }
            output[out_c] = td_clamp_f32(total + (bias != NULL ? bias[out_c] : 0.0f), lo, hi);
        }
        output += output_depth;
    }
    return TD_OK;
}
