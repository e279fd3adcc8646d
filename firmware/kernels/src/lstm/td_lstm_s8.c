/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, integer (TFLite Micro's lstm_eval.h with int8 activations and
 * weights, int16 gates and cell, int32 bias). Per step:
 *   gate pre-activation (Q3.12) = sat16(sat16(FC(x) + bias) + sat16(FC(h)))
 *   f, i, o = sigmoid16, g = tanh16 (or sigmoid16), all Q0.15
 *   c = sat16(mul(f, c) + mul(i, g)), clipped; h = mul(tanh16(c), o) + hidden zero point
 * The int16 sigmoid and tanh are TFLite's table interpolations (td_lstm_s8_reference.h, shared
 * with the Cortex-M variant).
 *
 * Scratch: four int16 buffers of B * S values (forget, input/output gate, cell gate, FC scratch),
 * as TFLite Micro's kernel uses them.
 */
#include "td_lstm_s8_reference.h"

TD_INLINE int32_t td_saturate_int16(int32_t x) { return td_clamp_i32(x, -32768, 32767); }

/**
 * FC int8 -> int16 (TFLite's reference_integer_ops::FullyConnected with int16 output, zero
 * output offset, int16 range): rows vectors of depth values against [units][depth] weights.
 */
static void td_lstm_fc_s8_s16(const int8_t *values,
                              int32_t value_offset,
                              const int8_t *weights,
                              const int32_t *bias,
                              const td_requant *requant,
                              int32_t rows,
                              int32_t depth,
                              int32_t units,
                              int16_t *result)
{
    int32_t row, unit, d;
    for (row = 0; row < rows; ++row) {
        const int8_t *vector = values + row * depth;
        for (unit = 0; unit < units; ++unit) {
            const int8_t *weight_row = weights + unit * depth;
            int32_t acc = 0;
            for (d = 0; d < depth; ++d) {
                acc += (int32_t)weight_row[d] * ((int32_t)vector[d] + value_offset);
            }
            if (bias != NULL) {
                acc += bias[unit];
            }
            acc = td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->shift);
            *result++ = (int16_t)td_saturate_int16(acc);
        }
    }
}

/** What every gate of one time step reads: x_t, h_{t-1}, their sizes, and the FC scratch. */
typedef struct {
    const int8_t *input;
    const int8_t *hidden;
    int32_t rows;
    int32_t input_size;
    int32_t state_size;
    int16_t *scratch;
} td_lstm_step_s8;

/** One gate: both FCs, their saturating sum, the activation, into `gate` (rows * S values). */
static void td_lstm_compute_gate(const td_lstm_gate_s8 *params,
                                 const td_lstm_step_s8 *step,
                                 td_lstm_activation activation,
                                 int16_t *gate)
{
    const int32_t count = step->rows * step->state_size;
    int16_t *scratch = step->scratch;
    int32_t i;
    td_lstm_fc_s8_s16(step->input, params->input_offset, params->input_weights, params->bias, &params->input_fc,
                      step->rows, step->input_size, step->state_size, gate);
    td_lstm_fc_s8_s16(step->hidden, params->recurrent_offset, params->recurrent_weights, NULL, &params->recurrent_fc,
                      step->rows, step->state_size, step->state_size, scratch);
    for (i = 0; i < count; ++i) {
        const int32_t pre_activation = td_saturate_int16((int32_t)gate[i] + (int32_t)scratch[i]);
        gate[i] = activation == TD_LSTM_TANH ? td_lstm_gate_tanh(pre_activation) : td_lstm_gate_sigmoid(pre_activation);
    }
}

/** TFLite's MulElementwise of two int16 values: offset + requant(a * b), clamped. */
TD_INLINE int32_t td_lstm_mul(int32_t a, int32_t b, const td_requant *requant, int32_t offset, int32_t min, int32_t max)
{
    const int32_t product = td_multiply_by_quantized_multiplier(a * b, requant->multiplier, requant->shift);
    return td_clamp_i32(offset + product, min, max);
}

int32_t td_lstm_s8_get_buffer_size(const td_lstm_dims *dims)
{
    return 4 * dims->batch_size * dims->state_size * (int32_t)sizeof(int16_t);
}

td_status td_lstm_s8(const td_context *ctx,
                     const td_lstm_params_s8 *params,
                     const int8_t *input,
                     int8_t *hidden_state,
                     int16_t *cell_state,
                     int8_t *output)
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
    int32_t sequence, t, i;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_lstm_s8_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    forget_gate = (int16_t *)ctx->buf;
    input_gate = forget_gate + dims->batch_size * state_size;
    cell_gate = input_gate + dims->batch_size * state_size;
    scratch = cell_gate + dims->batch_size * state_size;

    for (sequence = 0; sequence < sequences; ++sequence) {
        int8_t *hidden = hidden_state + sequence * state_size;
        int16_t *cell = cell_state + sequence * state_size;
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            const int8_t *x = input + position * rows * input_size;
            int8_t *y = output + position * rows * state_size;
            int16_t *output_gate = input_gate; /* reused after the cell update, as TFLite Micro does */
            const td_lstm_step_s8 step = {x, hidden, rows, input_size, state_size, scratch};

            td_lstm_compute_gate(&params->forget_gate, &step, TD_LSTM_SIGMOID, forget_gate);
            td_lstm_compute_gate(&params->input_gate, &step, TD_LSTM_SIGMOID, input_gate);
            td_lstm_compute_gate(&params->cell_gate, &step, params->cell_gate_activation, cell_gate);
            for (i = 0; i < count; ++i) {
                const int32_t kept = td_lstm_mul(forget_gate[i], cell[i], &params->forget_cell_mul, 0, -32768, 32767);
                const int32_t added =
                    td_lstm_mul(input_gate[i], cell_gate[i], &params->input_cell_mul, 0, -32768, 32767);
                int32_t updated = td_saturate_int16(kept + added);
                if (params->cell_clip_enabled) {
                    updated = td_clamp_i32(updated, -clip, clip);
                }
                cell[i] = (int16_t)updated;
            }
            td_lstm_compute_gate(&params->output_gate, &step, TD_LSTM_SIGMOID, output_gate);
            for (i = 0; i < count; ++i) {
                hidden[i] = (int8_t)td_lstm_mul(td_tanh_int16(td_int16_rescale(cell[i], &cell_tanh)), output_gate[i],
                                                &params->output_hidden_mul, params->hidden_offset, -128, 127);
            }
            memcpy(y, hidden, (size_t)count);
        }
    }
    return TD_OK;
}
