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
 * sigmoid and tanh interpolate from the LSTM's signed tables (td_rnn_dsp.h). With every right
 * shift >= 1 both passes are assembly over the places below state_size & ~3
 * (td_gru_reset_first_units, td_gru_reset_first_quads; the second only with a sequence output and
 * the output offset foldable into its rounding): the dot products unrolled eight groups deep
 * (td_gru_dsp.h; the input part's six weight words one LDM), each requantization one LDM.
 *
 * Scratch: round4(I) + 4 * round4(S) int16 values (x_t, h_{t-1} and r * h_{t-1} widened, then z
 * and the new gate's input part by place, in pairs).
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

#if TD_DSP_ASM
/**
 * What td_gru_reset_first_units (assembly) reads: the first pass of a row's step over the places
 * below state_size & ~3. The first four words are loaded at each place's start with one LDM, the
 * pairs read together are adjacent.
 */
typedef struct {
    const td_word *x_words;  /* 0: x_t expanded */
    const td_word *x_end;    /* 4: its end, h_{t-1} expanded from here */
    const td_word *weights;  /* 8: the packed weights, advanced place by place */
    const int32_t *bias;     /* 12: the packed bias, likewise */
    const td_word *h_end;    /* 16: h_{t-1}'s end (r * h_{t-1} from here) */
    const int16_t *h_values; /* 20: h_{t-1} widened, by place, advanced */
    int16_t *update;         /* 24: z and n's input part by place, in pairs, advanced */
    const td_lstm_fast_requant *input_fc; /* 28: the plan (input_fc[3], recurrent_fc[3], ...) */
    int32_t offset;          /* 32: from h_values + 1 to r * h, in bytes: 2 * round4(S) - 2 */
    const int32_t *sigmoid;  /* 36: &td_lstm_sigmoid_base[192] */
    const int16_t *update_end; /* 40: update + the places */
    const uint16_t *delta;   /* 44: &td_lstm_table_delta[256] */
    int32_t pad;             /* 48 */
    const td_lstm_fast_requant *recurrent_fc; /* 52 */
} td_gru_reset_first_frame;

/*
 * The first pass of td_gru_reset_first_steps (mode 2) by hand, the arithmetic of
 * td_gru_reset_first_gates: the input part's three sums (TD_GRU_ASM_DOT), the reset and update
 * gates' recurrent sums (TD_GRU_ASM_DOT2), r and z from the signed tables, r * h_{t-1}.
 */
void td_gru_reset_first_units(const td_gru_reset_first_frame *frame);
__asm__(".syntax unified\n\t"
        ".thumb\n\t"
        ".section .text.td_gru_reset_first_units,\"ax\",%progbits\n\t"
        ".align 2\n\t"
        ".global td_gru_reset_first_units\n\t"
        ".hidden td_gru_reset_first_units\n\t"
        ".type td_gru_reset_first_units, %function\n\t"
        ".thumb_func\n"
        "td_gru_reset_first_units:\n\t"
        "push    {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
        "sub     sp, sp, #60\n\t"
        "ldmia   r0!, {r1, r2, r3, r4, r5, r6, r7, r8}\n\t"
        "stmia   sp, {r1, r2, r3, r4, r5, r6, r7, r8}\n\t"
        "ldmia   r0, {r1, r2, r3, r4, r5, r6}\n\t"
        "add     r12, sp, #32\n\t"
        "stmia   r12, {r1, r2, r3, r4, r5, r6}\n"
        "1:\n\t"
        /* the input part: r0 x, r1 its end, r2 weights, r3 bias; sums r4-r6 */
        "ldmia   sp, {r0, r1, r2, r3}\n\t"
        TD_GRU_ASM_DOT("20", "21")
        "ldr     r1, [sp, #28]\n\t"
        TD_GRU_ASM_REQUANT("r4", "16")
        TD_GRU_ASM_REQUANT("r5", "16")
        TD_GRU_ASM_REQUANT("r6", "16")
        "ldr     r7, [sp, #24]\n\t"
        "strh    r6, [r7, #2]\n\t" /* n's input part, beside z */
        "mov     r6, r4\n\t" /* reset, update: input parts (TD_GRU_ASM_DOT2 leaves r6, r7) */
        "mov     r7, r5\n\t"
        /* the reset and update gates' recurrent part: r0 continues into h_{t-1} */
        "ldr     r1, [sp, #16]\n\t"
        TD_GRU_ASM_DOT2("30", "31")
        "str     r2, [sp, #8]\n\t"
        "ldr     r1, [sp, #52]\n\t"
        TD_GRU_ASM_REQUANT("r4", "16")
        TD_GRU_ASM_REQUANT("r5", "16")
        "add     r4, r4, r6\n\t"
        "add     r6, r5, r7\n\t"
        "ldr     r2, [sp, #36]\n\t"
        "ldr     r11, [sp, #44]\n\t"
        "ssat    r5, #16, r4\n\t"
        TD_GRU_ASM_SIGMOID("r8") /* reset gate */
        "ssat    r5, #16, r6\n\t"
        TD_GRU_ASM_SIGMOID("r10") /* update gate */
        "ldrd    r3, r0, [sp, #20]\n\t"
        "strh    r10, [r0], #4\n\t"
        /* r * h_{t-1}: rdpot15, an int16 */
        "ldr     r1, [sp, #32]\n\t"
        "ldrsh   r4, [r3], #2\n\t"
        "mul     r4, r8, r4\n\t"
        "add     r5, r4, #16384\n\t"
        "add     r5, r5, r4, asr #31\n\t"
        "asr     r5, r5, #15\n\t"
        "strh    r5, [r3, r1]\n\t"
        "strd    r3, r0, [sp, #20]\n\t"
        "ldr     r1, [sp, #40]\n\t"
        "cmp     r0, r1\n\t"
        "bne     1b\n\t"
        "add     sp, sp, #60\n\t"
        "pop     {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t"
        ".size td_gru_reset_first_units, .-td_gru_reset_first_units\n\t"
        ".text");
/**
 * What td_gru_reset_first_quads (assembly) reads: the second pass of a row's step over the units
 * below state_size & ~3, four at a time.
 */
typedef struct {
    const td_word *rh_words; /* 0: r * h_{t-1} widened */
    const td_word *rh_end;   /* 4 */
    const td_word *weights;  /* 8: the new gate's recurrent rows, advanced four units at a time */
    int32_t pad;             /* 12 */
    int16_t *h_values;       /* 16: h widened, by place, advanced */
    const int16_t *update;   /* 20: z and n's input part by place, in pairs, advanced */
    int16_t *hidden;         /* 24: h by unit, advanced */
    int8_t *y;               /* 28: the step's outputs by unit, advanced */
    const int32_t *requants; /* 32: &params[0] */
    const int32_t *tanh;     /* 36: &td_lstm_tanh_base[256] */
    const uint16_t *delta;   /* 40: &td_lstm_table_delta[256] */
    const int16_t *h_end;    /* 44: h_values + the units */
    int32_t sums[4];         /* 48 */
    /* not copied: the new gate's recurrent requantization (multiplier, right shift, rounding), the
     * output's with the output offset folded into its rounding */
    int32_t params[6];
} td_gru_reset_first_quad_frame;

/*
 * One unit's new state (td_gru_reset_first_update) from its sum at [sp, sum]: h widened at
 * r0 + place (bytes), z and n's input part at r1 + pair, h at r2 + unit, y at r3 + out; the two
 * requantizations' six words at r8 (one LDM), tanh bases r11, deltas lr; r4-r7, r9, r10, r12
 * scratch.
 */
#define TD_GRU_ASM_QUAD_UNIT(sum, place, pair, unit, out)                                                   \
    "ldmia   r8, {r5, r6, r7, r9, r10, r12}\n\t"                                                           \
    "ldr     r4, [sp, #" sum "]\n\t"                                                                       \
    "add     r7, r7, r4, asr #31\n\t"                                                                      \
    "lsl     r4, r4, #1\n\t"                                                                               \
    "smmlar  r4, r4, r5, r7\n\t"                                                                           \
    "asr     r4, r4, r6\n\t"                                                                               \
    "ssat    r4, #16, r4\n\t"                                                                              \
    "ldrsh   r5, [r1, #" pair " + 2]\n\t"                                                                  \
    "add     r4, r5, r4\n\t"                                                                               \
    "ssat    r4, #16, r4\n\t"                                                                              \
    "add     r4, r4, r4, lsl #1\n\t"                                                                       \
    "ssat    r4, #17, r4\n\t"                                                                              \
    "asr     r6, r4, #8\n\t"                                                                               \
    "ldr     r5, [r11, r6, lsl #2]\n\t"                                                                    \
    "ldrh    r7, [lr, r6, lsl #1]\n\t"                                                                     \
    "uxtb    r4, r4\n\t"                                                                                   \
    "mla     r5, r4, r7, r5\n\t"                                                                           \
    "asr     r5, r5, #8\n\t" /* n */                                                                       \
    "ldrsh   r4, [r0, #" place "]\n\t"                                                                     \
    "ldrsh   r6, [r1, #" pair "]\n\t"                                                                      \
    "sub     r4, r4, r5\n\t"                                                                               \
    "mul     r4, r6, r4\n\t"                                                                               \
    "add     r6, r4, #16384\n\t"                                                                           \
    "add     r6, r6, r4, asr #31\n\t"                                                                      \
    "add     r6, r5, r6, asr #15\n\t"                                                                      \
    "ssat    r6, #16, r6\n\t"                                                                              \
    "strh    r6, [r2, #" unit "]\n\t"                                                                      \
    "strh    r6, [r0, #" place "]\n\t"                                                                     \
    "add     r12, r12, r6, asr #31\n\t"                                                                    \
    "lsl     r6, r6, #1\n\t"                                                                               \
    "smmlar  r6, r6, r9, r12\n\t"                                                                          \
    "asr     r6, r6, r10\n\t"                                                                              \
    "ssat    r6, #8, r6\n\t"                                                                               \
    "strb    r6, [r3, #" out "]\n\t"

/*
 * The second pass of td_gru_reset_first_steps (mode 2, a sequence output) by hand: per four units
 * the new gate's recurrent sums over r * h_{t-1} (TD_GRU_ASM_DOT4), then each unit's new state
 * as td_gru_reset_first_update computes it.
 */
void td_gru_reset_first_quads(const td_gru_reset_first_quad_frame *frame);
__asm__(".syntax unified\n\t"
        ".thumb\n\t"
        ".section .text.td_gru_reset_first_quads,\"ax\",%progbits\n\t"
        ".align 2\n\t"
        ".global td_gru_reset_first_quads\n\t"
        ".hidden td_gru_reset_first_quads\n\t"
        ".type td_gru_reset_first_quads, %function\n\t"
        ".thumb_func\n"
        "td_gru_reset_first_quads:\n\t"
        "push    {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
        "sub     sp, sp, #68\n\t"
        "ldmia   r0!, {r1, r2, r3, r4, r5, r6, r7, r8}\n\t"
        "stmia   sp, {r1, r2, r3, r4, r5, r6, r7, r8}\n\t"
        "ldmia   r0, {r1, r2, r3, r4}\n\t"
        "add     r12, sp, #32\n\t"
        "stmia   r12, {r1, r2, r3, r4}\n"
        "1:\n\t"
        "ldmia   sp, {r0, r1, r2}\n\t"
        TD_GRU_ASM_DOT4("40", "41")
        "str     r2, [sp, #8]\n\t"
        "add     r8, sp, #48\n\t"
        "stmia   r8, {r4, r5, r6, r7}\n\t"
        "add     r12, sp, #16\n\t"
        "ldmia   r12, {r0, r1, r2, r3, r8, r11, lr}\n\t"
        /* unit quad + 1 is at place quad + 2 and the other way round */
        TD_GRU_ASM_QUAD_UNIT("48", "0", "0", "0", "0")
        TD_GRU_ASM_QUAD_UNIT("52", "4", "8", "2", "1")
        TD_GRU_ASM_QUAD_UNIT("56", "2", "4", "4", "2")
        TD_GRU_ASM_QUAD_UNIT("60", "6", "12", "6", "3")
        "adds    r0, r0, #8\n\t"
        "adds    r1, r1, #16\n\t"
        "adds    r2, r2, #8\n\t"
        "adds    r3, r3, #4\n\t"
        "add     r12, sp, #16\n\t"
        "stmia   r12, {r0, r1, r2, r3}\n\t"
        "ldr     r4, [sp, #44]\n\t"
        "cmp     r0, r4\n\t"
        "bne     1b\n\t"
        "add     sp, sp, #68\n\t"
        "pop     {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t"
        ".size td_gru_reset_first_quads, .-td_gru_reset_first_quads\n\t"
        ".text");
#endif

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
    pass.update[2 * place] = (int16_t)update;
    pass.fresh[2 * place] = (int16_t)td_ssat16(td_gru_reset_first_requant(xn, &plan->input_fc[2], &params->new_gate.input_fc, mode));
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
    const int32_t fresh = td_lstm_tanh_signed(3 * td_ssat16(row.fresh[2 * place] + hn));
    const int32_t updated = td_ssat16(fresh + td_gru_rdpot15(row.update[2 * place] * (row.h_values[place] - fresh)));
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
#if TD_DSP_ASM
    int64_t folded_rounding;
    int folded;
    /*
     * (v + rounding + sign) >> r, plus the output offset, is (v + rounding + sign + offset * 2^r) >> r,
     * v = SMMULR(2 * h, m), |v| <= m / 2 + 1, when that sum stays an int32 (td_lstm_s8_packed.c)
     */
    folded_rounding = (int64_t)plan->output_mul.rounding + (int64_t)plan->output_offset * ((int64_t)1 << plan->output_mul.right_shift);
    folded = folded_rounding + (int64_t)plan->output_mul.multiplier / 2 + 2 < ((int64_t)1 << 31) &&
             folded_rounding - (int64_t)plan->output_mul.multiplier / 2 - 2 >= -((int64_t)1 << 31);
#endif
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
                place = 0;
#if TD_DSP_ASM
                if (mode == 2 && whole > 0) {
                    td_gru_reset_first_frame frame;
                    frame.x_words = first.x_words;
                    frame.x_end = first.h_words;
                    frame.weights = weights;
                    frame.bias = bias;
                    frame.h_end = first.rh_words;
                    frame.h_values = first.h_values;
                    frame.input_fc = &plan->input_fc[0];
                    frame.recurrent_fc = &plan->recurrent_fc[0];
                    frame.update = first.update;
                    frame.offset = (state_depth - 1) * (int32_t)sizeof(int16_t);
                    frame.sigmoid = &td_lstm_sigmoid_base[192];
                    frame.update_end = first.update + 2 * whole;
                    frame.delta = &td_lstm_table_delta[256];
                    td_gru_reset_first_units(&frame);
                    /* per place the input part's six words per group of four inputs, the recurrent part's four */
                    weights += whole * (td_lstm_round4(input_size) / 4 * 6 + state_depth);
                    bias += 3 * whole;
                    place = whole;
                }
#endif
                for (; place < whole; ++place) {
                    td_gru_reset_first_gates(params, plan, first, &weights, &bias, place, mode);
                }
                for (; place < state_depth; ++place) {
                    if (td_gru_reset_first_unit_at(place) < state_size) {
                        td_gru_reset_first_gates(params, plan, first, &weights, &bias, place, mode);
                    }
                }
                /* weights: the new gate's recurrent rows, four units at a time */
                quad = 0;
#if TD_DSP_ASM
                if (mode == 2 && return_sequences && whole > 0 && folded) {
                    td_gru_reset_first_quad_frame frame;
                    frame.rh_words = run->rh_words;
                    frame.rh_end = rh_end;
                    frame.weights = weights;
                    frame.h_values = second.h_values;
                    frame.update = second.update;
                    frame.hidden = hidden;
                    frame.y = second.y;
                    frame.requants = frame.params;
                    frame.params[0] = plan->recurrent_fc[2].multiplier;
                    frame.params[1] = plan->recurrent_fc[2].right_shift;
                    frame.params[2] = plan->recurrent_fc[2].rounding;
                    frame.params[3] = plan->output_mul.multiplier;
                    frame.params[4] = plan->output_mul.right_shift;
                    frame.params[5] = (int32_t)folded_rounding;
                    frame.tanh = &td_lstm_tanh_base[256];
                    frame.delta = &td_lstm_table_delta[256];
                    frame.h_end = second.h_values + whole;
                    td_gru_reset_first_quads(&frame);
                    /* per four units eight words per group of four values of r * h_{t-1} */
                    weights += whole / 4 * 2 * state_depth;
                    quad = whole;
                }
#endif
                for (; quad < whole; quad += 4) {
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
    run.fresh = run.update + 1; /* z and n's input part in pairs, by place */
    /* the places without a unit: their weights are zeros, their values so too */
    memset(run.rh_words, 0, (size_t)state_depth * sizeof(int16_t));
    if (!td_gru_reset_first_steps_shifted(&run) && !td_gru_reset_first_steps_masked(&run)) {
        td_gru_reset_first_steps_exact(&run);
    }
    return TD_OK;
}

#endif /* TD_KERNELS_DSP */
