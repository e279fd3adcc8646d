/*
 * TD_GRU, integer, without linear_before_reset (r * h_{t-1} before the new gate's recurrent
 * product), over the generator's packed weights (td_kernels.h), Cortex-M variant. Overrides
 * src/gru/td_gru_s8_packed_reset_first.c by name and gives the same bits (the rules are
 * td_gru_s8's).
 *
 * The new gate's recurrent product takes r * h_{t-1}, known only once every unit's r is, so a
 * step runs two passes. The first runs unit by unit: the three gates' input sums and the reset
 * and update gates' recurrent sums (as td_gru_s8_packed, a group of four inputs costs one LDRD of
 * the vector, one LDM and one LDRD of weights and six SMLADs for the input part, one LDRD, one
 * LDM and four SMLADs for the recurrent part), then r, z, the new gate's input part and
 * r * h_{t-1}. It takes the units in the order of SXTB16's lanes (0, 2, 1, 3 in each group of
 * four), so it writes r * h_{t-1} straight into the widened vector of the second pass and reads
 * h_{t-1} from the widened state. The second pass runs the new gate's recurrent rows four units
 * at a time (one LDRD of the vector, two LDMs of four weight words and eight SMLADs per group of
 * four), then each unit's new state, which also goes into the widened state for the next step.
 * The requantizations take the LSTM's fast form (td_gru_requant_form) when the model's
 * parameters allow every one, otherwise the reference requantization runs on the same sums; the
 * sigmoid and tanh interpolate from the LSTM's signed tables (td_rnn_dsp.h).
 *
 * Scratch: round4(I) + 4 * round4(S) int16 values (x_t, h_{t-1} and r * h_{t-1} widened, then z
 * and the new gate's input part by place).
 */
#include "td_dsp.h"

#if !TD_KERNELS_DSP
/* A core without the DSP extension: the portable kernel as it is. */
#include "../../gru/td_gru_s8_packed_reset_first.c"
#else
#include "../../lstm/td_lstm_s8_reference.h"
#include "td_rnn_dsp.h"
#include "td_gru_dsp.h"

int32_t td_gru_s8_packed_reset_first_get_buffer_size(const td_gru_dims *dims)
{
    return (td_lstm_round4(dims->input_size) + 4 * td_lstm_round4(dims->state_size)) * (int32_t)sizeof(int16_t);
}

/** What a run of steps reads and writes besides the plan. */
typedef struct {
    const td_gru_params_s8 *params;
    const td_word *weights;
    const int32_t *bias;
    const int8_t *input;
    int16_t *hidden_state;
    int8_t *output;
    td_word *x_words; /* the scratch: x_t, h_{t-1} and r * h_{t-1} widened, then z and n's input part by place */
    td_word *h_words;
    td_word *rh_words;
    int16_t *update;
    int16_t *fresh;
} td_gru_reset_first_run;

/** The plan (td_gru_packed_plan_from): three input biases per unit, no recurrent ones. */
TD_INLINE int td_gru_reset_first_plan_of(const td_gru_params_s8 *params, const int32_t *packed_bias, td_gru_packed_plan *plan)
{
    const int64_t recurrent_bias[3] = {0, 0, 0};
    int64_t input_bias[3];
    int32_t gate;
    for (gate = 0; gate < 3; ++gate) {
        input_bias[gate] = td_gru_packed_bias_bound(packed_bias, params->dims.state_size, 3, gate);
    }
    return td_gru_packed_plan_from(params, input_bias, recurrent_bias, plan);
}

/** The unit at place `place` of the first pass (bits 0 and 1 swapped); its own inverse. */
TD_INLINE int32_t td_gru_reset_first_unit_at(int32_t place) { return (place & ~3) | ((place & 1) << 1) | ((place >> 1) & 1); }

TD_NOINLINE static int32_t td_gru_reset_first_requant_exact(int32_t acc, const td_requant *requant)
{
    return td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->shift);
}

/** A requantization: the fast form (`mode` 2: every right shift >= 1; 1: any), or the reference one (`mode` 0). */
TD_INLINE int32_t td_gru_reset_first_requant(int32_t acc, const td_lstm_fast_requant *fast, const td_requant *exact, int mode)
{
    if (mode == 0) {
        return td_gru_reset_first_requant_exact(acc, exact);
    }
    return td_gru_requant_form(acc, fast, mode == 2);
}

/** What the first pass reads and writes: the widened vectors (x_t, h_{t-1}, r * h_{t-1}, each ending where the next starts) and z and n's input part by place. */
typedef struct {
    const td_word *x_words;
    const td_word *h_words;
    const td_word *rh_words;
    const int16_t *h_values;
    int16_t *rh_values;
    int16_t *update;
    int16_t *fresh;
} td_gru_reset_first_pass;

/**
 * The first pass at one place: the unit's sums (its block at *weights, its biases at *bias; both
 * advanced past them), r, z, the new gate's input part and r * h_{t-1}.
 */
TD_INLINE void td_gru_reset_first_gates(const td_gru_params_s8 *params, const td_gru_packed_plan *plan, td_gru_reset_first_pass pass,
                                        const td_word **weights, const int32_t **bias, int32_t place, int mode)
{
    int32_t xr, xz, xn, hr, hz, reset, update;
    TD_GRU_PACKED_DOT(pass.x_words, pass.h_words, *weights, *bias, xr, xz, xn);
    TD_GRU_PACKED_DOT2(pass.h_words, pass.rh_words, *weights, hr, hz);
    reset = td_lstm_sigmoid_signed(
        3 * td_ssat16(td_ssat16(td_gru_reset_first_requant(xr, &plan->input_fc[0], &params->reset_gate.input_fc, mode)) +
                  td_ssat16(td_gru_reset_first_requant(hr, &plan->recurrent_fc[0], &params->reset_gate.recurrent_fc, mode))));
    update = td_lstm_sigmoid_signed(
        3 * td_ssat16(td_ssat16(td_gru_reset_first_requant(xz, &plan->input_fc[1], &params->update_gate.input_fc, mode)) +
                  td_ssat16(td_gru_reset_first_requant(hz, &plan->recurrent_fc[1], &params->update_gate.recurrent_fc, mode))));
    pass.update[place] = (int16_t)update;
    pass.fresh[place] = (int16_t)td_ssat16(td_gru_reset_first_requant(xn, &plan->input_fc[2], &params->new_gate.input_fc, mode));
    /* |r * h| < 2^30 (r in [0, 32767]), so the quotient is an int16 */
    pass.rh_values[place] = (int16_t)td_gru_rdpot15(reset * pass.h_values[place]);
}

/** Where the second pass keeps what it reads and writes (locals: no store makes the compiler reload them). */
typedef struct {
    int16_t *hidden;   /* h of the batch row, by unit */
    int16_t *h_values; /* h widened, by place */
    const int16_t *update;
    const int16_t *fresh;
    int8_t *y; /* the step's outputs, or NULL */
} td_gru_reset_first_row;

/** The new state of `unit` (at `place` in the widened state) from its new gate's recurrent sum. */
TD_INLINE void td_gru_reset_first_update(const td_gru_params_s8 *params, const td_gru_packed_plan *plan, td_gru_reset_first_row row,
                                         int32_t unit, int32_t place, int32_t sum, int mode)
{
    const int32_t hn = td_ssat16(td_gru_reset_first_requant(sum, &plan->recurrent_fc[2], &params->new_gate.recurrent_fc, mode));
    const int32_t fresh = td_lstm_tanh_signed(3 * td_ssat16(row.fresh[place] + hn));
    const int32_t updated = td_ssat16(fresh + td_gru_rdpot15(row.update[place] * (row.h_values[place] - fresh)));
    row.hidden[unit] = (int16_t)updated;
    row.h_values[place] = (int16_t)updated;
    if (row.y != NULL) {
        row.y[unit] = (int8_t)td_ssat8(plan->output_offset + td_gru_reset_first_requant(updated, &plan->output_mul, &params->output_mul, mode));
    }
}

/**
 * The second pass for units quad .. quad + count - 1 (count 1 to 4, a constant where it is 4):
 * their new gate's recurrent sums over r * h_{t-1} (rows at *weights, advanced past them), then
 * their new states.
 */
TD_INLINE void td_gru_reset_first_quad(const td_gru_params_s8 *params, const td_gru_packed_plan *plan, td_gru_reset_first_row row,
                                       const td_word *rh_words, const td_word *rh_end, const td_word **weights, int32_t quad,
                                       int32_t count, int mode)
{
    int32_t s0, s1, s2, s3;
    TD_GRU_PACKED_DOT4(rh_words, rh_end, *weights, s0, s1, s2, s3);
    /* unit quad + 1 is at place quad + 2 and the other way round */
    td_gru_reset_first_update(params, plan, row, quad, quad, s0, mode);
    if (count > 1) {
        td_gru_reset_first_update(params, plan, row, quad + 1, quad + 2, s1, mode);
    }
    if (count > 2) {
        td_gru_reset_first_update(params, plan, row, quad + 2, quad + 1, s2, mode);
    }
    if (count > 3) {
        td_gru_reset_first_update(params, plan, row, quad + 3, quad + 3, s3, mode);
    }
}

/**
 * Every step of every batch row in `mode` (td_gru_reset_first_requant; a constant); 0 (nothing
 * run) when the model's requantizations do not take the fast form `mode` asks for. The plan is
 * built in a local whose address no call sees (see td_lstm_s8_packed.c).
 */
TD_INLINE int td_gru_reset_first_steps(const td_gru_reset_first_run *run, int mode)
{
    td_gru_packed_plan local;
    const td_gru_packed_plan *const plan = &local;
    const td_gru_params_s8 *params = run->params;
    const td_gru_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t state_depth = td_lstm_round4(state_size);
    const int32_t whole = state_size & ~3; /* places below have a unit */
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const td_gru_reset_first_pass first = {run->x_words, run->h_words, run->rh_words, (const int16_t *)(const void *)run->h_words,
                                           (int16_t *)(void *)run->rh_words, run->update, run->fresh};
    const td_word *const rh_end = run->rh_words + state_depth / 2;
    const int return_sequences = dims->return_sequences;
    int32_t sequence, k, row, place, quad;
    if (td_gru_reset_first_plan_of(params, run->bias, &local) != mode && mode != 0) {
        return 0;
    }
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (k = 0; k < dims->time_steps; ++k) {
            const int32_t t = dims->reverse ? dims->time_steps - 1 - k : k;
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                int16_t *const hidden = run->hidden_state + state_row;
                const td_gru_reset_first_row second = {hidden, (int16_t *)(void *)run->h_words, run->update, run->fresh,
                                                       return_sequences ? run->output + (position * rows + row) * state_size : NULL};
                const td_word *weights = run->weights;
                const int32_t *bias = run->bias;
                td_rnn_packed_expand(run->input + (position * rows + row) * input_size, input_size, run->x_words);
                if (rows > 1 || k == 0) {
                    /* otherwise the second pass of the step before left h_{t-1} there */
                    td_gru_packed_expand_s16(hidden, state_size, run->h_words);
                }
                for (place = 0; place < whole; ++place) {
                    td_gru_reset_first_gates(params, plan, first, &weights, &bias, place, mode);
                }
                for (; place < state_depth; ++place) {
                    if (td_gru_reset_first_unit_at(place) < state_size) {
                        td_gru_reset_first_gates(params, plan, first, &weights, &bias, place, mode);
                    }
                }
                /* weights: the new gate's recurrent rows, four units at a time */
                for (quad = 0; quad < whole; quad += 4) {
                    td_gru_reset_first_quad(params, plan, second, run->rh_words, rh_end, &weights, quad, 4, mode);
                }
                if (whole < state_size) {
                    td_gru_reset_first_quad(params, plan, second, run->rh_words, rh_end, &weights, whole, state_size - whole, mode);
                }
            }
        }
    }
    if (!dims->return_sequences) {
        int32_t i;
        for (i = 0; i < dims->batch_size * state_size; ++i) {
            run->output[i] = (int8_t)td_ssat8(plan->output_offset + td_gru_reset_first_requant(run->hidden_state[i], &plan->output_mul,
                                                                                                &params->output_mul, mode));
        }
    }
    return 1;
}

TD_NOINLINE static int td_gru_reset_first_steps_shifted(const td_gru_reset_first_run *run) { return td_gru_reset_first_steps(run, 2); }

TD_NOINLINE static int td_gru_reset_first_steps_masked(const td_gru_reset_first_run *run) { return td_gru_reset_first_steps(run, 1); }

TD_NOINLINE static void td_gru_reset_first_steps_exact(const td_gru_reset_first_run *run) { (void)td_gru_reset_first_steps(run, 0); }

td_status td_gru_s8_packed_reset_first(const td_context *ctx,
                                       const td_gru_params_s8 *params,
                                       const int16_t *packed_weights,
                                       const int32_t *packed_bias,
                                       const int8_t *input,
                                       int16_t *hidden_state,
                                       int8_t *output)
{
    const td_gru_dims *dims = &params->dims;
    const int32_t state_depth = td_lstm_round4(dims->state_size);
    td_gru_reset_first_run run;

    if (dims->linear_before_reset) {
        return TD_ERROR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_gru_s8_packed_reset_first_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    run.params = params;
    run.weights = (const td_word *)(const void *)packed_weights;
    run.bias = packed_bias;
    run.input = input;
    run.hidden_state = hidden_state;
    run.output = output;
    run.x_words = (td_word *)ctx->buf;
    run.h_words = run.x_words + td_lstm_round4(dims->input_size) / 2;
    run.rh_words = run.h_words + state_depth / 2;
    run.update = (int16_t *)(void *)(run.rh_words + state_depth / 2);
    run.fresh = run.update + state_depth;
    /* the places without a unit: their weights are zeros, their values so too */
    memset(run.rh_words, 0, (size_t)state_depth * sizeof(int16_t));
    if (!td_gru_reset_first_steps_shifted(&run) && !td_gru_reset_first_steps_masked(&run)) {
        td_gru_reset_first_steps_exact(&run);
    }
    return TD_OK;
}

#endif /* TD_KERNELS_DSP */
