/*
 * TD_GRU, integer, linear_before_reset, over the generator's packed weights (td_kernels.h),
 * Cortex-M variant. Overrides src/gru/td_gru_s8_packed.c by name and gives the same bits (the
 * rules are td_gru_s8's).
 *
 * A step runs unit by unit: unit j's three gates and its new state before unit j + 1 (with
 * linear_before_reset nothing waits for every r). Per step x_t is widened once into the scratch
 * (no offset: the generator folded it into the packed bias) and h_{t-1} packed into int16 words,
 * both in SXTB16's lane order; the weights are int16 already, the three gates of a unit
 * interleaved, so a group of four inputs costs one LDRD of the vector, one LDM of four and one
 * LDRD of two weight words and six SMLADs for the three gates' 12 multiply-accumulates (11
 * instructions with the loop's compare and branch). The requantizations take the LSTM's fast
 * form (td_gru_requant_form) when the model's parameters allow every one, otherwise the reference
 * arithmetic runs on the same sums; the sigmoid and tanh interpolate from the LSTM's signed tables
 * (td_rnn_dsp.h). With every right shift >= 1 and a sequence output the unit loop is assembly
 * (td_gru_packed_units): a group of four inputs costs one LDRD of the vector, one LDM of the six
 * weight words and six SMLADs, eight groups unrolled (TD_GRU_ASM_DOT), and each requantization
 * one LDM of its multiplier, shift and rounding from the plan, laid out in the order a unit reads it.
 *
 * Scratch: round4(I) + round4(S) int16 values (x_t expanded, then h_{t-1}).
 */
#include "td_dsp.h"

#if !TD_KERNELS_DSP
/* A core without the DSP extension: the portable kernel as it is. */
#include "../../gru/td_gru_s8_packed.c"
#else
#include "../../lstm/td_lstm_s8_reference.h"
#include "td_rnn_dsp.h"
#include "td_gru_dsp.h"

int32_t td_gru_s8_packed_get_buffer_size(const td_gru_dims *dims)
{
    return (td_lstm_round4(dims->input_size) + td_lstm_round4(dims->state_size)) * (int32_t)sizeof(int16_t);
}

/** What a run of steps reads and writes besides the plan. */
typedef struct {
    const td_gru_params_s8 *params;
    const td_word *weights;
    const int32_t *bias;
    const int8_t *input;
    int16_t *hidden_state;
    int8_t *output;
    td_word *x_words; /* the scratch: x_t expanded, then h_{t-1} */
    td_word *h_words;
    const td_word *h_end;
} td_gru_packed_run;

#if TD_DSP_ASM
/**
 * What td_gru_packed_units (assembly) reads: a row's step, every unit of it. The first four words
 * are loaded at each unit's start with one LDM, the pairs read together are adjacent.
 */
typedef struct {
    const td_word *x_words;  /* 0: x_t expanded */
    const td_word *x_end;    /* 4: its end, h_{t-1} expanded from here */
    const td_word *weights;  /* 8: the packed weights, advanced unit by unit */
    const int32_t *bias;     /* 12: the packed bias, likewise */
    const td_word *h_end;    /* 16 */
    int16_t *hidden;         /* 20: h, updated in place */
    const td_lstm_fast_requant *input_fc; /* 24: the plan (input_fc[3], recurrent_fc[3], output_mul, output_offset) */
    int8_t *y;               /* 28 */
    const int8_t *y_end;     /* 32: y + the units */
    const int32_t *sigmoid;  /* 36: &td_lstm_sigmoid_base[192] */
    const int32_t *tanh;     /* 40: &td_lstm_tanh_base[256] */
    const uint16_t *delta;   /* 44: &td_lstm_table_delta[256] */
    int32_t fresh_input;     /* 48: the new gate's requantized input sum */
    uint32_t gates_input;    /* 52: the reset and update gates' requantized input sums, a lane each */
    const td_lstm_fast_requant *recurrent_fc; /* 56: the plan's recurrent FCs, then output_mul */
} td_gru_packed_frame;

/*
 * The unit loop of td_gru_packed_steps_fast (shifted, with a sequence output) by hand, the same
 * arithmetic as its C (TD_GRU_PACKED_DOT unrolled, td_gru_requant_form, the signed-table
 * activations, td_gru_rdpot15) without the register shuffles and reloads the compiler adds around
 * them: the frame is copied onto the stack and every unit loads what it needs with LDM / LDRD.
 */
void td_gru_packed_units(const td_gru_packed_frame *frame);
__asm__(".syntax unified\n\t"
        ".thumb\n\t"
        ".section .text.td_gru_packed_units,\"ax\",%progbits\n\t"
        ".align 2\n\t"
        ".global td_gru_packed_units\n\t"
        ".hidden td_gru_packed_units\n\t"
        ".type td_gru_packed_units, %function\n\t"
        ".thumb_func\n"
        "td_gru_packed_units:\n\t"
        "push    {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
        "sub     sp, sp, #60\n\t"
        "ldmia   r0!, {r1, r2, r3, r4, r5, r6, r7, r8}\n\t"
        "stmia   sp, {r1, r2, r3, r4, r5, r6, r7, r8}\n\t"
        "ldmia   r0, {r1, r2, r3, r4, r5, r6, r7}\n\t"
        "add     r12, sp, #32\n\t"
        "stmia   r12, {r1, r2, r3, r4, r5, r6, r7}\n"
        "1:\n\t"
        /* the input part: r0 x, r1 its end, r2 weights, r3 bias; sums r4-r6 */
        "ldmia   sp, {r0, r1, r2, r3}\n\t"
        TD_GRU_ASM_DOT("20", "21")
        "ldr     r1, [sp, #24]\n\t"
        TD_GRU_ASM_REQUANT("r4", "16")
        TD_GRU_ASM_REQUANT("r5", "16")
        TD_GRU_ASM_REQUANT("r6", "16")
        "pkhbt   r4, r4, r5, lsl #16\n\t" /* reset, update: input parts */
        "strd    r6, r4, [sp, #48]\n\t"
        /* the recurrent part: r0 continues into h_{t-1}, r3 the bias after the input part's */
        "ldrd    r3, r1, [sp, #12]\n\t"
        TD_GRU_ASM_DOT("30", "31")
        "str     r2, [sp, #8]\n\t"
        "ldr     r1, [sp, #56]\n\t"
        TD_GRU_ASM_REQUANT("r4", "16")
        TD_GRU_ASM_REQUANT("r5", "16")
        TD_GRU_ASM_REQUANT("r6", "16")
        "pkhbt   r4, r4, r5, lsl #16\n\t"
        "ldr     r7, [sp, #52]\n\t"
        "qadd16  r4, r7, r4\n\t" /* reset, update pre-activations */
        "ldrd    r2, r3, [sp, #36]\n\t"
        "ldr     r11, [sp, #44]\n\t"
        "sxth    r5, r4\n\t"
        TD_GRU_ASM_SIGMOID("r8") /* reset gate */
        "asr     r5, r4, #16\n\t"
        TD_GRU_ASM_SIGMOID("r10") /* update gate */
        /* n = tanh(3 sat16(x_n + sat16(rdpot15(r * h_n)))) */
        "mul     r4, r8, r6\n\t"
        "add     r5, r4, #16384\n\t"
        "add     r5, r5, r4, asr #31\n\t"
        "ssat    r5, #16, r5, asr #15\n\t"
        "ldr     r4, [sp, #48]\n\t"
        "add     r5, r4, r5\n\t"
        "ssat    r5, #16, r5\n\t"
        "add     r5, r5, r5, lsl #1\n\t"
        TD_GRU_ASM_TANH("r8")
        /* h = sat16(n + rdpot15(z * (h - n))) */
        "ldr     r0, [sp, #20]\n\t"
        "ldrsh   r4, [r0]\n\t"
        "sub     r4, r4, r8\n\t"
        "mul     r4, r10, r4\n\t"
        "add     r5, r4, #16384\n\t"
        "add     r5, r5, r4, asr #31\n\t"
        "add     r5, r8, r5, asr #15\n\t"
        "ssat    r5, #16, r5\n\t"
        "strh    r5, [r0], #2\n\t"
        "str     r0, [sp, #20]\n\t"
        /* y = sat8(y_zp + requant(h)) */
        "ldmia   r1, {r8, r9, r10, r11}\n\t"
        "add     r10, r10, r5, asr #31\n\t"
        "lsl     r5, r5, #1\n\t"
        "smmlar  r5, r5, r8, r10\n\t"
        "asr     r5, r5, r9\n\t"
        "add     r5, r5, r11\n\t"
        "ssat    r5, #8, r5\n\t"
        "ldrd    r0, r2, [sp, #28]\n\t"
        "strb    r5, [r0], #1\n\t"
        "str     r0, [sp, #28]\n\t"
        "cmp     r0, r2\n\t"
        "bne     1b\n\t"
        "add     sp, sp, #60\n\t"
        "pop     {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t"
        ".size td_gru_packed_units, .-td_gru_packed_units\n\t"
        ".text");
#endif

/** The plan (td_gru_packed_plan_from) from the packed bias: per unit three input, then three recurrent biases. */
TD_INLINE int td_gru_packed_plan_of(const td_gru_params_s8 *params, const int32_t *packed_bias, td_gru_packed_plan *plan)
{
    const int32_t state_size = params->dims.state_size;
    int64_t input_bias[3], recurrent_bias[3];
    int32_t gate;
    for (gate = 0; gate < 3; ++gate) {
        input_bias[gate] = td_gru_packed_bias_bound(packed_bias, state_size, 6, gate);
        recurrent_bias[gate] = td_gru_packed_bias_bound(packed_bias, state_size, 6, 3 + gate);
    }
    return td_gru_packed_plan_from(params, input_bias, recurrent_bias, plan);
}

/**
 * Every step of every batch row, every requantization in the fast form (`shifted`, a constant:
 * every right shift >= 1); 0 (nothing run) when the model's requantizations do not all take
 * that form. The plan is built in a local whose address no call sees (see td_lstm_s8_packed.c).
 */
TD_INLINE int td_gru_packed_steps_fast(const td_gru_packed_run *run, int shifted)
{
    td_gru_packed_plan local;
    const td_gru_packed_plan *const plan = &local;
    const td_gru_dims *dims = &run->params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    const td_word *const x_words = run->x_words;
    const td_word *const x_end = run->h_words;
    const td_word *const h_end = run->h_end;
    int32_t sequence, k, row, unit;
    if (td_gru_packed_plan_of(run->params, run->bias, &local) != (shifted ? 2 : 1)) {
        return 0;
    }
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (k = 0; k < dims->time_steps; ++k) {
            const int32_t t = dims->reverse ? dims->time_steps - 1 - k : k;
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                int16_t *const hidden = run->hidden_state + state_row;
                int8_t *const y = run->output + (position * rows + row) * state_size;
                const td_word *weights = run->weights;
                const int32_t *bias = run->bias;
                td_rnn_packed_expand(run->input + (position * rows + row) * input_size, input_size, run->x_words);
                td_gru_packed_expand_s16(hidden, state_size, run->h_words);
#if TD_DSP_ASM
                if (shifted && dims->return_sequences) {
                    td_gru_packed_frame frame;
                    frame.x_words = x_words;
                    frame.x_end = x_end;
                    frame.weights = weights;
                    frame.bias = bias;
                    frame.h_end = h_end;
                    frame.hidden = hidden;
                    frame.input_fc = &plan->input_fc[0];
                    frame.recurrent_fc = &plan->recurrent_fc[0];
                    frame.y = y;
                    frame.y_end = y + state_size;
                    frame.sigmoid = &td_lstm_sigmoid_base[192];
                    frame.tanh = &td_lstm_tanh_base[256];
                    frame.delta = &td_lstm_table_delta[256];
                    td_gru_packed_units(&frame);
                    continue;
                }
#endif
                for (unit = 0; unit < state_size; ++unit) {
                    int32_t xr, xz, xn, hr, hz, hn;
                    int32_t reset, update, fresh, old, updated;
                    TD_GRU_PACKED_DOT(x_words, x_end, weights, bias, xr, xz, xn);
                    TD_GRU_PACKED_DOT(x_end, h_end, weights, bias, hr, hz, hn);
                    reset = td_lstm_sigmoid_signed(3 * td_ssat16(td_ssat16(td_gru_requant_form(xr, &plan->input_fc[0], shifted)) +
                                                                 td_ssat16(td_gru_requant_form(hr, &plan->recurrent_fc[0], shifted))));
                    update = td_lstm_sigmoid_signed(3 * td_ssat16(td_ssat16(td_gru_requant_form(xz, &plan->input_fc[1], shifted)) +
                                                                  td_ssat16(td_gru_requant_form(hz, &plan->recurrent_fc[1], shifted))));
                    /* |r * sat16(...)| < 2^30: r is in [0, 32767] */
                    fresh = td_ssat16(td_gru_rdpot15(reset * td_ssat16(td_gru_requant_form(hn, &plan->recurrent_fc[2], shifted))));
                    fresh = td_lstm_tanh_signed(
                        3 * td_ssat16(td_ssat16(td_gru_requant_form(xn, &plan->input_fc[2], shifted)) + fresh));
                    old = hidden[unit]; /* still h_{t-1}: only the units before this one are updated */
                    updated = td_ssat16(fresh + td_gru_rdpot15(update * (old - fresh)));
                    hidden[unit] = (int16_t)updated;
                    if (dims->return_sequences) {
                        y[unit] = (int8_t)td_ssat8(plan->output_offset +
                                                   td_gru_requant_form(updated, &plan->output_mul, shifted));
                    }
                }
            }
        }
    }
    if (!dims->return_sequences) {
        int32_t i;
        for (i = 0; i < dims->batch_size * state_size; ++i) {
            run->output[i] = (int8_t)td_ssat8(plan->output_offset +
                                              td_gru_requant_form(run->hidden_state[i], &plan->output_mul, shifted));
        }
    }
    return 1;
}

TD_NOINLINE static int td_gru_packed_steps_shifted(const td_gru_packed_run *run) { return td_gru_packed_steps_fast(run, 1); }

TD_NOINLINE static int td_gru_packed_steps_masked(const td_gru_packed_run *run) { return td_gru_packed_steps_fast(run, 0); }

/** y = sat8(y_zp + requant(h)), the reference way. */
static int32_t td_gru_packed_output_exact(const td_gru_params_s8 *params, int32_t h)
{
    return td_clamp_i32(params->output_offset +
                            td_multiply_by_quantized_multiplier(h, params->output_mul.multiplier, params->output_mul.shift),
                        -128, 127);
}

/** Every step in the reference arithmetic (parameters some fast form does not hold for), on the same sums. */
TD_NOINLINE static void td_gru_packed_steps_exact(const td_gru_packed_run *run)
{
    const td_gru_params_s8 *params = run->params;
    const td_gru_dims *dims = &params->dims;
    const td_gru_gate_s8 *const gates[3] = {&params->reset_gate, &params->update_gate, &params->new_gate};
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    int32_t sequence, k, row, unit, gate;
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (k = 0; k < dims->time_steps; ++k) {
            const int32_t t = dims->reverse ? dims->time_steps - 1 - k : k;
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                int16_t *const hidden = run->hidden_state + state_row;
                const td_word *weights = run->weights;
                const int32_t *bias = run->bias;
                td_rnn_packed_expand(run->input + (position * rows + row) * input_size, input_size, run->x_words);
                td_gru_packed_expand_s16(hidden, state_size, run->h_words);
                for (unit = 0; unit < state_size; ++unit) {
                    int32_t sums[6], pre[6];
                    int32_t reset, update, fresh, old;
                    TD_GRU_PACKED_DOT(run->x_words, run->h_words, weights, bias, sums[0], sums[1], sums[2]);
                    TD_GRU_PACKED_DOT(run->h_words, run->h_end, weights, bias, sums[3], sums[4], sums[5]);
                    for (gate = 0; gate < 3; ++gate) {
                        pre[gate] = td_ssat16(td_multiply_by_quantized_multiplier(sums[gate], gates[gate]->input_fc.multiplier,
                                                                                  gates[gate]->input_fc.shift));
                        pre[3 + gate] = td_ssat16(td_multiply_by_quantized_multiplier(
                            sums[3 + gate], gates[gate]->recurrent_fc.multiplier, gates[gate]->recurrent_fc.shift));
                    }
                    reset = td_lstm_gate_sigmoid(td_ssat16(pre[0] + pre[3]));
                    update = td_lstm_gate_sigmoid(td_ssat16(pre[1] + pre[4]));
                    fresh = td_ssat16(td_rounding_divide_by_pot(reset * pre[5], 15));
                    fresh = td_lstm_gate_tanh(td_ssat16(pre[2] + fresh));
                    old = hidden[unit];
                    hidden[unit] = (int16_t)td_ssat16(fresh + td_rounding_divide_by_pot(update * (old - fresh), 15));
                    if (dims->return_sequences) {
                        run->output[(position * rows + row) * state_size + unit] =
                            (int8_t)td_gru_packed_output_exact(params, hidden[unit]);
                    }
                }
            }
        }
    }
    if (!dims->return_sequences) {
        int32_t i;
        for (i = 0; i < dims->batch_size * state_size; ++i) {
            run->output[i] = (int8_t)td_gru_packed_output_exact(params, run->hidden_state[i]);
        }
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
    td_gru_packed_run run;

    if (!dims->linear_before_reset) {
        return TD_ERROR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_gru_s8_packed_get_buffer_size(dims)) {
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
    run.h_end = run.h_words + td_lstm_round4(dims->state_size) / 2;
    if (!td_gru_packed_steps_shifted(&run) && !td_gru_packed_steps_masked(&run)) {
        td_gru_packed_steps_exact(&run);
    }
    return TD_OK;
}

#endif /* TD_KERNELS_DSP */
