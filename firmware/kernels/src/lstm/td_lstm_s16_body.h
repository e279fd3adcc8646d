/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, 16x8 (TFLite Micro's EvalLstm<int16_t, int8_t, int16_t, int64_t>:
 * int16 x/h with zero point 0, int8 symmetric weights, int64 bias, int16 gates and cell). Per step:
 *   gate pre-activation (Q3.12) = sat16(FC64(x, W) + FC64(h, R))
 *     FC64(v, W) = sat16(requant64(sum_d W[d] * v[d] + bias))   64-bit sum, TFLite's 64-bit
 *                                                              MultiplyByQuantizedMultiplier
 *   f, i, o = sigmoid16, g = tanh16 (or sigmoid16), all Q0.15
 *   c = sat16(mul(f, c) + mul(i, g)), clipped; h = sat16(mul(tanh16(c), o))   (zero point 0)
 * where mul is TFLite's MulElementwise (32-bit requantization, double rounding). The int16 sigmoid
 * and tanh are TFLite's table interpolations (td_lstm_s8_reference.h), as in the int8 kernel.
 *
 * Each FC is td_rnn_s16.h's step (td_fully_connected_s16, or its Cortex-M form in a DSP build).
 * Scratch: four int16 buffers of B * S values (forget, input/output gate, cell gate, FC scratch)
 * and the FC step's (td_rnn_s16_fc_bytes).
 */
#ifndef TD_LSTM_S16_BODY_H
#define TD_LSTM_S16_BODY_H
/* The kernel itself, included by src/lstm/td_lstm_s16.c and its Cortex-M variant (which defines the DSP FC step first). */
#include "td_lstm_s8_reference.h"
#include "../internal/td_rnn_s16.h"

TD_INLINE int32_t td_lstm_s16_saturate(int32_t x) { return td_clamp_i32(x, -32768, 32767); }

/** One gate: both FCs, their saturating sum, the activation, into `gate` (rows * S values). */
static void td_lstm_s16_gate(const td_rnn_s16_fc *fc,
                             const td_lstm_gate_s16 *params,
                             const int16_t *x,
                             const int16_t *hidden,
                             int32_t rows,
                             const td_lstm_dims *dims,
                             td_lstm_activation activation,
                             int16_t *gate,
                             int16_t *scratch)
{
    const int32_t count = rows * dims->state_size;
    int32_t i;
    td_rnn_s16_fc_run(fc, 1, x, params->input_weights, params->bias, &params->input_fc, rows, dims->input_size, dims->state_size, gate);
    td_rnn_s16_fc_run(fc, 1, hidden, params->recurrent_weights, NULL, &params->recurrent_fc, rows, dims->state_size, dims->state_size,
                      scratch);
    for (i = 0; i < count; ++i) {
        const int32_t pre_activation = td_lstm_s16_saturate((int32_t)gate[i] + (int32_t)scratch[i]);
        gate[i] = activation == TD_LSTM_TANH ? td_lstm_gate_tanh(pre_activation) : td_lstm_gate_sigmoid(pre_activation);
    }
}

/** TFLite's MulElementwise of two int16 values into int16 with zero point 0. */
TD_INLINE int32_t td_lstm_s16_mul(int32_t a, int32_t b, const td_requant *requant)
{
    return td_lstm_s16_saturate(td_multiply_by_quantized_multiplier(a * b, requant->multiplier, requant->shift));
}

int32_t td_lstm_s16_get_buffer_size(const td_lstm_dims *dims)
{
    return 4 * dims->batch_size * dims->state_size * (int32_t)sizeof(int16_t) + td_rnn_s16_fc_bytes(dims->input_size, dims->state_size);
}

td_status td_lstm_s16(const td_context *ctx,
                      const td_lstm_params_s16 *params,
                      const int16_t *input,
                      int16_t *hidden_state,
                      int16_t *cell_state,
                      int16_t *output)
{
    const td_lstm_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t count = rows * state_size;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const td_int16_scaling cell_tanh = td_lstm_cell_tanh_scaling(params->cell_state_scale_power);
    const int32_t clip = params->quantized_cell_clip;
    int16_t *forget_gate, *input_gate, *cell_gate, *scratch;
    td_rnn_s16_fc fc;
    int32_t sequence, t, i;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_lstm_s16_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    forget_gate = (int16_t *)ctx->buf;
    input_gate = forget_gate + dims->batch_size * state_size;
    cell_gate = input_gate + dims->batch_size * state_size;
    scratch = cell_gate + dims->batch_size * state_size;
    /* The FC step's scratch after the four int16 buffers: 4 * B * S int16 values keep it 4-byte aligned. */
    fc = td_rnn_s16_fc_of(scratch + dims->batch_size * state_size, state_size);

    for (sequence = 0; sequence < sequences; ++sequence) {
        int16_t *hidden = hidden_state + sequence * state_size;
        int16_t *cell = cell_state + sequence * state_size;
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            const int16_t *x = input + position * rows * input_size;
            int16_t *y = output + position * rows * state_size;
            int16_t *output_gate = input_gate; /* reused after the cell update, as TFLite Micro does */

            td_lstm_s16_gate(&fc, &params->forget_gate, x, hidden, rows, dims, TD_LSTM_SIGMOID, forget_gate, scratch);
            td_lstm_s16_gate(&fc, &params->input_gate, x, hidden, rows, dims, TD_LSTM_SIGMOID, input_gate, scratch);
            td_lstm_s16_gate(&fc, &params->cell_gate, x, hidden, rows, dims, params->cell_gate_activation, cell_gate, scratch);
            for (i = 0; i < count; ++i) {
                int32_t updated = td_lstm_s16_saturate(td_lstm_s16_mul(forget_gate[i], cell[i], &params->forget_cell_mul) +
                                                       td_lstm_s16_mul(input_gate[i], cell_gate[i], &params->input_cell_mul));
                if (params->cell_clip_enabled) {
                    updated = td_clamp_i32(updated, -clip, clip);
                }
                cell[i] = (int16_t)updated;
            }
            td_lstm_s16_gate(&fc, &params->output_gate, x, hidden, rows, dims, TD_LSTM_SIGMOID, output_gate, scratch);
            for (i = 0; i < count; ++i) {
                hidden[i] = (int16_t)td_lstm_s16_mul(td_tanh_int16(td_int16_rescale(cell[i], &cell_tanh)), output_gate[i],
                                                     &params->output_hidden_mul);
            }
            memcpy(y, hidden, (size_t)count * sizeof(int16_t));
        }
    }
    return TD_OK;
}

#endif /* TD_LSTM_S16_BODY_H */
