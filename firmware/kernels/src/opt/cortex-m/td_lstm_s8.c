/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, integer, Cortex-M variant. Overrides src/lstm/td_lstm_s8.c by
 * name and gives the same bits (TFLite Micro's lstm_eval.h, see the portable kernel).
 *
 * Every step of the portable kernel is element-wise once the gate pre-activations are known,
 * so this variant runs a step unit by unit: unit j's four gates, its cell and its hidden value
 * are finished before unit j + 1, and no gate buffer is needed. The scratch holds instead, per
 * batch row, h_{t-1} and x_t as int16 with their offsets added, expanded once per step (h_{t-1}
 * is read by every unit, so hidden_state can take h_t unit by unit). With the DSP extension the
 * expanded vectors are in SXTB16's lane order and the four gates' weight rows of a unit run
 * together (TD_DOT_FOUR_GATES: one double-word load of the vector per four values, shared by
 * the four rows, 23 instructions per 16 multiply-accumulates). The requantizations take the
 * fast form (td_dsp.h) where their bounds allow; the int16 sigmoid and tanh are the portable
 * kernel's (td_lstm_s8_reference.h).
 *
 * Scratch: the portable kernel's 4 * B * S int16 values, of which this variant uses S + I
 * (rounded up to even counts); when I > 3 * S they do not fit and x_t is read directly.
 */
#include "../../lstm/td_lstm_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP
TD_INLINE int32_t td_saturate_int16(int32_t x) { return td_ssat16(x); }
#else
TD_INLINE int32_t td_saturate_int16(int32_t x) { return td_clamp_i32(x, -32768, 32767); }
#endif

int32_t td_lstm_s8_get_buffer_size(const td_lstm_dims *dims)
{
    return 4 * dims->batch_size * dims->state_size * (int32_t)sizeof(int16_t);
}

/**
 * One requantization of the LSTM: a gate FC (acc + bias -> int16 gate input, zero point 0) or
 * an inter-gate product (int16 x int16, |product| < 2^30). `fast` selects td_dsp.h's fast
 * form (td_requant_fast, no offset) when every accumulator it will see stays below 2^30 in
 * magnitude: |bias| + terms * 255 * 128 < 2^30 for each row.
 */
typedef struct {
    int32_t multiplier;
    int32_t shift;
    int32_t right_shift;
    int32_t rounding;
    int32_t fast;
    /*
     * The fast row's form (td_lstm_row_fast), which also takes a shift of 0 (a multiplier of
     * scale 0.5 to 1, usual for the gate FCs): SMMULR(2 * acc, m) alone, no rounding division,
     * so its sign term is masked off (sign_mask 0; -1 otherwise).
     */
    int32_t fast_row;
    int32_t sign_mask;
} td_lstm_requant;

/** `terms`: the int8 products in the accumulator (0 for an inter-gate product); bias: S entries or NULL. */
static td_lstm_requant td_lstm_requant_of(const td_requant *requant, int32_t terms, const int32_t *bias, int32_t rows)
{
    const int64_t limit = ((int64_t)1 << 30) - (int64_t)terms * TD_PRODUCT_MAX_ABS;
    td_lstm_requant result;
    int32_t row;
    result.multiplier = requant->multiplier;
    result.shift = requant->shift;
    result.right_shift = requant->multiplier == 0 ? 1 : -requant->shift;
    if (result.right_shift < 1 || result.right_shift > 31) {
        result.right_shift = 0;
    }
    result.rounding = result.right_shift != 0 ? (int32_t)1 << (result.right_shift - 1) : 0;
    result.fast = TD_KERNELS_DSP && limit > 0;
    for (row = 0; bias != NULL && row < rows; ++row) {
        const int64_t magnitude = bias[row] < 0 ? -(int64_t)bias[row] : (int64_t)bias[row];
        result.fast = result.fast && magnitude < limit;
    }
    result.fast_row = result.fast && (result.right_shift != 0 || (requant->shift == 0 && requant->multiplier != 0));
    result.sign_mask = result.right_shift != 0 ? -1 : 0;
    result.fast = result.fast && result.right_shift != 0;
    return result;
}

/** requant(acc) the reference way (kept out of line: only unusual parameters come here). */
TD_NOINLINE static int32_t td_lstm_requantize_exact(int32_t acc, const td_lstm_requant *requant)
{
    return td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->shift);
}

/** requant(acc), no offset. */
TD_INLINE int32_t td_lstm_requantize(int32_t acc, const td_lstm_requant *requant)
{
#if TD_KERNELS_DSP
    if (requant->fast) {
        return td_requant_fast(acc, requant->multiplier, requant->right_shift, requant->rounding);
    }
#endif
    return td_lstm_requantize_exact(acc, requant);
}

/** TFLite's MulElementwise of two int16 values: offset + requant(a * b), clamped. */
TD_INLINE int32_t td_lstm_mul(int32_t a, int32_t b, const td_lstm_requant *requant, int32_t offset, int32_t min,
                              int32_t max)
{
    return td_clamp_i32(offset + td_lstm_requantize(a * b, requant), min, max);
}

/**
 * `count` int8 values + offset as int16 for the dot products: with the DSP extension each group
 * of four as the words (v0, v2), (v1, v3), the last count % 4 plainly after them.
 */
static void td_lstm_expand(const int8_t *values, int32_t count, int32_t offset, int16_t *expanded)
{
    int32_t k = 0;
#if TD_KERNELS_DSP
    const uint32_t offsets = td_pack16(offset, offset);
    td_word *words = (td_word *)(void *)expanded;
    for (; k + 4 <= count; k += 4) {
        const uint32_t four = td_read_u32(values + k);
        words[0] = td_sadd16(td_sxtb16(four), offsets);
        words[1] = td_sadd16(td_sxtb16_ror8(four), offsets);
        words += 2;
    }
#endif
    for (; k < count; ++k) {
        expanded[k] = (int16_t)(values[k] + offset);
    }
}

/** Four gates' dot products: four weight rows of `count` int8 against one expanded vector. */
typedef struct {
    int32_t forget;
    int32_t input;
    int32_t cell;
    int32_t output;
} td_lstm_sums;

/*
 * TD_DOT_FOUR_GATES(vector, vector_end, weights0..3, acc0..3): per group of four values one LDRD
 * of the expanded vector, then per weight row one load, two SXTB16 and two SMLAD. Pointers are
 * advanced; at least one group.
 */
#if TD_DSP_ASM
#define TD_DOT_FOUR_GATES(vector, vector_end, weights0, weights1, weights2, weights3, acc0, acc1, acc2, acc3) \
    do {                                                                                                   \
        uint32_t td_even_, td_odd_, td_weights_, td_weights_even_;                                         \
        __asm__("1:\n\t"                                                                                   \
                "ldrd    %[xe], %[xo], [%[vp]], #8\n\t"                                                    \
                "ldr     %[w], [%[w0]], #4\n\t"                                                            \
                "sxtb16  %[we], %[w]\n\t"                                                                  \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                           \
                "smlad   %[s0], %[we], %[xe], %[s0]\n\t"                                                   \
                "smlad   %[s0], %[w], %[xo], %[s0]\n\t"                                                    \
                "ldr     %[w], [%[w1]], #4\n\t"                                                            \
                "sxtb16  %[we], %[w]\n\t"                                                                  \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                           \
                "smlad   %[s1], %[we], %[xe], %[s1]\n\t"                                                   \
                "smlad   %[s1], %[w], %[xo], %[s1]\n\t"                                                    \
                "ldr     %[w], [%[w2]], #4\n\t"                                                            \
                "sxtb16  %[we], %[w]\n\t"                                                                  \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                           \
                "smlad   %[s2], %[we], %[xe], %[s2]\n\t"                                                   \
                "smlad   %[s2], %[w], %[xo], %[s2]\n\t"                                                    \
                "ldr     %[w], [%[w3]], #4\n\t"                                                            \
                "sxtb16  %[we], %[w]\n\t"                                                                  \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                           \
                "smlad   %[s3], %[we], %[xe], %[s3]\n\t"                                                   \
                "smlad   %[s3], %[w], %[xo], %[s3]\n\t"                                                    \
                "cmp     %[vp], %[end]\n\t"                                                                \
                "bne     1b"                                                                               \
                : [s0] "+r"(acc0), [s1] "+r"(acc1), [s2] "+r"(acc2), [s3] "+r"(acc3), [vp] "+r"(vector),       \
                  [w0] "+r"(weights0), [w1] "+r"(weights1), [w2] "+r"(weights2), [w3] "+r"(weights3),           \
                  [xe] "=&r"(td_even_), [xo] "=&r"(td_odd_), [w] "=&r"(td_weights_),                          \
                  [we] "=&r"(td_weights_even_)                                                             \
                : [end] "r"(vector_end)                                                                    \
                : "cc", "memory");                                                                        \
    } while (0)
#elif TD_KERNELS_DSP
#define TD_DOT_FOUR_GATES(vector, vector_end, weights0, weights1, weights2, weights3, acc0, acc1, acc2, acc3) \
    do {                                                                                                   \
        do {                                                                                               \
            const uint32_t td_even_ = (vector)[0];                                                         \
            const uint32_t td_odd_ = (vector)[1];                                                          \
            const uint32_t td_row0_ = td_read_u32(weights0);                                               \
            const uint32_t td_row1_ = td_read_u32(weights1);                                               \
            const uint32_t td_row2_ = td_read_u32(weights2);                                               \
            const uint32_t td_row3_ = td_read_u32(weights3);                                               \
            (acc0) = td_smlad(td_sxtb16_ror8(td_row0_), td_odd_, td_smlad(td_sxtb16(td_row0_), td_even_, (acc0))); \
            (acc1) = td_smlad(td_sxtb16_ror8(td_row1_), td_odd_, td_smlad(td_sxtb16(td_row1_), td_even_, (acc1))); \
            (acc2) = td_smlad(td_sxtb16_ror8(td_row2_), td_odd_, td_smlad(td_sxtb16(td_row2_), td_even_, (acc2))); \
            (acc3) = td_smlad(td_sxtb16_ror8(td_row3_), td_odd_, td_smlad(td_sxtb16(td_row3_), td_even_, (acc3))); \
            (vector) += 2;                                                                                 \
            (weights0) += 4;                                                                               \
            (weights1) += 4;                                                                               \
            (weights2) += 4;                                                                               \
            (weights3) += 4;                                                                               \
        } while ((vector) != (vector_end));                                                                \
    } while (0)
#endif

/** The four gates' rows `unit` (of `count` weights each) against an expanded vector. */
TD_INLINE td_lstm_sums td_lstm_dot4(const int16_t *expanded,
                                    int32_t count,
                                    const int8_t *forget,
                                    const int8_t *input,
                                    const int8_t *cell,
                                    const int8_t *output)
{
    td_lstm_sums sums = {0, 0, 0, 0};
    int32_t k = 0;
#if TD_KERNELS_DSP
    const int32_t grouped = count & ~3;
    if (grouped > 0) {
        const td_word *vector = (const td_word *)(const void *)expanded;
        const td_word *const vector_end = vector + grouped / 2;
        TD_DOT_FOUR_GATES(vector, vector_end, forget, input, cell, output, sums.forget, sums.input, sums.cell,
                          sums.output);
        forget -= grouped; /* the macro advanced the rows; k indexes from the row starts */
        input -= grouped;
        cell -= grouped;
        output -= grouped;
        k = grouped;
    }
#endif
    for (; k < count; ++k) {
        const int32_t value = expanded[k];
        sums.forget += (int32_t)forget[k] * value;
        sums.input += (int32_t)input[k] * value;
        sums.cell += (int32_t)cell[k] * value;
        sums.output += (int32_t)output[k] * value;
    }
    return sums;
}

/** sum_k w[k] * (x[k] + offset), read directly (x_t when its expansion does not fit in the scratch). */
static int32_t td_lstm_dot_direct(const int8_t *values, int32_t offset, const int8_t *weights, int32_t count)
{
    int32_t acc = 0;
    int32_t k;
    for (k = 0; k < count; ++k) {
        acc += (int32_t)weights[k] * ((int32_t)values[k] + offset);
    }
    return acc;
}

/** sum_k w[k]: turns a dot product with one offset into the same with another. */
static int32_t td_lstm_row_sum(const int8_t *weights, int32_t count)
{
    int32_t sum = 0;
    int32_t k;
    for (k = 0; k < count; ++k) {
        sum += weights[k];
    }
    return sum;
}

/** Everything a unit's update reads that does not change between steps. */
typedef struct {
    const td_lstm_gate_s8 *gates[4]; /* forget, input, cell, output */
    td_lstm_requant input_fc[4];
    td_lstm_requant recurrent_fc[4];
    td_lstm_requant forget_cell_mul;
    td_lstm_requant input_cell_mul;
    td_lstm_requant output_hidden_mul;
    td_int16_scaling cell_tanh;
    int32_t input_offset;     /* the offset x_t is expanded with (the forget gate's) */
    int32_t recurrent_offset; /* the offset h_{t-1} is expanded with */
    int32_t same_offsets;     /* every gate uses those two offsets */
} td_lstm_plan;

/**
 * For a gate whose offsets differ from the ones the vectors were expanded with:
 * sum w * (v + o') = sum w * (v + o) + (o' - o) * sum w. Unusual models only, kept out of line.
 */
TD_NOINLINE static void td_lstm_correct_offsets(const td_lstm_plan *plan,
                                    int32_t unit,
                                    int32_t input_size,
                                    int32_t state_size,
                                    int input_expanded,
                                    td_lstm_sums *input_sums,
                                    td_lstm_sums *recurrent_sums)
{
    int32_t *const input_by_gate[4] = {&input_sums->forget, &input_sums->input, &input_sums->cell,
                                       &input_sums->output};
    int32_t *const recurrent_by_gate[4] = {&recurrent_sums->forget, &recurrent_sums->input, &recurrent_sums->cell,
                                           &recurrent_sums->output};
    int32_t gate;
    for (gate = 0; gate < 4; ++gate) {
        const td_lstm_gate_s8 *g = plan->gates[gate];
        if (input_expanded && g->input_offset != plan->input_offset) {
            *input_by_gate[gate] += (g->input_offset - plan->input_offset) *
                                    td_lstm_row_sum(g->input_weights + unit * input_size, input_size);
        }
        if (g->recurrent_offset != plan->recurrent_offset) {
            *recurrent_by_gate[gate] += (g->recurrent_offset - plan->recurrent_offset) *
                                        td_lstm_row_sum(g->recurrent_weights + unit * state_size, state_size);
        }
    }
}

/** One gate's pre-activation: sat16(sat16(FC(x) + bias) + sat16(FC(h))), then its correction-free sums. */
TD_INLINE int32_t td_lstm_pre_activation(const td_lstm_plan *plan, int32_t gate, int32_t unit, int32_t input_sum,
                                         int32_t recurrent_sum)
{
    const int32_t *bias = plan->gates[gate]->bias;
    const int32_t from_input =
        td_saturate_int16(td_lstm_requantize(input_sum + (bias != NULL ? bias[unit] : 0), &plan->input_fc[gate]));
    const int32_t from_hidden = td_saturate_int16(td_lstm_requantize(recurrent_sum, &plan->recurrent_fc[gate]));
    return td_saturate_int16(from_input + from_hidden);
}

/**
 * One batch row of one step: units 0..S-1 of h (hidden, updated in place), c (cell) and y (the
 * step's output), from the expanded h_{t-1} and x_t (x_expanded NULL: read x directly).
 */
TD_NOINLINE static void td_lstm_row(const td_lstm_params_s8 *params,
                                    const td_lstm_plan *plan,
                                    const int8_t *x,
                                    const int16_t *x_expanded,
                                    const int16_t *h_expanded,
                                    int8_t *hidden,
                                    int16_t *cell,
                                    int8_t *y)
{
    const int32_t input_size = params->dims.input_size;
    const int32_t state_size = params->dims.state_size;
    const int32_t clip = params->quantized_cell_clip;
    /* A copy no int8 store can alias: the compiler keeps its fields instead of reloading them per unit. */
    const td_lstm_plan local_plan = *plan;
    int32_t unit;
    plan = &local_plan;
    for (unit = 0; unit < state_size; ++unit) {
        const int32_t input_row = unit * input_size;
        const int32_t recurrent_row = unit * state_size;
        td_lstm_sums input_sums, recurrent_sums;
        int32_t forget, input_gate, cell_gate, output_gate, kept, added, updated, hidden_value;
        if (x_expanded != NULL) {
            input_sums = td_lstm_dot4(x_expanded, input_size, params->forget_gate.input_weights + input_row,
                                      params->input_gate.input_weights + input_row,
                                      params->cell_gate.input_weights + input_row,
                                      params->output_gate.input_weights + input_row);
        } else {
            input_sums.forget = td_lstm_dot_direct(x, params->forget_gate.input_offset,
                                                   params->forget_gate.input_weights + input_row, input_size);
            input_sums.input = td_lstm_dot_direct(x, params->input_gate.input_offset,
                                                  params->input_gate.input_weights + input_row, input_size);
            input_sums.cell = td_lstm_dot_direct(x, params->cell_gate.input_offset,
                                                 params->cell_gate.input_weights + input_row, input_size);
            input_sums.output = td_lstm_dot_direct(x, params->output_gate.input_offset,
                                                   params->output_gate.input_weights + input_row, input_size);
        }
        recurrent_sums = td_lstm_dot4(h_expanded, state_size, params->forget_gate.recurrent_weights + recurrent_row,
                                      params->input_gate.recurrent_weights + recurrent_row,
                                      params->cell_gate.recurrent_weights + recurrent_row,
                                      params->output_gate.recurrent_weights + recurrent_row);
        if (!plan->same_offsets) {
            td_lstm_correct_offsets(plan, unit, input_size, state_size, x_expanded != NULL, &input_sums, &recurrent_sums);
        }
        forget = td_lstm_gate_sigmoid(td_lstm_pre_activation(plan, 0, unit, input_sums.forget, recurrent_sums.forget));
        input_gate = td_lstm_gate_sigmoid(td_lstm_pre_activation(plan, 1, unit, input_sums.input, recurrent_sums.input));
        cell_gate = td_lstm_pre_activation(plan, 2, unit, input_sums.cell, recurrent_sums.cell);
        cell_gate = params->cell_gate_activation == TD_LSTM_TANH ? td_lstm_gate_tanh(cell_gate)
                                                                 : td_lstm_gate_sigmoid(cell_gate);
        output_gate =
            td_lstm_gate_sigmoid(td_lstm_pre_activation(plan, 3, unit, input_sums.output, recurrent_sums.output));
        kept = td_lstm_mul(forget, cell[unit], &plan->forget_cell_mul, 0, -32768, 32767);
        added = td_lstm_mul(input_gate, cell_gate, &plan->input_cell_mul, 0, -32768, 32767);
        updated = td_saturate_int16(kept + added);
        if (params->cell_clip_enabled) {
            updated = td_clamp_i32(updated, -clip, clip);
        }
        cell[unit] = (int16_t)updated;
        hidden_value = td_lstm_mul(td_tanh_int16(td_int16_rescale(updated, &plan->cell_tanh)), output_gate,
                                   &plan->output_hidden_mul, params->hidden_offset, -128, 127);
        hidden[unit] = (int8_t)hidden_value;
        y[unit] = (int8_t)hidden_value;
    }
}

#if TD_KERNELS_DSP
/**
 * The four gates' rows against an expanded vector of `count` values (`grouped` = count & ~3 of
 * them by TD_DOT_FOUR_GATES), the row pointers left at the next unit's rows.
 */
#define TD_LSTM_DOT4_ADVANCE(vector_start, grouped, count, w0, w1, w2, w3, s0, s1, s2, s3)                    \
    do {                                                                                                   \
        const int16_t *td_tail_;                                                                           \
        int32_t td_k_;                                                                                     \
        (s0) = 0;                                                                                          \
        (s1) = 0;                                                                                          \
        (s2) = 0;                                                                                          \
        (s3) = 0;                                                                                          \
        if ((grouped) > 0) {                                                                               \
            const td_word *td_vector_ = (const td_word *)(const void *)(vector_start);                     \
            const td_word *const td_vector_end_ = td_vector_ + (grouped) / 2;                              \
            TD_DOT_FOUR_GATES(td_vector_, td_vector_end_, w0, w1, w2, w3, s0, s1, s2, s3);                 \
        }                                                                                                  \
        td_tail_ = (vector_start) + (grouped);                                                             \
        for (td_k_ = (grouped); td_k_ < (count); ++td_k_) {                                                \
            const int32_t td_value_ = *td_tail_++;                                                         \
            (s0) += (int32_t)*(w0)++ * td_value_;                                                          \
            (s1) += (int32_t)*(w1)++ * td_value_;                                                          \
            (s2) += (int32_t)*(w2)++ * td_value_;                                                          \
            (s3) += (int32_t)*(w3)++ * td_value_;                                                          \
        }                                                                                                  \
    } while (0)

/**
 * The four gates' rows against x_t read directly (its expansion does not fit the scratch): each
 * group of four values widened and offset once (SXTB16, SADD16) for the four rows; the row
 * pointers left at the next unit's rows.
 */
TD_INLINE void td_lstm_dot4_s8(const int8_t *x, int32_t count, int32_t offset, const int8_t **rows, int32_t *sums)
{
    const uint32_t offsets = td_pack16(offset, offset);
    const int8_t *w0 = rows[0], *w1 = rows[1], *w2 = rows[2], *w3 = rows[3];
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int32_t k;
    for (k = 0; k + 4 <= count; k += 4) {
        const uint32_t four = td_read_u32(x + k);
        const uint32_t even = td_sadd16(td_sxtb16(four), offsets);
        const uint32_t odd = td_sadd16(td_sxtb16_ror8(four), offsets);
        const uint32_t r0 = td_read_u32(w0);
        const uint32_t r1 = td_read_u32(w1);
        const uint32_t r2 = td_read_u32(w2);
        const uint32_t r3 = td_read_u32(w3);
        s0 = td_smlad(td_sxtb16_ror8(r0), odd, td_smlad(td_sxtb16(r0), even, s0));
        s1 = td_smlad(td_sxtb16_ror8(r1), odd, td_smlad(td_sxtb16(r1), even, s1));
        s2 = td_smlad(td_sxtb16_ror8(r2), odd, td_smlad(td_sxtb16(r2), even, s2));
        s3 = td_smlad(td_sxtb16_ror8(r3), odd, td_smlad(td_sxtb16(r3), even, s3));
        w0 += 4;
        w1 += 4;
        w2 += 4;
        w3 += 4;
    }
    for (; k < count; ++k) {
        const int32_t value = (int32_t)x[k] + offset;
        s0 += (int32_t)*w0++ * value;
        s1 += (int32_t)*w1++ * value;
        s2 += (int32_t)*w2++ * value;
        s3 += (int32_t)*w3++ * value;
    }
    rows[0] = w0;
    rows[1] = w1;
    rows[2] = w2;
    rows[3] = w3;
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
}

/**
 * td_requant_fast, or with a shift of 0 SMMULR(2 * acc, m) (see td_lstm_requant); `masked` a
 * constant, 0 where no shift is 0 (td_requant_fast as it is).
 */
TD_INLINE int32_t td_lstm_requant_fast_row(int32_t acc, const td_lstm_requant *requant, int masked)
{
    const int32_t doubled = (int32_t)((uint32_t)acc << 1);
    const int32_t sign = masked ? (doubled >> 31) & requant->sign_mask : doubled >> 31;
    return td_smmlar(doubled, requant->multiplier, requant->rounding + sign) >> requant->right_shift;
}

/** sat16(sat16(requant(input_sum)) + sat16(requant(recurrent_sum))), both in the fast row's form. */
TD_INLINE int32_t td_lstm_fast_pre_activation(int32_t input_sum, int32_t recurrent_sum, const td_lstm_requant *input_fc,
                                              const td_lstm_requant *recurrent_fc, int masked)
{
    const int32_t from_input = td_ssat16(td_lstm_requant_fast_row(input_sum, input_fc, masked));
    const int32_t from_hidden = td_ssat16(td_lstm_requant_fast_row(recurrent_sum, recurrent_fc, masked));
    return td_ssat16(from_input + from_hidden);
}

/** A fast-form requantization of an inter-gate product. */
TD_INLINE int32_t td_lstm_fast_mul(int32_t a, int32_t b, const td_lstm_requant *requant)
{
    return td_requant_fast(a * b, requant->multiplier, requant->right_shift, requant->rounding);
}

/**
 * td_lstm_row for the usual model: every requantization in the fast form, one offset per
 * vector, every gate with a bias; x_t expanded, or (x_expanded NULL) read directly. The plan is
 * copied where no int8 store can alias it and the row pointers walk the weights unit after unit.
 * Inlined per constant `direct` (x_t read directly) and `masked` (some shift is 0).
 */
TD_INLINE void td_lstm_row_fast(const td_lstm_params_s8 *params,
                                         const td_lstm_plan *shared_plan,
                                         const int8_t *x,
                                         const int16_t *x_expanded,
                                         const int16_t *h_expanded,
                                         int8_t *hidden,
                                         int16_t *cell,
                                         int8_t *y,
                                         int direct,
                                         int masked)
{
    const td_lstm_plan plan = *shared_plan;
    const int32_t input_size = params->dims.input_size;
    const int32_t state_size = params->dims.state_size;
    const int32_t input_grouped = input_size & ~3;
    const int32_t state_grouped = state_size & ~3;
    const int32_t clip_low = params->cell_clip_enabled ? -params->quantized_cell_clip : -32768;
    const int32_t clip_high = params->cell_clip_enabled ? params->quantized_cell_clip : 32767;
    const int32_t hidden_offset = params->hidden_offset;
    const int tanh_cell = params->cell_gate_activation == TD_LSTM_TANH;
    const int32_t *const forget_bias = params->forget_gate.bias;
    const int32_t *const input_bias = params->input_gate.bias;
    const int32_t *const cell_bias = params->cell_gate.bias;
    const int32_t *const output_bias = params->output_gate.bias;
    const int8_t *forget_x = params->forget_gate.input_weights;
    const int8_t *input_x = params->input_gate.input_weights;
    const int8_t *cell_x = params->cell_gate.input_weights;
    const int8_t *output_x = params->output_gate.input_weights;
    const int8_t *forget_h = params->forget_gate.recurrent_weights;
    const int8_t *input_h = params->input_gate.recurrent_weights;
    const int8_t *cell_h = params->cell_gate.recurrent_weights;
    const int8_t *output_h = params->output_gate.recurrent_weights;
    int32_t unit;
    for (unit = 0; unit < state_size; ++unit) {
        int32_t xf, xi, xc, xo, hf, hi, hc, ho;
        int32_t forget, input_gate, cell_gate, output_gate, updated, hidden_value;
        if (!direct) {
            TD_LSTM_DOT4_ADVANCE(x_expanded, input_grouped, input_size, forget_x, input_x, cell_x, output_x, xf, xi,
                                 xc, xo);
        } else {
            const int8_t *rows[4];
            int32_t sums[4];
            rows[0] = forget_x;
            rows[1] = input_x;
            rows[2] = cell_x;
            rows[3] = output_x;
            td_lstm_dot4_s8(x, input_size, plan.input_offset, rows, sums);
            forget_x = rows[0];
            input_x = rows[1];
            cell_x = rows[2];
            output_x = rows[3];
            xf = sums[0];
            xi = sums[1];
            xc = sums[2];
            xo = sums[3];
        }
        TD_LSTM_DOT4_ADVANCE(h_expanded, state_grouped, state_size, forget_h, input_h, cell_h, output_h, hf, hi, hc,
                             ho);
        forget = td_lstm_gate_sigmoid(
            td_lstm_fast_pre_activation(xf + forget_bias[unit], hf, &plan.input_fc[0], &plan.recurrent_fc[0], masked));
        input_gate = td_lstm_gate_sigmoid(
            td_lstm_fast_pre_activation(xi + input_bias[unit], hi, &plan.input_fc[1], &plan.recurrent_fc[1], masked));
        cell_gate = td_lstm_fast_pre_activation(xc + cell_bias[unit], hc, &plan.input_fc[2], &plan.recurrent_fc[2], masked);
        cell_gate = tanh_cell ? td_lstm_gate_tanh(cell_gate) : td_lstm_gate_sigmoid(cell_gate);
        output_gate = td_lstm_gate_sigmoid(
            td_lstm_fast_pre_activation(xo + output_bias[unit], ho, &plan.input_fc[3], &plan.recurrent_fc[3], masked));
        updated = td_ssat16(td_ssat16(td_lstm_fast_mul(forget, cell[unit], &plan.forget_cell_mul)) +
                            td_ssat16(td_lstm_fast_mul(input_gate, cell_gate, &plan.input_cell_mul)));
        updated = td_clamp_i32(updated, clip_low, clip_high);
        cell[unit] = (int16_t)updated;
        hidden_value = td_ssat8(hidden_offset + td_lstm_fast_mul(td_tanh_int16(td_int16_rescale(updated, &plan.cell_tanh)),
                                                                 output_gate, &plan.output_hidden_mul));
        hidden[unit] = (int8_t)hidden_value;
        y[unit] = (int8_t)hidden_value;
    }
}

TD_NOINLINE static void td_lstm_row_fast_expanded(const td_lstm_params_s8 *params, const td_lstm_plan *plan,
                                                  const int16_t *x_expanded, const int16_t *h_expanded, int8_t *hidden,
                                                  int16_t *cell, int8_t *y)
{
    td_lstm_row_fast(params, plan, NULL, x_expanded, h_expanded, hidden, cell, y, 0, 0);
}

TD_NOINLINE static void td_lstm_row_fast_expanded_masked(const td_lstm_params_s8 *params, const td_lstm_plan *plan,
                                                         const int16_t *x_expanded, const int16_t *h_expanded,
                                                         int8_t *hidden, int16_t *cell, int8_t *y)
{
    td_lstm_row_fast(params, plan, NULL, x_expanded, h_expanded, hidden, cell, y, 0, 1);
}

TD_NOINLINE static void td_lstm_row_fast_direct(const td_lstm_params_s8 *params, const td_lstm_plan *plan,
                                                const int8_t *x, const int16_t *h_expanded, int8_t *hidden,
                                                int16_t *cell, int8_t *y)
{
    td_lstm_row_fast(params, plan, x, NULL, h_expanded, hidden, cell, y, 1, 1);
}
#endif

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
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    /* Even lengths keep every expanded vector 4-byte aligned. */
    const int32_t hidden_length = (state_size + 1) & ~1;
    const int32_t input_length = (input_size + 1) & ~1;
    td_lstm_plan plan;
    int16_t *h_expanded, *x_expanded;
    int32_t sequence, t, row, gate;
    int all_fast, masked = 0;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_lstm_s8_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    h_expanded = (int16_t *)ctx->buf;
    x_expanded = (hidden_length + input_length) * (int32_t)sizeof(int16_t) <= ctx->size ? h_expanded + hidden_length
                                                                                         : NULL;
    plan.gates[0] = &params->forget_gate;
    plan.gates[1] = &params->input_gate;
    plan.gates[2] = &params->cell_gate;
    plan.gates[3] = &params->output_gate;
    plan.input_offset = params->forget_gate.input_offset;
    plan.recurrent_offset = params->forget_gate.recurrent_offset;
    plan.same_offsets = 1;
    for (gate = 0; gate < 4; ++gate) {
        plan.input_fc[gate] =
            td_lstm_requant_of(&plan.gates[gate]->input_fc, input_size, plan.gates[gate]->bias, state_size);
        plan.recurrent_fc[gate] = td_lstm_requant_of(&plan.gates[gate]->recurrent_fc, state_size, NULL, 0);
        plan.same_offsets = plan.same_offsets && plan.gates[gate]->input_offset == plan.input_offset &&
                            plan.gates[gate]->recurrent_offset == plan.recurrent_offset;
    }
    plan.forget_cell_mul = td_lstm_requant_of(&params->forget_cell_mul, 0, NULL, 0);
    plan.input_cell_mul = td_lstm_requant_of(&params->input_cell_mul, 0, NULL, 0);
    plan.output_hidden_mul = td_lstm_requant_of(&params->output_hidden_mul, 0, NULL, 0);
    plan.cell_tanh = td_lstm_cell_tanh_scaling(params->cell_state_scale_power);
    all_fast = plan.same_offsets && plan.forget_cell_mul.fast && plan.input_cell_mul.fast &&
               plan.output_hidden_mul.fast;
    for (gate = 0; gate < 4; ++gate) {
        all_fast = all_fast && plan.gates[gate]->bias != NULL && plan.input_fc[gate].fast_row &&
                   plan.recurrent_fc[gate].fast_row;
        masked = masked || plan.input_fc[gate].sign_mask == 0 || plan.recurrent_fc[gate].sign_mask == 0;
    }
    (void)all_fast; /* only the DSP build has the fast rows */
    (void)masked;

    for (sequence = 0; sequence < sequences; ++sequence) {
        int8_t *hidden = hidden_state + sequence * state_size;
        int16_t *cell = cell_state + sequence * state_size;
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            const int8_t *x = input + position * rows * input_size;
            int8_t *y = output + position * rows * state_size;
            for (row = 0; row < rows; ++row) {
                td_lstm_expand(hidden + row * state_size, state_size, plan.recurrent_offset, h_expanded);
                if (x_expanded != NULL) {
                    td_lstm_expand(x + row * input_size, input_size, plan.input_offset, x_expanded);
                }
#if TD_KERNELS_DSP
                if (all_fast) {
                    if (x_expanded == NULL) {
                        td_lstm_row_fast_direct(params, &plan, x + row * input_size, h_expanded,
                                                hidden + row * state_size, cell + row * state_size, y + row * state_size);
                    } else if (masked) {
                        td_lstm_row_fast_expanded_masked(params, &plan, x_expanded, h_expanded, hidden + row * state_size,
                                                         cell + row * state_size, y + row * state_size);
                    } else {
                        td_lstm_row_fast_expanded(params, &plan, x_expanded, h_expanded, hidden + row * state_size,
                                                  cell + row * state_size, y + row * state_size);
                    }
                    continue;
                }
#endif
                td_lstm_row(params, &plan, x + row * input_size, x_expanded, h_expanded, hidden + row * state_size,
                            cell + row * state_size, y + row * state_size);
            }
        }
    }
    return TD_OK;
}
