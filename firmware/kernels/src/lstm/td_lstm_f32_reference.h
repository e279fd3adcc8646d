/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, float32 (TFLite Micro's lstm_eval.h with float types): the
 * integer kernel's steps in float32, sigmoid as TFLite's float Logistic, with td_expf and td_tanhf
 * (internal/td_math_f32.h: float32 arithmetic only, within 2 ulp, about 0.6x the instructions of
 * the C library's expf and tanhf on a Cortex-M4F).
 * Scratch: four float buffers of B * S values. The whole kernel, included by src/lstm/td_lstm_f32.c
 * and by the FPU variant (src/opt/cortex-m), which defines TD_LSTM_FC_F32 first.
 */
#ifndef TD_LSTM_F32_REFERENCE_H
#define TD_LSTM_F32_REFERENCE_H

#include "../internal/td_common.h"
#include "../internal/td_fc_f32.h"
#include "../internal/td_math_f32.h"

#ifndef TD_LSTM_FC_F32
#define TD_LSTM_FC_F32 td_f32_fc
#endif

/** What every gate of one time step reads: x_t, h_{t-1}, their sizes, and the FC scratch. */
typedef struct {
    const float *input;
    const float *hidden;
    int32_t rows;
    int32_t input_size;
    int32_t state_size;
    float *scratch;
} td_lstm_step_f32;

/** One gate: both FCs, their sum, the activation, into `gate` (rows * S values). */
static void td_lstm_compute_gate_f32(const td_lstm_gate_f32 *params,
                                     const td_lstm_step_f32 *step,
                                     td_lstm_activation activation,
                                     float *gate)
{
    const int32_t count = step->rows * step->state_size;
    float *scratch = step->scratch;
    int32_t i;
    TD_LSTM_FC_F32(step->input, params->input_weights, params->bias, step->rows, step->input_size, step->state_size,
                   gate);
    TD_LSTM_FC_F32(step->hidden, params->recurrent_weights, NULL, step->rows, step->state_size, step->state_size,
                   scratch);
    for (i = 0; i < count; ++i) {
        const float pre_activation = gate[i] + scratch[i];
        gate[i] = activation == TD_LSTM_TANH ? td_tanhf(pre_activation) : td_sigmoidf(pre_activation);
    }
}

int32_t td_lstm_f32_get_buffer_size(const td_lstm_dims *dims)
{
    return 4 * dims->batch_size * dims->state_size * (int32_t)sizeof(float);
}

td_status td_lstm_f32(const td_context *ctx,
                      const td_lstm_params_f32 *params,
                      const float *input,
                      float *hidden_state,
                      float *cell_state,
                      float *output)
{
    const td_lstm_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t count = rows * state_size;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const float clip = params->cell_clip;
    float *forget_gate, *input_gate, *cell_gate, *scratch;
    int32_t sequence, t, i;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_lstm_f32_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    forget_gate = (float *)ctx->buf;
    input_gate = forget_gate + dims->batch_size * state_size;
    cell_gate = input_gate + dims->batch_size * state_size;
    scratch = cell_gate + dims->batch_size * state_size;

    for (sequence = 0; sequence < sequences; ++sequence) {
        float *hidden = hidden_state + sequence * state_size;
        float *cell = cell_state + sequence * state_size;
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            const float *x = input + position * rows * input_size;
            float *y = output + position * rows * state_size;
            float *output_gate = input_gate; /* reused after the cell update, as TFLite Micro does */
            const td_lstm_step_f32 step = {x, hidden, rows, input_size, state_size, scratch};

            td_lstm_compute_gate_f32(&params->forget_gate, &step, TD_LSTM_SIGMOID, forget_gate);
            td_lstm_compute_gate_f32(&params->input_gate, &step, TD_LSTM_SIGMOID, input_gate);
            td_lstm_compute_gate_f32(&params->cell_gate, &step, params->cell_gate_activation, cell_gate);
            for (i = 0; i < count; ++i) {
                float updated = forget_gate[i] * cell[i] + input_gate[i] * cell_gate[i];
                if (clip > 0.0f) {
                    updated = updated > clip ? clip : (updated < -clip ? -clip : updated);
                }
                cell[i] = updated;
            }
            td_lstm_compute_gate_f32(&params->output_gate, &step, TD_LSTM_SIGMOID, output_gate);
            for (i = 0; i < count; ++i) {
                hidden[i] = td_tanhf(cell[i]) * output_gate[i];
            }
            memcpy(y, hidden, (size_t)count * sizeof(float));
        }
    }
    return TD_OK;
}

#endif /* TD_LSTM_F32_REFERENCE_H */
