/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, integer, over the generator's packed weights (td_kernels.h),
 * Cortex-M variant. Overrides src/lstm/td_lstm_s8_packed.c by name and gives the same bits
 * (TFLite Micro's lstm_eval.h, see td_lstm_s8.c).
 *
 * A step runs unit by unit (unit j's four gates, cell and hidden value before unit j + 1). Per
 * step x_t and h_{t-1} are widened once into the scratch as int16 in SXTB16's lane order (no
 * offsets: the generator folded them into the packed bias). The weights are int16 already, the
 * four gates of a unit interleaved, so a group of four inputs costs one LDRD of the vector, two
 * LDMs of four weight words and eight SMLADs for the four gates' 16 multiply-accumulates (11
 * instructions, 0.69 per MAC, and the loop's compare and branch once per four groups in the
 * assembly; td_lstm_s8's int8 rows take 23).
 *
 * The gate arithmetic is the interpreter's, in fewer instructions where that is provably the
 * same: the requantizations in SMMLAR's form (td_lstm_fast_requant, td_rnn_dsp.h) with the sign
 * term of an ADD's shifted operand, their parameters one LDM each in the order a unit reads them;
 * the two gates' pre-activations of a word saturated with one QADD16; the int16 sigmoid and tanh
 * from signed tables (td_lstm_sigmoid_signed, td_lstm_tanh_signed: no absolute value, two loads);
 * the hidden offset folded into the last requantization's rounding. The unit loop is assembly,
 * its two dot products unrolled four groups deep (Duff's device): td_lstm_packed_units when every
 * right shift is at least 1 (plan 2), td_lstm_packed_units_masked when one is 0 (plan 1: the sign
 * term masked per requantization by a flag in its right shift word, one instruction more each);
 * plan 1 runs the same arithmetic in C where the hidden offset does not fold (or without inline
 * assembly); a model whose requantizations do not all take the fast form runs the reference
 * arithmetic on the same dot products.
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

/**
 * Everything the steps read that does not change between them, in the order a unit reads them:
 * the four gates' input FC requantizations, their recurrent FCs', the two cell products', the
 * cell's tanh scaling, the hidden product's (the hidden offset folded into its rounding); then
 * the cell's clip.
 */
typedef struct {
    td_lstm_fast_requant fc[8]; /* the input FCs of the forget, input, cell and output gates, then their recurrent FCs */
    td_lstm_fast_requant forget_cell_mul;
    td_lstm_fast_requant input_cell_mul;
    td_int16_scaling cell_tanh; /* multiplier, right_shift, round: three words as a requantization's */
    td_lstm_fast_requant output_hidden_mul;
    int32_t clip_low;
    int32_t clip_high;
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

/*
 * TD_LSTM_REQUANT_NEXT(acc, requant, bits, shifted): acc = sat_bits(td_lstm_requant_form(acc)) with
 * the parameters at `requant`, which it advances past them; bits 16 or 8.
 */
#define TD_LSTM_REQUANT_NEXT(acc, requant, bits, shifted)                                                   \
    do {                                                                                                   \
        (acc) = td_lstm_requant_form((acc), (requant), (shifted));                                         \
        (acc) = (bits) == 16 ? td_ssat16(acc) : td_ssat8(acc); /* one SSAT */                              \
        ++(requant);                                                                                       \
    } while (0)

/*
 * (v + rounding + sign) >> r, plus the offset, is (v + rounding + sign + offset * 2^r) >> r,
 * v = SMMULR(2 * product, m), |v| <= m / 2 + 1, when that sum stays an int32 (r = 0 as well:
 * SMMLAR adds its accumulate word to v whole). Folds it into `requant`'s rounding then, else 0.
 */
TD_INLINE int td_lstm_packed_fold_offset(td_lstm_fast_requant *requant, int32_t offset)
{
    const int64_t folded = (int64_t)requant->rounding + (int64_t)offset * ((int64_t)1 << requant->right_shift);
    const int64_t reach = (int64_t)requant->multiplier / 2 + 2;
    const int fits = folded + reach < ((int64_t)1 << 31) && folded - reach >= -((int64_t)1 << 31);
    requant->rounding = fits ? (int32_t)folded : requant->rounding;
    return fits;
}

/**
 * The plan: 2 when every requantization takes the fast form with a right shift >= 1 and the
 * hidden offset folds into the output's rounding, 1 when every one takes the fast form, 0
 * otherwise (the reference arithmetic runs); 0 as well when the cell gate is not a tanh.
 */
TD_INLINE int td_lstm_packed_plan_of(const td_lstm_params_s8 *params, const int32_t *packed_bias, td_lstm_packed_plan *plan)
{
    const td_lstm_dims *dims = &params->dims;
    const td_lstm_gate_s8 *const gates[4] = {&params->forget_gate, &params->input_gate, &params->cell_gate,
                                             &params->output_gate};
    /* |sum_k W x| <= terms * 128 * 128 for int8 (or zero-padded) values and weights */
    const int64_t input_terms = (int64_t)dims->input_size * 128 * 128;
    const int64_t recurrent_terms = (int64_t)dims->state_size * 128 * 128;
    int fast = params->cell_gate_activation == TD_LSTM_TANH, shifted;
    int32_t gate, unit;
    for (gate = 0; gate < 4; ++gate) {
        /* the largest |bias| of the gate's two parts, in 32 bits (|-2^31| fits a uint32_t) */
        uint32_t input_bias = 0, recurrent_bias = 0;
        for (unit = 0; unit < dims->state_size; ++unit) {
            const int32_t a = packed_bias[unit * 8 + gate], b = packed_bias[unit * 8 + 4 + gate];
            const uint32_t magnitude_a = a < 0 ? 0u - (uint32_t)a : (uint32_t)a;
            const uint32_t magnitude_b = b < 0 ? 0u - (uint32_t)b : (uint32_t)b;
            input_bias = magnitude_a > input_bias ? magnitude_a : input_bias;
            recurrent_bias = magnitude_b > recurrent_bias ? magnitude_b : recurrent_bias;
        }
        fast = td_lstm_fast_requant_of(&gates[gate]->input_fc, (int64_t)input_bias + input_terms, &plan->fc[gate]) && fast;
        fast = td_lstm_fast_requant_of(&gates[gate]->recurrent_fc, (int64_t)recurrent_bias + recurrent_terms,
                                       &plan->fc[4 + gate]) &&
               fast;
    }
    /* the inter-gate products: |a * b| <= 32767 * 32768 < 2^30 (a sigmoid is in [0, 32767]) */
    fast = td_lstm_fast_requant_of(&params->forget_cell_mul, 0, &plan->forget_cell_mul) && fast;
    fast = td_lstm_fast_requant_of(&params->input_cell_mul, 0, &plan->input_cell_mul) && fast;
    fast = td_lstm_fast_requant_of(&params->output_hidden_mul, 0, &plan->output_hidden_mul) && fast;
    shifted = fast && plan->forget_cell_mul.right_shift > 0 && plan->input_cell_mul.right_shift > 0 &&
              plan->output_hidden_mul.right_shift > 0;
    for (gate = 0; gate < 8; ++gate) {
        shifted = shifted && plan->fc[gate].right_shift > 0;
    }
    shifted = shifted && td_lstm_packed_fold_offset(&plan->output_hidden_mul, params->hidden_offset);
    plan->cell_tanh = td_lstm_cell_tanh_scaling(params->cell_state_scale_power);
    plan->clip_low = params->cell_clip_enabled ? -params->quantized_cell_clip : -32768;
    plan->clip_high = params->cell_clip_enabled ? params->quantized_cell_clip : 32767;
    return shifted ? 2 : fast;
}

#if TD_DSP_ASM
/**
 * What td_lstm_packed_units (assembly) reads: a row's step, every unit of it. The first four
 * words are loaded at each unit's start with one LDM, the pairs read together are adjacent.
 */
typedef struct {
    const td_word *x_words;  /* 0: x_t expanded */
    const td_word *x_end;    /* 4: its end, h_{t-1} expanded from here */
    const td_word *weights;  /* 8: the packed weights, advanced unit by unit */
    const int32_t *bias;     /* 12: the packed bias, likewise */
    const td_word *h_end;    /* 16 */
    int16_t *cell;           /* 20 */
    const td_lstm_fast_requant *products;     /* 24: forget_cell_mul, input_cell_mul, cell_tanh, output_hidden_mul */
    int8_t *hidden;          /* 28 */
    int8_t *y;               /* 32 */
    const int8_t *y_end;     /* 36: y + the units */
    const td_lstm_fast_requant *input_fc;     /* 40: the plan's four input FC requantizations */
    const td_lstm_fast_requant *recurrent_fc; /* 44: its four recurrent FCs' */
    const int32_t *sigmoid;  /* 48: &td_lstm_sigmoid_base[192] */
    const int32_t *tanh;     /* 52: &td_lstm_tanh_base[256] */
    uint32_t pre[2];         /* 56: the input FCs' requantized sums, two gates a word */
    int32_t clip_low;        /* 64: the cell's clip (-32768 and 32767 without one) */
    int32_t clip_high;       /* 68 */
    const uint16_t *delta;   /* 72: &td_lstm_table_delta[256] */
} td_lstm_packed_frame;

/*
 * The unit loop of td_lstm_packed_steps_fast by hand (plan 2; plan 1 with TD_LSTM_ASM_SIGN_MASKED),
 * the same instructions its C takes where they matter (TD_LSTM_PACKED_DOT, TD_LSTM_REQUANT_NEXT, the signed-table activations),
 * without the register shuffles and reloads the compiler adds around them: the frame is copied
 * onto the stack and every unit loads what it needs with LDM / LDRD.
 */
void td_lstm_packed_units(const td_lstm_packed_frame *frame);
/* The same for plan 1 (a right shift of 0 somewhere), its right shift words flagged by td_lstm_packed_plan_masked. */
void td_lstm_packed_units_masked(const td_lstm_packed_frame *frame);

/**
 * Plan 1 for td_lstm_packed_units_masked: the hidden offset folded into the output's rounding
 * (a right shift of 0 too) and bit 31 of every requantization's right shift word set where the
 * shift is >= 1 (TD_LSTM_ASM_SIGN_MASKED); 0, the plan unchanged, when the offset does not fold.
 * The C of plan 1 cannot read the flagged plan afterwards.
 */
TD_INLINE int td_lstm_packed_plan_masked(const td_lstm_params_s8 *params, td_lstm_packed_plan *plan)
{
    td_lstm_fast_requant *const requants[11] = {&plan->fc[0], &plan->fc[1], &plan->fc[2], &plan->fc[3],
                                                &plan->fc[4], &plan->fc[5], &plan->fc[6], &plan->fc[7],
                                                &plan->forget_cell_mul, &plan->input_cell_mul,
                                                &plan->output_hidden_mul};
    int32_t index;
    if (!td_lstm_packed_fold_offset(&plan->output_hidden_mul, params->hidden_offset)) {
        return 0;
    }
    for (index = 0; index < 11; ++index) {
        const uint32_t flag = requants[index]->right_shift > 0 ? 0x80000000u : 0u;
        requants[index]->right_shift = (int32_t)((uint32_t)requants[index]->right_shift | flag);
    }
    return 1;
}
/*
 * The four sums of one part (r0 vector to its end r1, r2 weights, r3 bias; into r4-r7): the loop
 * of TD_LSTM_PACKED_DOT four groups of four inputs at a time, entered by TBB at the group that
 * leaves a multiple of four (Duff's device): two loop instructions per four groups instead of
 * per group.
 */
#define TD_LSTM_ASM_GROUP                                                                                     \
    "ldrd    r12, lr, [r0], #8\n\t"                                                                        \
    "ldmia   r2!, {r8, r9, r10, r11}\n\t"                                                                  \
    "smlad   r4, r8, r12, r4\n\t"                                                                          \
    "smlad   r4, r9, lr, r4\n\t"                                                                           \
    "smlad   r5, r10, r12, r5\n\t"                                                                         \
    "smlad   r5, r11, lr, r5\n\t"                                                                          \
    "ldmia   r2!, {r8, r9, r10, r11}\n\t"                                                                  \
    "smlad   r6, r8, r12, r6\n\t"                                                                          \
    "smlad   r6, r9, lr, r6\n\t"                                                                           \
    "smlad   r7, r10, r12, r7\n\t"                                                                         \
    "smlad   r7, r11, lr, r7\n"
#define TD_LSTM_ASM_DOT(t, g0, g1, g2, g3)                                                                    \
    "ldmia   r3!, {r4, r5, r6, r7}\n\t"                                                                    \
    "sub     r8, r1, r0\n\t"                                                                               \
    "ubfx    r8, r8, #3, #2\n\t" /* groups % 4 */                                                          \
    "tbb     [pc, r8]\n"                                                                                   \
    t ":\n\t"                                                                                              \
    ".byte   (" g0 "f - " t "b) / 2, (" g3 "f - " t "b) / 2, (" g2 "f - " t "b) / 2, (" g1 "f - " t "b) / 2\n\t" \
    ".p2align 1\n"                                                                                         \
    g0 ":\n\t" TD_LSTM_ASM_GROUP                                                                           \
    g1 ":\n\t" TD_LSTM_ASM_GROUP                                                                           \
    g2 ":\n\t" TD_LSTM_ASM_GROUP                                                                           \
    g3 ":\n\t" TD_LSTM_ASM_GROUP "\t"                                                                      \
    "cmp     r0, r1\n\t"                                                                                   \
    "bne     " g0 "b\n\t"
/*
 * The sign term into the rounding r10 from acc's sign (right shift word r9): every right shift >= 1
 * (plan 2) one ADD of acc ASR #31; with right shifts of 0 (plan 1) the right shift word's bit 31 is
 * set where the shift is >= 1 (ASR by a register reads its low byte only), so ANDing it with acc
 * ASR #31 leaves bit 31 set where the term is -1: one instruction more, r12 scratch.
 */
#define TD_LSTM_ASM_SIGN_SHIFTED(acc) "add     r10, r10, " acc ", asr #31\n\t"
#define TD_LSTM_ASM_SIGN_MASKED(acc)                                                                          \
    "and     r12, r9, " acc ", asr #31\n\t"                                                                \
    "add     r10, r10, r12, asr #31\n\t"
/* acc = sat(requant(acc)) with the parameters at r1 (advanced): multiplier r8, right shift r9, rounding r10 */
#define TD_LSTM_ASM_REQUANT(acc, bits, sign)                                                                  \
    "ldmia   r1!, {r8, r9, r10}\n\t"                                                                       \
    sign(acc)                                                                                              \
    "lsl     " acc ", " acc ", #1\n\t"                                                                     \
    "smmlar  " acc ", " acc ", r8, r10\n\t"                                                                \
    "asr     " acc ", " acc ", r9\n\t"                                                                     \
    "ssat    " acc ", #" bits ", " acc "\n\t"
/* out = sigmoid(3 * lane) from the lane in r5 (its value 3 * pre), bases r2, deltas r11; r7, r9 scratch */
#define TD_LSTM_ASM_SIGMOID(out)                                                                              \
    "add     r5, r5, r5, lsl #1\n\t"                                                                       \
    "asr     r7, r5, #9\n\t"                                                                               \
    "ldr     " out ", [r2, r7, lsl #2]\n\t"                                                                \
    "ldrh    r9, [r11, r7, lsl #1]\n\t"                                                                    \
    "ubfx    r5, r5, #0, #9\n\t"                                                                           \
    "mla     " out ", r5, r9, " out "\n\t"                                                                 \
    "asr     " out ", " out ", #10\n\t"
/* out = tanh(r5) (r5 clamped to 17 bits first), bases r3, deltas r11; r7, r9 scratch */
#define TD_LSTM_ASM_TANH(out)                                                                                 \
    "ssat    r5, #17, r5\n\t"                                                                              \
    "asr     r7, r5, #8\n\t"                                                                               \
    "ldr     " out ", [r3, r7, lsl #2]\n\t"                                                                \
    "ldrh    r9, [r11, r7, lsl #1]\n\t"                                                                    \
    "uxtb    r5, r5\n\t"                                                                                   \
    "mla     " out ", r5, r9, " out "\n\t"                                                                 \
    "asr     " out ", " out ", #8\n\t"
#define TD_LSTM_ASM_UNITS(name, sign)                                                                        \
    __asm__(".syntax unified\n\t"                                                                              \
            ".thumb\n\t"                                                                                       \
            ".section .text." name ",\"ax\",%progbits\n\t"                                                     \
            ".align 2\n\t"                                                                                     \
            ".global " name "\n\t"                                                                             \
            ".hidden " name "\n\t"                                                                             \
            ".type " name ", %function\n\t"                                                                    \
            ".thumb_func\n"                                                                                    \
            name ":\n\t"                                                                                       \
            "push    {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"                                               \
            "sub     sp, sp, #84\n\t"                                                                          \
            "ldmia   r0!, {r1, r2, r3, r4, r5, r6, r7, r8}\n\t"                                                \
            "stmia   sp, {r1, r2, r3, r4, r5, r6, r7, r8}\n\t"                                                 \
            "ldmia   r0, {r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11}\n\t"                                   \
            "add     r12, sp, #32\n\t"                                                                         \
            "stmia   r12, {r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11}\n"                                    \
            "1:\n\t"                                                                                           \
            /* the input part: r0 x, r1 its end, r2 weights, r3 bias; sums r4-r7 */                            \
            "ldmia   sp, {r0, r1, r2, r3}\n\t"                                                                 \
            TD_LSTM_ASM_DOT("20", "21", "22", "23", "24")                                                      \
            "ldr     r1, [sp, #40]\n\t"                                                                        \
            TD_LSTM_ASM_REQUANT("r4", "16", sign)                                                              \
            TD_LSTM_ASM_REQUANT("r5", "16", sign)                                                              \
            TD_LSTM_ASM_REQUANT("r6", "16", sign)                                                              \
            TD_LSTM_ASM_REQUANT("r7", "16", sign)                                                              \
            "pkhbt   r4, r4, r5, lsl #16\n\t"                                                                  \
            "pkhbt   r6, r6, r7, lsl #16\n\t"                                                                  \
            "strd    r4, r6, [sp, #56]\n\t"                                                                    \
            /* the recurrent part: r0 continues into h_{t-1} */                                                \
            "ldr     r1, [sp, #16]\n\t"                                                                        \
            TD_LSTM_ASM_DOT("30", "31", "32", "33", "34")                                                      \
            "strd    r2, r3, [sp, #8]\n\t"                                                                     \
            "ldr     r1, [sp, #44]\n\t"                                                                        \
            TD_LSTM_ASM_REQUANT("r4", "16", sign)                                                              \
            TD_LSTM_ASM_REQUANT("r5", "16", sign)                                                              \
            TD_LSTM_ASM_REQUANT("r6", "16", sign)                                                              \
            TD_LSTM_ASM_REQUANT("r7", "16", sign)                                                              \
            "pkhbt   r4, r4, r5, lsl #16\n\t"                                                                  \
            "pkhbt   r6, r6, r7, lsl #16\n\t"                                                                  \
            "ldrd    r8, r9, [sp, #56]\n\t"                                                                    \
            "qadd16  r4, r8, r4\n\t" /* forget, input pre-activations */                                       \
            "qadd16  r6, r9, r6\n\t" /* cell, output */                                                        \
            "ldrd    r2, r3, [sp, #48]\n\t"                                                                    \
            "ldr     r11, [sp, #72]\n\t"                                                                       \
            "sxth    r5, r4\n\t"                                                                               \
            TD_LSTM_ASM_SIGMOID("r8") /* forget gate */                                                        \
            "asr     r5, r4, #16\n\t"                                                                          \
            TD_LSTM_ASM_SIGMOID("r10") /* input gate */                                                        \
            "sxth    r5, r6\n\t"                                                                               \
            "add     r5, r5, r5, lsl #1\n\t"                                                                   \
            TD_LSTM_ASM_TANH("r4") /* cell gate */                                                             \
            "asr     r5, r6, #16\n\t"                                                                          \
            TD_LSTM_ASM_SIGMOID("r6") /* output gate */                                                        \
            /* the cell: c = clip(sat16(sat16(requant(forget c)) + sat16(requant(input g)))) */                \
            "ldrd    r0, r1, [sp, #20]\n\t" /* cell, products */                                               \
            "ldrsh   r5, [r0]\n\t"                                                                             \
            "mul     r5, r8, r5\n\t"                                                                           \
            "mul     r4, r10, r4\n\t"                                                                          \
            TD_LSTM_ASM_REQUANT("r5", "16", sign)                                                              \
            TD_LSTM_ASM_REQUANT("r4", "16", sign)                                                              \
            "add     r5, r5, r4\n\t"                                                                           \
            "ldrd    r8, r9, [sp, #64]\n\t" /* sat16, then the clip: the clip's range is inside int16's */     \
            "cmp     r5, r8\n\t"                                                                               \
            "it      lt\n\t"                                                                                   \
            "movlt   r5, r8\n\t"                                                                               \
            "cmp     r5, r9\n\t"                                                                               \
            "it      gt\n\t"                                                                                   \
            "movgt   r5, r9\n\t"                                                                               \
            "strh    r5, [r0], #2\n\t"                                                                         \
            "str     r0, [sp, #20]\n\t"                                                                        \
            /* h = sat8(requant(tanh(rescale(c)) * output) + offset) */                                        \
            "ldmia   r1!, {r8, r9, r10}\n\t"                                                                   \
            "mla     r5, r5, r8, r10\n\t"                                                                      \
            "asr     r5, r5, r9\n\t"                                                                           \
            TD_LSTM_ASM_TANH("r8")                                                                             \
            "mul     r8, r8, r6\n\t"                                                                           \
            "ldmia   r1!, {r4, r9, r10}\n\t"                                                                   \
            sign("r8")                                                                                         \
            "lsl     r8, r8, #1\n\t"                                                                           \
            "smmlar  r8, r8, r4, r10\n\t"                                                                      \
            "asr     r8, r8, r9\n\t"                                                                           \
            "ssat    r8, #8, r8\n\t"                                                                           \
            "ldrd    r0, r2, [sp, #28]\n\t"                                                                    \
            "strb    r8, [r0], #1\n\t"                                                                         \
            "strb    r8, [r2], #1\n\t"                                                                         \
            "strd    r0, r2, [sp, #28]\n\t"                                                                    \
            "ldr     r0, [sp, #36]\n\t"                                                                        \
            "cmp     r2, r0\n\t"                                                                               \
            "bne     1b\n\t"                                                                                   \
            "add     sp, sp, #84\n\t"                                                                          \
            "pop     {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t"                                               \
            ".size " name ", .-" name "\n\t"                                                                   \
            ".text")
TD_LSTM_ASM_UNITS("td_lstm_packed_units", TD_LSTM_ASM_SIGN_SHIFTED);
TD_LSTM_ASM_UNITS("td_lstm_packed_units_masked", TD_LSTM_ASM_SIGN_MASKED);
#endif

/**
 * Every step of every batch row in the fast form, unit by unit: h (in place), c and y from the
 * expanded x_t and h_{t-1}; `shifted` (a constant): every right shift >= 1 and the hidden offset
 * in the output's rounding (plan 2), else plan 1. 0 (nothing run) when the model's plan is not
 * that one. With the assembly unit loops, whichever of the two the model's plan is (`shifted`
 * ignored; 0 when it is neither or plan 1's offset does not fold). The sigmoids and tanhs read the signed
 * tables. The plan is built here, in a local only the requantizations read: the stack holds one
 * plan.
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
#if TD_DSP_ASM
    void (*units)(const td_lstm_packed_frame *frame);
    /*
     * Both plans run assembly (one function for both: `shifted` is the plan's), so the C unit loop
     * below is not built: plan 1's assembly needs the hidden offset folded as well (so does plan
     * 2's); where it does not fold (offset * 2^r beyond an int32: a hidden scale far above the
     * tanh's 2^-7) the reference arithmetic runs.
     */
    shifted = td_lstm_packed_plan_of(params, run->bias, &local);
    if (shifted == 0 || (shifted == 1 && !td_lstm_packed_plan_masked(params, &local))) {
        return 0;
    }
    units = shifted == 2 ? td_lstm_packed_units : td_lstm_packed_units_masked;
#else
    if (td_lstm_packed_plan_of(params, run->bias, &local) != (shifted ? 2 : 1)) {
        return 0;
    }
#endif
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
#if TD_DSP_ASM
                {
                    td_lstm_packed_frame frame;
                    frame.x_words = x_words;
                    frame.x_end = x_end;
                    frame.weights = weights;
                    frame.bias = bias;
                    frame.h_end = h_end;
                    frame.cell = cell;
                    frame.hidden = hidden;
                    frame.y = y;
                    frame.y_end = y + state_size;
                    frame.input_fc = &plan->fc[0];
                    frame.recurrent_fc = &plan->fc[4];
                    frame.products = &plan->forget_cell_mul;
                    frame.sigmoid = &td_lstm_sigmoid_base[192];
                    frame.tanh = &td_lstm_tanh_base[256];
                    frame.delta = &td_lstm_table_delta[256];
                    frame.clip_low = plan->clip_low;
                    frame.clip_high = plan->clip_high;
                    units(&frame);
                    continue;
                }
#endif
                for (unit = 0; unit < state_size; ++unit) {
                    const td_lstm_fast_requant *requant = plan->fc;
                    int32_t xf, xi, xc, xo, hf, hi, hc, ho;
                    int32_t forget, input_gate, cell_gate, output_gate, kept, added, updated, product;
                    uint32_t forget_input, cell_output;
                    TD_LSTM_PACKED_DOT(x_words, x_end, weights, bias, xf, xi, xc, xo);
                    TD_LSTM_REQUANT_NEXT(xf, requant, 16, shifted);
                    TD_LSTM_REQUANT_NEXT(xi, requant, 16, shifted);
                    TD_LSTM_REQUANT_NEXT(xc, requant, 16, shifted);
                    TD_LSTM_REQUANT_NEXT(xo, requant, 16, shifted);
                    forget_input = td_lstm_pack16(xf, xi);
                    cell_output = td_lstm_pack16(xc, xo);
                    TD_LSTM_PACKED_DOT(x_end, h_end, weights, bias, hf, hi, hc, ho);
                    TD_LSTM_REQUANT_NEXT(hf, requant, 16, shifted);
                    TD_LSTM_REQUANT_NEXT(hi, requant, 16, shifted);
                    TD_LSTM_REQUANT_NEXT(hc, requant, 16, shifted);
                    TD_LSTM_REQUANT_NEXT(ho, requant, 16, shifted);
                    /* the pre-activations sat16(sat16(x part) + sat16(h part)), two gates a word */
                    forget_input = td_lstm_qadd16(forget_input, td_lstm_pack16(hf, hi));
                    cell_output = td_lstm_qadd16(cell_output, td_lstm_pack16(hc, ho));
                    forget = td_lstm_sigmoid_signed(td_lstm_smulbb(forget_input, 3));
                    input_gate = td_lstm_sigmoid_signed(td_lstm_smultb(forget_input, 3));
                    /* tanh(3 * sat16(s)) = tanh(3 * s) would do as well: the tanh is flat from |input| = 65280 on */
                    cell_gate = td_lstm_tanh_signed(td_lstm_smulbb(cell_output, 3));
                    output_gate = td_lstm_sigmoid_signed(td_lstm_smultb(cell_output, 3));
                    /* |gate * cell| < 2^30: the sigmoids are in [0, 32767] */
                    kept = forget * cell[unit];
                    added = input_gate * cell_gate;
                    TD_LSTM_REQUANT_NEXT(kept, requant, 16, shifted);
                    TD_LSTM_REQUANT_NEXT(added, requant, 16, shifted);
                    /* the clip's range is inside int16's */
                    updated = td_clamp_i32(kept + added, plan->clip_low, plan->clip_high);
                    cell[unit] = (int16_t)updated;
                    product = td_lstm_tanh_signed(td_int16_rescale(updated, &plan->cell_tanh)) * output_gate;
                    product = td_lstm_requant_form(product, &plan->output_hidden_mul, shifted);
                    product = td_ssat8(shifted ? product : product + params->hidden_offset);
                    hidden[unit] = (int8_t)product;
                    y[unit] = (int8_t)product;
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

#if !TD_DSP_ASM
TD_NOINLINE static int td_lstm_packed_steps_masked(const td_lstm_params_s8 *params, const td_lstm_packed_run *run)
{
    return td_lstm_packed_steps_fast(params, run, 0);
}
#endif

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
#if TD_DSP_ASM
    if (td_lstm_packed_steps_shifted(params, &run)) { /* either plan: the assembly takes both */
        return TD_OK;
    }
#else
    if (td_lstm_packed_steps_shifted(params, &run) || td_lstm_packed_steps_masked(params, &run)) {
        return TD_OK;
    }
#endif
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
