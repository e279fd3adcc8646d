/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, integer, over the generator's packed weights (td_kernels.h),
 * portable: the arithmetic of td_lstm_s8 (TFLite Micro's lstm_eval.h) with each gate's sums
 * read from the layout. The offsets are folded into the packed bias, so the sums take x and h
 * as they are: sum_k W[k] * (x[k] + o) + b = sum_k W[k] * x[k] + (b + o * sum_k W[k]), the same
 * int32. The Cortex-M DSP variant (src/opt/cortex-m/) is the reason for the layout.
 *
 * Scratch: h_{t-1} of the batch row being stepped (h is updated in place unit by unit).
 */
#include "td_lstm_s8_reference.h"

int32_t td_lstm_s8_packed_get_buffer_size(const td_lstm_dims *dims)
{
    return (td_lstm_round4(dims->input_size) + td_lstm_round4(dims->state_size)) * (int32_t)sizeof(int16_t);
}

/** sum_k part[position(gate, k)] * values[k] over `count` values. */
static int32_t td_lstm_packed_dot(const int16_t *part, int32_t gate, const int8_t *values, int32_t count)
{
    int32_t acc = 0;
    int32_t k;
    for (k = 0; k < count; ++k) {
        acc += (int32_t)part[td_lstm_packed_position(gate, k)] * values[k];
    }
    return acc;
}

td_status td_lstm_s8_packed(const td_context *ctx,
                            const td_lstm_params_s8 *params,
                            const int16_t *packed_weights,
                            const int32_t *packed_bias,
                            const int8_t *input,
                            int8_t *hidden_state,
                            int16_t *cell_state,
                            int8_t *output)
{
    const td_lstm_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t input_depth = td_lstm_round4(input_size);
    const int32_t block = 4 * (input_depth + td_lstm_round4(state_size));
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const td_int16_scaling cell_tanh = td_lstm_cell_tanh_scaling(params->cell_state_scale_power);
    const td_lstm_gate_s8 *const gates[4] = {&params->forget_gate, &params->input_gate, &params->cell_gate,
                                             &params->output_gate};
    int8_t *previous;
    int32_t sequence, t, row, unit, gate;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_lstm_s8_packed_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    previous = (int8_t *)ctx->buf;
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                const int8_t *x = input + (position * rows + row) * input_size;
                int8_t *hidden = hidden_state + state_row;
                int16_t *cell = cell_state + state_row;
                int8_t *y = output + (position * rows + row) * state_size;
                memcpy(previous, hidden, (size_t)state_size);
                for (unit = 0; unit < state_size; ++unit) {
                    const int16_t *input_part = packed_weights + unit * block;
                    const int16_t *recurrent_part = input_part + 4 * input_depth;
                    const int32_t *bias = packed_bias + unit * 8;
                    int32_t activated[4];
                    int32_t kept, added, updated;
                    for (gate = 0; gate < 4; ++gate) {
                        const td_lstm_gate_s8 *g = gates[gate];
                        const int32_t from_input = td_clamp_i32(
                            td_multiply_by_quantized_multiplier(bias[gate] + td_lstm_packed_dot(input_part, gate, x, input_size),
                                                                g->input_fc.multiplier, g->input_fc.shift),
                            -32768, 32767);
                        const int32_t from_hidden = td_clamp_i32(
                            td_multiply_by_quantized_multiplier(
                                bias[4 + gate] + td_lstm_packed_dot(recurrent_part, gate, previous, state_size),
                                g->recurrent_fc.multiplier, g->recurrent_fc.shift),
                            -32768, 32767);
                        const int32_t pre_activation = td_clamp_i32(from_input + from_hidden, -32768, 32767);
                        activated[gate] = gate == 2 && params->cell_gate_activation == TD_LSTM_TANH
                                              ? td_lstm_gate_tanh(pre_activation)
                                              : td_lstm_gate_sigmoid(pre_activation);
                    }
                    kept = td_lstm_mul_exact(activated[0], cell[unit], &params->forget_cell_mul, 0, -32768, 32767);
                    added = td_lstm_mul_exact(activated[1], activated[2], &params->input_cell_mul, 0, -32768, 32767);
                    updated = td_clamp_i32(kept + added, -32768, 32767);
                    if (params->cell_clip_enabled) {
                        updated = td_clamp_i32(updated, -params->quantized_cell_clip, params->quantized_cell_clip);
                    }
                    cell[unit] = (int16_t)updated;
                    hidden[unit] = (int8_t)td_lstm_mul_exact(td_tanh_int16(td_int16_rescale(updated, &cell_tanh)),
                                                              activated[3], &params->output_hidden_mul,
                                                              params->hidden_offset, -128, 127);
                    y[unit] = hidden[unit];
                }
            }
        }
    }
    return TD_OK;
}
