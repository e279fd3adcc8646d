/*
 * TD_GRU, integer, without linear_before_reset (r * h_{t-1} before the new gate's recurrent
 * product), over the generator's packed weights (td_kernels.h), portable: the arithmetic of
 * td_gru_s8 with each gate's sums read from the layout (the input offset folded into the packed
 * bias). The Cortex-M DSP variant (src/opt/cortex-m/) is the reason for the layout: its first
 * pass takes the units in the order their r * h values sit in the widened vector of the second.
 *
 * Scratch: r * h_{t-1}, z and the new gate's input part of the batch row being stepped (S values
 * each, within the size the DSP variant needs).
 */
#include "../lstm/td_lstm_s8_reference.h"

int32_t td_gru_s8_packed_reset_first_get_buffer_size(const td_gru_dims *dims)
{
    return (td_lstm_round4(dims->input_size) + 4 * td_lstm_round4(dims->state_size)) * (int32_t)sizeof(int16_t);
}

/** Where value k of row `row` of `rows` interleaved rows is in a part of the packed weights. */
static int32_t td_gru_reset_first_position(int32_t rows, int32_t row, int32_t k)
{
    return (k >> 2) * 4 * rows + row * 4 + ((k & 1) << 1) + ((k >> 1) & 1);
}

/** sum_k part[position(rows, row, k)] * values[k] over `count` int8 or int16 values (one of them NULL). */
static int32_t td_gru_reset_first_dot(const int16_t *part, int32_t rows, int32_t row, const int8_t *values8,
                                      const int16_t *values16, int32_t count)
{
    int32_t acc = 0;
    int32_t k;
    for (k = 0; k < count; ++k) {
        acc += (int32_t)part[td_gru_reset_first_position(rows, row, k)] * (values8 != NULL ? values8[k] : values16[k]);
    }
    return acc;
}

static int32_t td_gru_reset_first_sat16(int32_t x) { return td_clamp_i32(x, -32768, 32767); }

static int32_t td_gru_reset_first_requant16(int32_t acc, const td_requant *requant)
{
    return td_gru_reset_first_sat16(td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->shift));
}

/** y = sat8(y_zp + requant(h)) for `count` state values. */
static void td_gru_reset_first_outputs(const td_gru_params_s8 *params, const int16_t *hidden, int32_t count, int8_t *y)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        const int32_t scaled =
            td_multiply_by_quantized_multiplier(hidden[i], params->output_mul.multiplier, params->output_mul.shift);
        y[i] = (int8_t)td_clamp_i32(params->output_offset + scaled, -128, 127);
    }
}

td_status td_gru_s8_packed_reset_first(const td_context *ctx,
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
    const int32_t state_depth = td_lstm_round4(state_size);
    const int32_t block = 3 * input_depth + 2 * state_depth;
    const int16_t *const new_part = packed_weights + state_size * block;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const td_gru_gate_s8 *const gates[3] = {&params->reset_gate, &params->update_gate, &params->new_gate};
    int16_t *reset_hidden, *update, *fresh;
    int32_t sequence, k, row, place, unit, gate;

    if (dims->linear_before_reset) {
        return TD_ERROR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_gru_s8_packed_reset_first_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    reset_hidden = (int16_t *)ctx->buf;
    update = reset_hidden + state_size;
    fresh = update + state_size;
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (k = 0; k < dims->time_steps; ++k) {
            const int32_t t = dims->reverse ? dims->time_steps - 1 - k : k;
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                const int8_t *x = input + (position * rows + row) * input_size;
                int16_t *hidden = hidden_state + state_row;
                const int16_t *unit_block = packed_weights;
                const int32_t *bias = packed_bias;
                /* r, z, r * h_{t-1} and the new gate's input part of every unit, in the layout's order */
                for (place = 0; place < state_depth; ++place) {
                    int32_t from_input[3], from_hidden[2], reset;
                    unit = (place & ~3) | ((place & 1) << 1) | ((place >> 1) & 1);
                    if (unit >= state_size) {
                        continue;
                    }
                    for (gate = 0; gate < 3; ++gate) {
                        from_input[gate] = td_gru_reset_first_requant16(
                            bias[gate] + td_gru_reset_first_dot(unit_block, 3, gate, x, NULL, input_size), &gates[gate]->input_fc);
                    }
                    for (gate = 0; gate < 2; ++gate) {
                        from_hidden[gate] = td_gru_reset_first_requant16(
                            td_gru_reset_first_dot(unit_block + 3 * input_depth, 2, gate, NULL, hidden, state_size),
                            &gates[gate]->recurrent_fc);
                    }
                    reset = td_lstm_gate_sigmoid(td_gru_reset_first_sat16(from_input[0] + from_hidden[0]));
                    update[unit] = td_lstm_gate_sigmoid(td_gru_reset_first_sat16(from_input[1] + from_hidden[1]));
                    fresh[unit] = (int16_t)from_input[2];
                    /* |r * h| < 2^30, so the quotient fits int16 */
                    reset_hidden[unit] = (int16_t)td_rounding_divide_by_pot(reset * hidden[unit], 15);
                    unit_block += block;
                    bias += 3;
                }
                /* the new gate's recurrent FC over r * h_{t-1}, then the new state */
                for (unit = 0; unit < state_size; ++unit) {
                    const int32_t hn = td_gru_reset_first_requant16(
                        td_gru_reset_first_dot(new_part + (unit >> 2) * 4 * state_depth, 4, unit & 3, NULL, reset_hidden, state_size),
                        &params->new_gate.recurrent_fc);
                    const int32_t n = td_lstm_gate_tanh(td_gru_reset_first_sat16(fresh[unit] + hn));
                    hidden[unit] = (int16_t)td_gru_reset_first_sat16(
                        n + td_rounding_divide_by_pot(update[unit] * ((int32_t)hidden[unit] - n), 15));
                }
                if (dims->return_sequences) {
                    td_gru_reset_first_outputs(params, hidden, state_size, output + (position * rows + row) * state_size);
                }
            }
        }
    }
    if (!dims->return_sequences) {
        td_gru_reset_first_outputs(params, hidden_state, dims->batch_size * state_size, output);
    }
    return TD_OK;
}
