/*
 * TD_GRU, integer, linear_before_reset, over the generator's packed weights (td_kernels.h),
 * portable: the arithmetic of td_gru_s8 with each gate's sums read from the layout (the input
 * offset folded into the packed bias, the recurrent new-gate bias there too). The Cortex-M DSP
 * variant (src/opt/cortex-m/) is the reason for the layout.
 *
 * Scratch: h_{t-1} of the batch row being stepped (h is updated in place unit by unit).
 */
#include "../lstm/td_lstm_s8_reference.h"

int32_t td_gru_s8_packed_get_buffer_size(const td_gru_dims *dims)
{
    return (td_lstm_round4(dims->input_size) + td_lstm_round4(dims->state_size)) * (int32_t)sizeof(int16_t);
}

/** sum_k part[position(gate, k)] * values[k] over `count` int8 or int16 values (one of them NULL). */
static int32_t td_gru_packed_dot(const int16_t *part, int32_t gate, const int8_t *values8, const int16_t *values16,
                                 int32_t count)
{
    int32_t acc = 0;
    int32_t k;
    for (k = 0; k < count; ++k) {
        acc += (int32_t)part[td_gru_packed_position(gate, k)] * (values8 != NULL ? values8[k] : values16[k]);
    }
    return acc;
}

static int32_t td_gru_packed_sat16(int32_t x) { return td_clamp_i32(x, -32768, 32767); }

/** y = sat8(y_zp + requant(h)) for `count` state values. */
static void td_gru_packed_outputs(const td_gru_params_s8 *params, const int16_t *hidden, int32_t count, int8_t *y)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        const int32_t scaled =
            td_multiply_by_quantized_multiplier(hidden[i], params->output_mul.multiplier, params->output_mul.shift);
        y[i] = (int8_t)td_clamp_i32(params->output_offset + scaled, -128, 127);
    }
}

td_status td_gru_s8_packed(const td_context *ctx,
                           const td_gru_params_s8 *params,
                           const int16_t *packed_weights,
                           const int32_t *packed_bias,
                           const int8_t *input,
                           int16_t *hidden_state,
                           int8_t *output)
{
    const td_gru_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t input_depth = td_lstm_round4(input_size);
    const int32_t block = 3 * (input_depth + td_lstm_round4(state_size));
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const td_gru_gate_s8 *const gates[3] = {&params->reset_gate, &params->update_gate, &params->new_gate};
    int16_t *previous;
    int32_t sequence, k, row, unit, gate;

    if (!dims->linear_before_reset) {
        return TD_ERROR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_gru_s8_packed_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    previous = (int16_t *)ctx->buf;
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (k = 0; k < dims->time_steps; ++k) {
            const int32_t t = dims->reverse ? dims->time_steps - 1 - k : k;
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                const int8_t *x = input + (position * rows + row) * input_size;
                int16_t *hidden = hidden_state + state_row;
                memcpy(previous, hidden, (size_t)state_size * sizeof(int16_t));
                for (unit = 0; unit < state_size; ++unit) {
                    const int16_t *input_part = packed_weights + unit * block;
                    const int16_t *recurrent_part = input_part + 3 * input_depth;
                    const int32_t *bias = packed_bias + unit * 6;
                    int32_t from_input[3], from_hidden[3], reset, update, fresh, gated;
                    for (gate = 0; gate < 3; ++gate) {
                        const td_gru_gate_s8 *g = gates[gate];
                        from_input[gate] = td_gru_packed_sat16(td_multiply_by_quantized_multiplier(
                            bias[gate] + td_gru_packed_dot(input_part, gate, x, NULL, input_size), g->input_fc.multiplier,
                            g->input_fc.shift));
                        from_hidden[gate] = td_gru_packed_sat16(td_multiply_by_quantized_multiplier(
                            bias[3 + gate] + td_gru_packed_dot(recurrent_part, gate, NULL, previous, state_size),
                            g->recurrent_fc.multiplier, g->recurrent_fc.shift));
                    }
                    reset = td_lstm_gate_sigmoid(td_gru_packed_sat16(from_input[0] + from_hidden[0]));
                    update = td_lstm_gate_sigmoid(td_gru_packed_sat16(from_input[1] + from_hidden[1]));
                    gated = td_gru_packed_sat16(td_rounding_divide_by_pot(reset * from_hidden[2], 15));
                    fresh = td_lstm_gate_tanh(td_gru_packed_sat16(from_input[2] + gated));
                    hidden[unit] = (int16_t)td_gru_packed_sat16(
                        fresh + td_rounding_divide_by_pot(update * ((int32_t)previous[unit] - fresh), 15));
                }
                if (dims->return_sequences) {
                    td_gru_packed_outputs(params, hidden, state_size, output + (position * rows + row) * state_size);
                }
            }
        }
    }
    if (!dims->return_sequences) {
        td_gru_packed_outputs(params, hidden_state, dims->batch_size * state_size, output);
    }
    return TD_OK;
}
