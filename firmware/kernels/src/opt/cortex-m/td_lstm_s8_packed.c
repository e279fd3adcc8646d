/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, integer, over the generator's packed weights (td_kernels.h),
 * Cortex-M variant. Overrides src/lstm/td_lstm_s8_packed.c by name and gives the same bits
 * (TFLite Micro's lstm_eval.h, see td_lstm_s8.c).
 *
 * A step runs unit by unit (unit j's four gates, cell and hidden value before unit j + 1). Per
 * step x_t and h_{t-1} are widened once into the scratch as int16 in SXTB16's lane order (no
 * offsets: the generator folded them into the packed bias). The weights are int16 already, the
 * four gates of a unit interleaved, so a group of four inputs costs one LDRD of the vector, two
 * LDMs of four weight words and eight SMLADs for the four gates' 16 multiply-accumulates (13
 * instructions with the loop's compare and branch, 0.81 per MAC; td_lstm_s8's int8 rows take 23).
 *
 * The gate arithmetic is the interpreter's, in fewer instructions where that is provably the
 * same: the requantizations in SMMLAR's form (td_lstm_fast_requant below), and the int16
 * sigmoid and tanh without their branches (td_lstm_sigmoid_gate, td_lstm_tanh_fast below).
 * A model whose requantizations do not all take the fast form runs the reference arithmetic on
 * the same dot products.
 *
 * Scratch: round4(I) + round4(S) int16 values (x_t, then h_{t-1}, expanded).
 */
#include "td_dsp.h"

#if !TD_KERNELS_DSP
/* A core without the DSP extension: the portable kernel as it is. */
#include "../../lstm/td_lstm_s8_packed.c"
#else
#include "../../lstm/td_lstm_s8_reference.h"
#include "td_rnn_dsp.h"

int32_t td_lstm_s8_packed_get_buffer_size(const td_lstm_dims *dims)
{
    return (td_lstm_round4(dims->input_size) + td_lstm_round4(dims->state_size)) * (int32_t)sizeof(int16_t);
}

/** Everything the steps read that does not change between them. */
typedef struct {
    td_lstm_fast_requant input_fc[4];
    td_lstm_fast_requant recurrent_fc[4];
    td_lstm_fast_requant forget_cell_mul;
    td_lstm_fast_requant input_cell_mul;
    td_lstm_fast_requant output_hidden_mul;
    td_int16_scaling cell_tanh;
    int32_t clip_low;
    int32_t clip_high;
    int32_t hidden_offset;
    int32_t tanh_cell;
} td_lstm_packed_plan;

/*
 * TD_LSTM_PACKED_DOT(vector, vector_end, weights, bias, acc0..3): the four gates' sums of one part
 * of a unit's block against an expanded vector, starting from the part's four packed biases; per
 * group of four inputs one LDRD of the vector, two LDMs of four weight words, eight SMLADs.
 * `weights` and `bias` are advanced past the part; at least one group.
 */
#if TD_DSP_ASM
#define TD_LSTM_PACKED_DOT(vector, vector_end, weights, bias, acc0, acc1, acc2, acc3)                     \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        uint32_t td_even_, td_odd_;                                                                        \
        __asm__("ldrd    %[s0], %[s1], [%[bp]], #8\n\t"                                                    \
                "ldrd    %[s2], %[s3], [%[bp]], #8\n"                                                      \
                "1:\n\t"                                                                                   \
                "ldrd    %[xe], %[xo], [%[vp]], #8\n\t"                                                    \
                "ldmia   %[wp]!, {r8, r9, r10, r11}\n\t"                                                   \
                "smlad   %[s0], r8, %[xe], %[s0]\n\t"                                                      \
                "smlad   %[s0], r9, %[xo], %[s0]\n\t"                                                      \
                "smlad   %[s1], r10, %[xe], %[s1]\n\t"                                                     \
                "smlad   %[s1], r11, %[xo], %[s1]\n\t"                                                     \
                "ldmia   %[wp]!, {r8, r9, r10, r11}\n\t"                                                   \
                "smlad   %[s2], r8, %[xe], %[s2]\n\t"                                                      \
                "smlad   %[s2], r9, %[xo], %[s2]\n\t"                                                      \
                "smlad   %[s3], r10, %[xe], %[s3]\n\t"                                                     \
                "smlad   %[s3], r11, %[xo], %[s3]\n\t"                                                     \
                "cmp     %[vp], %[end]\n\t"                                                                \
                "bne     1b"                                                                               \
                : [s0] "=&r"(acc0), [s1] "=&r"(acc1), [s2] "=&r"(acc2), [s3] "=&r"(acc3),                      \
                  [vp] "+r"(td_vector_), [wp] "+r"(weights), [bp] "+r"(bias), [xe] "=&r"(td_even_),            \
                  [xo] "=&r"(td_odd_)                                                                      \
                : [end] "r"(vector_end)                                                                    \
                : "r8", "r9", "r10", "r11", "cc", "memory");                                              \
    } while (0)
#else
#define TD_LSTM_PACKED_DOT(vector, vector_end, weights, bias, acc0, acc1, acc2, acc3)                     \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        (acc0) = (bias)[0];                                                                                \
        (acc1) = (bias)[1];                                                                                \
        (acc2) = (bias)[2];                                                                                \
        (acc3) = (bias)[3];                                                                                \
        (bias) += 4;                                                                                       \
        do {                                                                                               \
            const uint32_t td_even_ = td_vector_[0];                                                       \
            const uint32_t td_odd_ = td_vector_[1];                                                        \
            (acc0) = td_smlad((weights)[1], td_odd_, td_smlad((weights)[0], td_even_, (acc0)));            \
            (acc1) = td_smlad((weights)[3], td_odd_, td_smlad((weights)[2], td_even_, (acc1)));            \
            (acc2) = td_smlad((weights)[5], td_odd_, td_smlad((weights)[4], td_even_, (acc2)));            \
            (acc3) = td_smlad((weights)[7], td_odd_, td_smlad((weights)[6], td_even_, (acc3)));            \
            td_vector_ += 2;                                                                               \
            (weights) += 8;                                                                                \
        } while (td_vector_ != (vector_end));                                                              \
    } while (0)
#endif

/** The four gates' input and recurrent sums of one unit (bias and folded offsets included). */
typedef struct {
    int32_t input[4];
    int32_t recurrent[4];
} td_lstm_packed_sums;

/** What a run of steps reads and writes besides the plan. */
typedef struct {
    const td_lstm_dims *dims;
    const td_word *weights;
    const int32_t *bias;
    const int8_t *input;
    int8_t *hidden_state;
    int16_t *cell_state;
    int8_t *output;
    td_word *x_words; /* the scratch: x_t expanded, then h_{t-1} */
    td_word *h_words;
    const td_word *h_end;
} td_lstm_packed_run;

/** sat16(sat16(requant(input sum)) + sat16(requant(recurrent sum))): a gate's pre-activation. */
TD_INLINE int32_t td_lstm_pre_activation_fast(int32_t input_sum, int32_t recurrent_sum, const td_lstm_fast_requant *input_fc,
                                              const td_lstm_fast_requant *recurrent_fc, int shifted)
{
    return td_ssat16(td_ssat16(td_lstm_requant_form(input_sum, input_fc, shifted)) +
                     td_ssat16(td_lstm_requant_form(recurrent_sum, recurrent_fc, shifted)));
}

/**
 * The plan; 2 when every requantization takes the fast form with a right shift >= 1, 1 when
 * every one takes the fast form, 0 otherwise.
 */
TD_INLINE int td_lstm_packed_plan_of(const td_lstm_params_s8 *params, const int32_t *packed_bias, td_lstm_packed_plan *plan)
{
    const td_lstm_dims *dims = &params->dims;
    const td_lstm_gate_s8 *const gates[4] = {&params->forget_gate, &params->input_gate, &params->cell_gate,
                                             &params->output_gate};
    /* |sum_k W x| <= terms * 128 * 128 for int8 (or zero-padded) values and weights */
    const int64_t input_terms = (int64_t)dims->input_size * 128 * 128;
    const int64_t recurrent_terms = (int64_t)dims->state_size * 128 * 128;
    int fast = 1, shifted;
    int32_t gate, unit;
    for (gate = 0; gate < 4; ++gate) {
        int64_t input_bias = 0, recurrent_bias = 0;
        for (unit = 0; unit < dims->state_size; ++unit) {
            const int64_t a = packed_bias[unit * 8 + gate], b = packed_bias[unit * 8 + 4 + gate];
            input_bias = a < 0 ? (-a > input_bias ? -a : input_bias) : (a > input_bias ? a : input_bias);
            recurrent_bias = b < 0 ? (-b > recurrent_bias ? -b : recurrent_bias) : (b > recurrent_bias ? b : recurrent_bias);
        }
        fast = td_lstm_fast_requant_of(&gates[gate]->input_fc, input_bias + input_terms, &plan->input_fc[gate]) && fast;
        fast = td_lstm_fast_requant_of(&gates[gate]->recurrent_fc, recurrent_bias + recurrent_terms,
                                       &plan->recurrent_fc[gate]) &&
               fast;
    }
    /* the inter-gate products: |a * b| <= 32767 * 32768 < 2^30 (a sigmoid is in [0, 32767]) */
    fast = td_lstm_fast_requant_of(&params->forget_cell_mul, 0, &plan->forget_cell_mul) && fast;
    fast = td_lstm_fast_requant_of(&params->input_cell_mul, 0, &plan->input_cell_mul) && fast;
    fast = td_lstm_fast_requant_of(&params->output_hidden_mul, 0, &plan->output_hidden_mul) && fast;
    plan->cell_tanh = td_lstm_cell_tanh_scaling(params->cell_state_scale_power);
    plan->clip_low = params->cell_clip_enabled ? -params->quantized_cell_clip : -32768;
    plan->clip_high = params->cell_clip_enabled ? params->quantized_cell_clip : 32767;
    plan->hidden_offset = params->hidden_offset;
    plan->tanh_cell = params->cell_gate_activation == TD_LSTM_TANH;
    if (!fast) {
        return 0;
    }
    shifted = plan->forget_cell_mul.right_shift > 0 && plan->input_cell_mul.right_shift > 0 &&
              plan->output_hidden_mul.right_shift > 0;
    for (gate = 0; gate < 4; ++gate) {
        shifted = shifted && plan->input_fc[gate].right_shift > 0 && plan->recurrent_fc[gate].right_shift > 0;
    }
    return shifted ? 2 : 1;
}

/**
 * Every step of every batch row, every requantization in the fast form (`shifted`, a constant:
 * every right shift >= 1), unit by unit: h (in place), c and y from the expanded x_t and h_{t-1};
 * 0 (nothing run) when the model's requantizations do not all take that form. The plan is built
 * here, in a local whose address no call sees: the compiler keeps its fields where they are
 * instead of reloading them after every int8 store, and the stack holds one plan.
 */
TD_INLINE int td_lstm_packed_steps_fast(const td_lstm_params_s8 *params, const td_lstm_packed_run *run, int shifted)
{
    td_lstm_packed_plan local;
    const td_lstm_packed_plan *const plan = &local;
    const td_lstm_dims *dims = run->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const td_word *const x_words = run->x_words;
    const td_word *const x_end = run->h_words;
    const td_word *const h_end = run->h_end;
    int32_t sequence, t, row, unit;
    if (td_lstm_packed_plan_of(params, run->bias, &local) != (shifted ? 2 : 1)) {
        return 0;
    }
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                int8_t *const hidden = run->hidden_state + state_row;
                int16_t *const cell = run->cell_state + state_row;
                int8_t *const y = run->output + (position * rows + row) * state_size;
                const td_word *weights = run->weights;
                const int32_t *bias = run->bias;
                td_rnn_packed_expand(run->input + (position * rows + row) * input_size, input_size, run->x_words);
                td_rnn_packed_expand(hidden, state_size, run->h_words);
                for (unit = 0; unit < state_size; ++unit) {
                    int32_t xf, xi, xc, xo, hf, hi, hc, ho;
                    int32_t forget, input_gate, cell_gate, output_gate, updated, hidden_value;
                    TD_LSTM_PACKED_DOT(x_words, x_end, weights, bias, xf, xi, xc, xo);
                    TD_LSTM_PACKED_DOT(x_end, h_end, weights, bias, hf, hi, hc, ho);
                    forget = td_lstm_sigmoid_gate(
                        td_lstm_pre_activation_fast(xf, hf, &plan->input_fc[0], &plan->recurrent_fc[0], shifted));
                    input_gate = td_lstm_sigmoid_gate(
                        td_lstm_pre_activation_fast(xi, hi, &plan->input_fc[1], &plan->recurrent_fc[1], shifted));
                    cell_gate = td_lstm_pre_activation_fast(xc, hc, &plan->input_fc[2], &plan->recurrent_fc[2], shifted);
                    cell_gate = plan->tanh_cell ? td_lstm_tanh_fast(cell_gate * 3) : td_lstm_sigmoid_gate(cell_gate);
                    output_gate = td_lstm_sigmoid_gate(
                        td_lstm_pre_activation_fast(xo, ho, &plan->input_fc[3], &plan->recurrent_fc[3], shifted));
                    /* |gate * cell| < 2^30: the sigmoids are in [0, 32767] */
                    updated = td_ssat16(td_ssat16(td_lstm_requant_form(forget * cell[unit], &plan->forget_cell_mul, shifted)) +
                                        td_ssat16(td_lstm_requant_form(input_gate * cell_gate, &plan->input_cell_mul, shifted)));
                    updated = td_clamp_i32(updated, plan->clip_low, plan->clip_high);
                    cell[unit] = (int16_t)updated;
                    hidden_value = td_ssat8(
                        plan->hidden_offset +
                        td_lstm_requant_form(td_lstm_tanh_fast(td_int16_rescale(updated, &plan->cell_tanh)) * output_gate,
                                             &plan->output_hidden_mul, shifted));
                    hidden[unit] = (int8_t)hidden_value;
                    y[unit] = (int8_t)hidden_value;
                }
            }
        }
    }
    return 1;
}

TD_NOINLINE static int td_lstm_packed_steps_shifted(const td_lstm_params_s8 *params, const td_lstm_packed_run *run)
{
    return td_lstm_packed_steps_fast(params, run, 1);
}

TD_NOINLINE static int td_lstm_packed_steps_masked(const td_lstm_params_s8 *params, const td_lstm_packed_run *run)
{
    return td_lstm_packed_steps_fast(params, run, 0);
}

/**
 * One step of one batch row in the reference arithmetic (a model some of whose
 * requantizations do not take the fast form), on the same dot products.
 */
TD_NOINLINE static void td_lstm_packed_row_exact(const td_lstm_params_s8 *params,
                                                 const td_word *x_words,
                                                 const td_word *x_end,
                                                 const td_word *h_end,
                                                 const td_word *weights,
                                                 const int32_t *bias,
                                                 int8_t *hidden,
                                                 int16_t *cell,
                                                 int8_t *y)
{
    const td_lstm_gate_s8 *const gates[4] = {&params->forget_gate, &params->input_gate, &params->cell_gate,
                                             &params->output_gate};
    const td_int16_scaling cell_tanh = td_lstm_cell_tanh_scaling(params->cell_state_scale_power);
    int32_t unit, gate;
    for (unit = 0; unit < params->dims.state_size; ++unit) {
        td_lstm_packed_sums sums;
        int32_t activated[4], kept, added, updated;
        TD_LSTM_PACKED_DOT(x_words, x_end, weights, bias, sums.input[0], sums.input[1], sums.input[2], sums.input[3]);
        TD_LSTM_PACKED_DOT(x_end, h_end, weights, bias, sums.recurrent[0], sums.recurrent[1], sums.recurrent[2],
                           sums.recurrent[3]);
        for (gate = 0; gate < 4; ++gate) {
            const td_lstm_gate_s8 *g = gates[gate];
            const int32_t from_input = td_ssat16(
                td_multiply_by_quantized_multiplier(sums.input[gate], g->input_fc.multiplier, g->input_fc.shift));
            const int32_t from_hidden = td_ssat16(td_multiply_by_quantized_multiplier(
                sums.recurrent[gate], g->recurrent_fc.multiplier, g->recurrent_fc.shift));
            const int32_t pre_activation = td_ssat16(from_input + from_hidden);
            activated[gate] = gate == 2 && params->cell_gate_activation == TD_LSTM_TANH
                                  ? td_lstm_gate_tanh(pre_activation)
                                  : td_lstm_gate_sigmoid(pre_activation);
        }
        kept = td_lstm_mul_exact(activated[0], cell[unit], &params->forget_cell_mul, 0, -32768, 32767);
        added = td_lstm_mul_exact(activated[1], activated[2], &params->input_cell_mul, 0, -32768, 32767);
        updated = td_ssat16(kept + added);
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
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    td_lstm_packed_run run;
    int32_t sequence, t, row;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_lstm_s8_packed_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    run.dims = dims;
    run.weights = (const td_word *)(const void *)packed_weights;
    run.bias = packed_bias;
    run.input = input;
    run.hidden_state = hidden_state;
    run.cell_state = cell_state;
    run.output = output;
    run.x_words = (td_word *)ctx->buf;
    run.h_words = run.x_words + td_lstm_round4(input_size) / 2;
    run.h_end = run.h_words + td_lstm_round4(state_size) / 2;
    if (td_lstm_packed_steps_shifted(params, &run) || td_lstm_packed_steps_masked(params, &run)) {
        return TD_OK;
    }
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                td_rnn_packed_expand(input + (position * rows + row) * input_size, input_size, run.x_words);
                td_rnn_packed_expand(hidden_state + state_row, state_size, run.h_words);
                td_lstm_packed_row_exact(params, run.x_words, run.h_words, run.h_end, run.weights, packed_bias,
                                         hidden_state + state_row, cell_state + state_row,
                                         output + (position * rows + row) * state_size);
            }
        }
    }
    return TD_OK;
}

#endif /* TD_KERNELS_DSP */
