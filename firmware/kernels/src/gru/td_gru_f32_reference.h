/*
 * TD_GRU, float32: the cell of the integer kernel (td_gru_s8.c) in float, each operation rounded
 * to float (-std=c99, no contraction) as TinyDeploy's interpreter computes it; the sigmoid is
 * TFLite's float Logistic, both with td_expf and td_tanhf (internal/td_math_f32.h). Scratch: five
 * float buffers of B * S values. The whole kernel, included by src/gru/td_gru_f32.c and by the FPU
 * variant (src/opt/cortex-m), which defines TD_GRU_FC_F32 first.
 */
#ifndef TD_GRU_F32_REFERENCE_H
#define TD_GRU_F32_REFERENCE_H

#include "../internal/td_common.h"
#include "../internal/td_fc_f32.h"
#include "../internal/td_math_f32.h"

#ifndef TD_GRU_FC_F32
#define TD_GRU_FC_F32 td_f32_fc
#endif

int32_t td_gru_f32_get_buffer_size(const td_gru_dims *dims)
{
    return 5 * dims->batch_size * dims->state_size * (int32_t)sizeof(float);
}

td_status td_gru_f32(const td_context *ctx, const td_gru_params_f32 *params, const float *input, float *hidden_state,
                     float *output)
{
    const td_gru_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t count = rows * state_size;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const int32_t buffer = dims->batch_size * state_size;
    float *reset, *update, *fresh, *recurrent, *reset_hidden;
    int32_t sequence, k, i, g;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_gru_f32_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    reset = (float *)ctx->buf;
    update = reset + buffer;
    fresh = update + buffer;
    recurrent = fresh + buffer;
    reset_hidden = recurrent + buffer;

    for (sequence = 0; sequence < sequences; ++sequence) {
        float *hidden = hidden_state + sequence * state_size;
        for (k = 0; k < dims->time_steps; ++k) {
            const int32_t t = dims->reverse ? dims->time_steps - 1 - k : k;
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            const float *x = input + position * rows * input_size;
            for (g = 0; g < 2; ++g) {
                const td_gru_gate_f32 *gate_params = g == 0 ? &params->reset_gate : &params->update_gate;
                float *gate = g == 0 ? reset : update;
                TD_GRU_FC_F32(x, gate_params->input_weights, gate_params->bias, rows, input_size, state_size, gate);
                TD_GRU_FC_F32(hidden, gate_params->recurrent_weights, NULL, rows, state_size, state_size, recurrent);
                for (i = 0; i < count; ++i) {
                    gate[i] = td_sigmoidf(gate[i] + recurrent[i]);
                }
            }
            TD_GRU_FC_F32(x, params->new_gate.input_weights, params->new_gate.bias, rows, input_size, state_size, fresh);
            if (dims->linear_before_reset) {
                TD_GRU_FC_F32(hidden, params->new_gate.recurrent_weights, params->recurrent_new_bias, rows, state_size,
                              state_size, recurrent);
                for (i = 0; i < count; ++i) {
                    fresh[i] = td_tanhf(fresh[i] + reset[i] * recurrent[i]);
                }
            } else {
                for (i = 0; i < count; ++i) {
                    reset_hidden[i] = reset[i] * hidden[i];
                }
                TD_GRU_FC_F32(reset_hidden, params->new_gate.recurrent_weights, NULL, rows, state_size, state_size, recurrent);
                for (i = 0; i < count; ++i) {
                    fresh[i] = td_tanhf(fresh[i] + recurrent[i]);
                }
            }
            for (i = 0; i < count; ++i) {
                hidden[i] = fresh[i] + update[i] * (hidden[i] - fresh[i]);
            }
            if (dims->return_sequences) {
                float *y = output + position * rows * state_size;
                for (i = 0; i < count; ++i) {
                    y[i] = hidden[i];
                }
            }
        }
    }
    if (!dims->return_sequences) {
        for (i = 0; i < dims->batch_size * state_size; ++i) {
            output[i] = hidden_state[i];
        }
    }
    return TD_OK;
}

#endif
