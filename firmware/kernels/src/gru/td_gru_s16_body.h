/*
 * TD_GRU, 16x8: int16 x and output (zero points 0), int8 symmetric weights, int64 input biases,
 * int16 gates and an int16 Q0.15 hidden state (the rules are in TinyDeploy's op library,
 * ops/gru.ts). The int8 GRU's step (td_gru_s8.c) with the two int8-activation places changed:
 *   FC(x, W_g) = sat16(requant64(sum_d W_g[d] * x[d] + b_g))   64-bit sum, TFLite's 64-bit
 *                                                            MultiplyByQuantizedMultiplier
 *   y = sat16(requant(h))                                     int16, zero point 0
 * The recurrent FCs (int8 weights x Q0.15 state, int32 sums, the int32 recurrent n bias), the
 * gates and the state update are the int8 GRU's:
 *   r = sigmoid16(sat16(FC(x, W_r) + FC(h, R_r)));  z likewise        (Q3.12 in, Q0.15 out)
 *   linear_before_reset: n = tanh16(sat16(FC(x, W_n) + sat16(rdpot(r * FC(h, R_n, rb_n), 15))))
 *   otherwise:           n = tanh16(sat16(FC(x, W_n) + FC(rdpot(r * h, 15), R_n)))
 *   h = sat16(n + rdpot(z * (h - n), 15))
 *
 * The FCs without the int32 recurrent n bias are td_rnn_s16.h's step (td_fully_connected_s16, or
 * its Cortex-M form in a DSP build): the input FC wide (TFLite's int64-bias FC), the recurrent ones
 * in the int32 form (the sum is exactly an int32 here: |R * h| <= 127 * 2^15 * S < 2^31 for
 * S <= 511). Scratch: five int16 buffers of B * S values (r, z, new gate, recurrent FC, r * h),
 * padded to 4 bytes, then the FC step's (td_rnn_s16_fc_bytes).
 */
#ifndef TD_GRU_S16_BODY_H
#define TD_GRU_S16_BODY_H
/* The kernel itself, included by src/gru/td_gru_s16.c and its Cortex-M variant (which defines the DSP FC step first). */
#include "../lstm/td_lstm_s8_reference.h"
#include "../internal/td_rnn_s16.h"

TD_INLINE int32_t td_gru_s16_sat16(int32_t x) { return td_clamp_i32(x, -32768, 32767); }

/** The recurrent FC with the int32 recurrent n bias, as the int8 GRU computes it: int32 sum, 32-bit requantization. */
static void td_gru_s16_recurrent_fc(const int16_t *values,
                                    const int8_t *weights,
                                    const int32_t *bias,
                                    const td_requant *requant,
                                    int32_t rows,
                                    int32_t units,
                                    int16_t *result)
{
    int32_t row, unit, d;
    for (row = 0; row < rows; ++row) {
        const int16_t *vector = values + row * units;
        for (unit = 0; unit < units; ++unit) {
            const int8_t *weight_row = weights + unit * units;
            int32_t acc = 0;
            for (d = 0; d < units; ++d) {
                acc += (int32_t)weight_row[d] * (int32_t)vector[d];
            }
            if (bias != NULL) {
                acc += bias[unit];
            }
            *result++ = (int16_t)td_gru_s16_sat16(td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->shift));
        }
    }
}

int32_t td_gru_s16_get_buffer_size(const td_gru_dims *dims)
{
    const int32_t buffer = dims->batch_size * dims->state_size;
    return (5 * buffer + (buffer & 1)) * (int32_t)sizeof(int16_t) + td_rnn_s16_fc_bytes(dims->input_size, dims->state_size);
}

TD_INLINE int16_t td_gru_s16_output(int32_t h, const td_requant *output_mul)
{
    return (int16_t)td_gru_s16_sat16(td_multiply_by_quantized_multiplier(h, output_mul->multiplier, output_mul->shift));
}

td_status td_gru_s16(const td_context *ctx,
                     const td_gru_params_s16 *params,
                     const int16_t *input,
                     int16_t *hidden_state,
                     int16_t *output)
{
    const td_gru_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t count = rows * state_size;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const int32_t buffer = dims->batch_size * state_size;
    const td_gru_gate_s16 *gates[2];
    int16_t *reset, *update, *fresh, *recurrent, *reset_hidden;
    td_rnn_s16_fc fc;
    int32_t sequence, k, i, g;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_gru_s16_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    reset = (int16_t *)ctx->buf;
    update = reset + buffer;
    fresh = update + buffer;
    recurrent = fresh + buffer;
    reset_hidden = recurrent + buffer;
    /* After the five int16 buffers, 4-byte aligned when B * S is even; one int16 of padding otherwise. */
    fc = td_rnn_s16_fc_of(reset_hidden + buffer + (buffer & 1), state_size);
    gates[0] = &params->reset_gate;
    gates[1] = &params->update_gate;

    for (sequence = 0; sequence < sequences; ++sequence) {
        int16_t *hidden = hidden_state + sequence * state_size;
        for (k = 0; k < dims->time_steps; ++k) {
            const int32_t t = dims->reverse ? dims->time_steps - 1 - k : k;
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            const int16_t *x = input + position * rows * input_size;
            for (g = 0; g < 2; ++g) {
                int16_t *gate = g == 0 ? reset : update;
                td_rnn_s16_fc_run(&fc, 1, x, gates[g]->input_weights, gates[g]->bias, &gates[g]->input_fc, rows, input_size, state_size, gate);
                td_rnn_s16_fc_run(&fc, 0, hidden, gates[g]->recurrent_weights, NULL, &gates[g]->recurrent_fc, rows, state_size, state_size,
                                   recurrent);
                for (i = 0; i < count; ++i) {
                    gate[i] = td_lstm_gate_sigmoid(td_gru_s16_sat16((int32_t)gate[i] + (int32_t)recurrent[i]));
                }
            }
            td_rnn_s16_fc_run(&fc, 1, x, params->new_gate.input_weights, params->new_gate.bias, &params->new_gate.input_fc, rows, input_size,
                               state_size, fresh);
            if (dims->linear_before_reset) {
                td_gru_s16_recurrent_fc(hidden, params->new_gate.recurrent_weights, params->recurrent_new_bias,
                                        &params->new_gate.recurrent_fc, rows, state_size, recurrent);
                for (i = 0; i < count; ++i) {
                    const int32_t gated = td_gru_s16_sat16(td_rounding_divide_by_pot((int32_t)reset[i] * recurrent[i], 15));
                    fresh[i] = td_lstm_gate_tanh(td_gru_s16_sat16((int32_t)fresh[i] + gated));
                }
            } else {
                for (i = 0; i < count; ++i) {
                    reset_hidden[i] = (int16_t)td_rounding_divide_by_pot((int32_t)reset[i] * hidden[i], 15);
                }
                td_rnn_s16_fc_run(&fc, 0, reset_hidden, params->new_gate.recurrent_weights, NULL, &params->new_gate.recurrent_fc, rows,
                                   state_size, state_size, recurrent);
                for (i = 0; i < count; ++i) {
                    fresh[i] = td_lstm_gate_tanh(td_gru_s16_sat16((int32_t)fresh[i] + (int32_t)recurrent[i]));
                }
            }
            for (i = 0; i < count; ++i) {
                const int32_t n = fresh[i];
                hidden[i] = (int16_t)td_gru_s16_sat16(n + td_rounding_divide_by_pot((int32_t)update[i] * ((int32_t)hidden[i] - n), 15));
            }
            if (dims->return_sequences) {
                int16_t *y = output + position * rows * state_size;
                for (i = 0; i < count; ++i) {
                    y[i] = td_gru_s16_output(hidden[i], &params->output_mul);
                }
            }
        }
    }
    if (!dims->return_sequences) {
        for (i = 0; i < dims->batch_size * state_size; ++i) {
            output[i] = td_gru_s16_output(hidden_state[i], &params->output_mul);
        }
    }
    return TD_OK;
}

#endif /* TD_GRU_S16_BODY_H */
