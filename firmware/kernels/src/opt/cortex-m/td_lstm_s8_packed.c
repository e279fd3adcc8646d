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
 * same: the requantizations in SMMLAR's form (td_lstm_requant_fast below), and the int16
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

int32_t td_lstm_s8_packed_get_buffer_size(const td_lstm_dims *dims)
{
    return (td_lstm_round4(dims->input_size) + td_lstm_round4(dims->state_size)) * (int32_t)sizeof(int16_t);
}

/**
 * A requantization in the fast form: SMMLAR(2 * acc, m, rounding + (sign(2 * acc) & sign_mask)) >> right_shift.
 *
 * Why it is TFLite's MultiplyByQuantizedMultiplier(acc, m, -right_shift) when |acc| < 2^30 (so
 * 2 * acc does not overflow) and 0 < m < 2^31:
 * - SaturatingRoundingDoublingHighMul(acc, m) = (acc * m + nudge) / 2^31 (C division,
 *   truncating), nudge = 2^30 for acc * m >= 0 and 1 - 2^30 otherwise. For p = acc * m >= 0 that
 *   is floor((p + 2^30) / 2^31); for p < 0 it is -floor((-p - 1 + 2^30) / 2^31) =
 *   ceil((p + 1 - 2^30) / 2^31) = floor((p + 2^30) / 2^31) as well (p + 2^30 is a multiple of
 *   2^31 only where both sides agree). So it is floor((2 * acc * m + 2^31) / 2^32) = SMMULR(2 * acc, m),
 *   and never saturates (that needs acc = m = -2^31).
 * - The rounding division by 2^r (r = right_shift >= 1) of that value v is
 *   (v + 2^(r-1) - (v < 0)) >> r; SMMLAR(2 * acc, m, c) = c + SMMULR(2 * acc, m), so with
 *   c = 2^(r-1) - (acc < 0) it is the same except where v = 0 with acc < 0: then
 *   (2^(r-1) - 1) >> r = 0 = the rounding division of 0. v < 0 implies acc < 0 (m > 0).
 * - r = 0 (shift 0): no division, c = 0 (sign_mask 0, rounding 0).
 */
typedef struct {
    int32_t multiplier;
    int32_t right_shift;
    int32_t rounding;
    int32_t sign_mask;
} td_lstm_fast_requant;

/** The fast form's parameters, or 0 when it does not hold for accumulators up to `bound` in magnitude. */
static int td_lstm_fast_requant_of(const td_requant *requant, int64_t bound, td_lstm_fast_requant *fast)
{
    const int32_t right_shift = -requant->shift;
    if (requant->multiplier <= 0 || right_shift < 0 || right_shift > 31 || bound >= ((int64_t)1 << 30)) {
        return 0;
    }
    fast->multiplier = requant->multiplier;
    fast->right_shift = right_shift;
    fast->rounding = right_shift > 0 ? (int32_t)1 << (right_shift - 1) : 0;
    fast->sign_mask = right_shift > 0 ? -1 : 0;
    return 1;
}

TD_INLINE int32_t td_lstm_requant_fast(int32_t acc, const td_lstm_fast_requant *requant)
{
    const int32_t doubled = (int32_t)((uint32_t)acc << 1);
    return td_smmlar(doubled, requant->multiplier, requant->rounding + ((doubled >> 31) & requant->sign_mask)) >>
           requant->right_shift;
}

/**
 * td_lstm_gate_sigmoid of a pre-activation in [-32768, 32767] without its branches: the input
 * x = 3 * pre has |x| <= 98304, so the table entry |x| >> 9 <= 192 never saturates; and with
 * P = (r + 2^9) >> 10 for the interpolation r >= 0, TFLite's negative branch
 * ((2^25 - r + 2^9 - 1) >> 10) is 2^15 - P (write r + 2^9 = 2^10 q + s, 0 <= s < 2^10: it is
 * 2^15 - q + floor((2^10 - 1 - s) / 2^10) = 2^15 - q).
 */
TD_INLINE int32_t td_lstm_sigmoid_gate(int32_t pre_activation)
{
    const int32_t input = pre_activation * 3;
    const int32_t sign = input >> 31;
    const uint32_t magnitude = (uint32_t)((input ^ sign) - sign);
    const uint32_t entry = magnitude >> 9;
    const uint32_t low = td_sigmoid_table[entry];
    const uint32_t high = td_sigmoid_table[entry + 1];
    const int32_t p = (int32_t)(((low << 9) + (magnitude & 0x1ff) * (high - low) + (1u << 9)) >> 10);
    return p + (sign & (32768 - 2 * p));
}

/**
 * td_tanh_int16 without its branches: with P = (r + 2^7) >> 8, TFLite's positive branch
 * ((r - 2^23 + 2^7) >> 8) is P - 2^15 and its negative one ((2^23 + 2^7 - 1 - r) >> 8) is
 * 2^15 - P (as for the sigmoid), so tanh is odd; the saturated case (entry >= 255, r = 0xffff << 8)
 * is entry 255 with the table's entry 256 equal to it. P <= 65535, so no int16 wrap.
 */
TD_INLINE int32_t td_lstm_tanh_fast(int32_t input)
{
    const int32_t sign = input >> 31;
    const uint32_t magnitude = (uint32_t)((input ^ sign) - sign);
    const uint32_t shifted = magnitude >> 8;
    const uint32_t entry = shifted > 255 ? 255 : shifted;
    const uint32_t low = td_sigmoid_table[entry];
    const uint32_t high = td_sigmoid_table[entry + 1];
    const int32_t p = (int32_t)(((low << 8) + (magnitude & 0xff) * (high - low) + (1u << 7)) >> 8) - 32768;
    return (p ^ sign) - sign;
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

/**
 * `count` int8 values as int16 (no offset), each group of four as the words (v0, v2), (v1, v3),
 * the last group padded with zeros (its weights are zeros).
 */
static void td_lstm_packed_expand(const int8_t *values, int32_t count, td_word *words)
{
    int32_t k = 0;
    for (; k + 4 <= count; k += 4) {
        const uint32_t four = td_read_u32(values + k);
        words[0] = td_sxtb16(four);
        words[1] = td_sxtb16_ror8(four);
        words += 2;
    }
    if (k < count) {
        uint32_t four = 0;
        int32_t j;
        for (j = 0; k + j < count; ++j) {
            four |= (uint32_t)(uint8_t)values[k + j] << (8 * j);
        }
        words[0] = td_sxtb16(four);
        words[1] = td_sxtb16_ror8(four);
    }
}

/*
 * TD_LSTM_PACKED_DOT(vector, vector_end, weights, acc0..3): the four gates' sums of one part of a
 * unit's block against an expanded vector, per group of four inputs one LDRD of the vector, two
 * LDMs of four weight words, eight SMLADs. `weights` is advanced past the part; at least one group.
 */
#if TD_DSP_ASM
#define TD_LSTM_PACKED_DOT(vector, vector_end, weights, acc0, acc1, acc2, acc3)                           \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        uint32_t td_even_, td_odd_;                                                                        \
        __asm__("1:\n\t"                                                                                   \
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
                : [s0] "+r"(acc0), [s1] "+r"(acc1), [s2] "+r"(acc2), [s3] "+r"(acc3), [vp] "+r"(td_vector_),   \
                  [wp] "+r"(weights), [xe] "=&r"(td_even_), [xo] "=&r"(td_odd_)                              \
                : [end] "r"(vector_end)                                                                    \
                : "r8", "r9", "r10", "r11", "cc", "memory");                                              \
    } while (0)
#else
#define TD_LSTM_PACKED_DOT(vector, vector_end, weights, acc0, acc1, acc2, acc3)                           \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
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

/**
 * One step of one batch row, every requantization in the fast form: units 0..S-1 of h (in
 * place), c and y from the expanded x_t and h_{t-1}. `masked`: some gate FC has a shift of 0
 * (its sign term masked off); a constant where inlined.
 */
TD_INLINE void td_lstm_packed_row_fast(const td_lstm_packed_plan *shared_plan,
                                       int32_t state_size,
                                       const td_word *x_words,
                                       const td_word *x_end,
                                       const td_word *h_end,
                                       const td_word *weights,
                                       const int32_t *bias,
                                       int8_t *hidden,
                                       int16_t *cell,
                                       int8_t *y)
{
    /* A copy no int8 store can alias: the compiler keeps its fields instead of reloading them per unit. */
    const td_lstm_packed_plan plan = *shared_plan;
    int32_t unit;
    for (unit = 0; unit < state_size; ++unit) {
        int32_t xf = bias[0], xi = bias[1], xc = bias[2], xo = bias[3];
        int32_t hf = bias[4], hi = bias[5], hc = bias[6], ho = bias[7];
        int32_t forget, input_gate, cell_gate, output_gate, updated, hidden_value;
        bias += 8;
        TD_LSTM_PACKED_DOT(x_words, x_end, weights, xf, xi, xc, xo);
        TD_LSTM_PACKED_DOT(x_end, h_end, weights, hf, hi, hc, ho);
        forget = td_lstm_sigmoid_gate(td_ssat16(td_ssat16(td_lstm_requant_fast(xf, &plan.input_fc[0])) +
                                                td_ssat16(td_lstm_requant_fast(hf, &plan.recurrent_fc[0]))));
        input_gate = td_lstm_sigmoid_gate(td_ssat16(td_ssat16(td_lstm_requant_fast(xi, &plan.input_fc[1])) +
                                                    td_ssat16(td_lstm_requant_fast(hi, &plan.recurrent_fc[1]))));
        cell_gate = td_ssat16(td_ssat16(td_lstm_requant_fast(xc, &plan.input_fc[2])) +
                              td_ssat16(td_lstm_requant_fast(hc, &plan.recurrent_fc[2])));
        cell_gate = plan.tanh_cell ? td_lstm_tanh_fast(cell_gate * 3) : td_lstm_sigmoid_gate(cell_gate);
        output_gate = td_lstm_sigmoid_gate(td_ssat16(td_ssat16(td_lstm_requant_fast(xo, &plan.input_fc[3])) +
                                                     td_ssat16(td_lstm_requant_fast(ho, &plan.recurrent_fc[3]))));
        /* |gate * cell| < 2^30: the sigmoids are in [0, 32767] */
        updated = td_ssat16(td_ssat16(td_lstm_requant_fast(forget * cell[unit], &plan.forget_cell_mul)) +
                            td_ssat16(td_lstm_requant_fast(input_gate * cell_gate, &plan.input_cell_mul)));
        updated = td_clamp_i32(updated, plan.clip_low, plan.clip_high);
        cell[unit] = (int16_t)updated;
        hidden_value = td_ssat8(plan.hidden_offset +
                                td_lstm_requant_fast(td_lstm_tanh_fast(td_int16_rescale(updated, &plan.cell_tanh)) *
                                                         output_gate,
                                                     &plan.output_hidden_mul));
        hidden[unit] = (int8_t)hidden_value;
        y[unit] = (int8_t)hidden_value;
    }
}

TD_NOINLINE static void td_lstm_packed_row(const td_lstm_packed_plan *plan, int32_t state_size, const td_word *x_words,
                                           const td_word *x_end, const td_word *h_end, const td_word *weights,
                                           const int32_t *bias, int8_t *hidden, int16_t *cell, int8_t *y)
{
    td_lstm_packed_row_fast(plan, state_size, x_words, x_end, h_end, weights, bias, hidden, cell, y);
}

/** TFLite's MulElementwise of two int16 values: offset + requant(a * b), clamped. */
static int32_t td_lstm_packed_mul_exact(int32_t a, int32_t b, const td_requant *requant, int32_t offset, int32_t min,
                                        int32_t max)
{
    return td_clamp_i32(offset + td_multiply_by_quantized_multiplier(a * b, requant->multiplier, requant->shift), min,
                        max);
}

/**
 * One step of one batch row in the reference arithmetic (a model some of whose
 * requantizations do not take the fast form), on the same dot products.
 */
TD_NOINLINE static void td_lstm_packed_row_exact(const td_lstm_params_s8 *params,
                                                 int32_t state_size,
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
    for (unit = 0; unit < state_size; ++unit) {
        td_lstm_packed_sums sums;
        int32_t activated[4], kept, added, updated;
        for (gate = 0; gate < 4; ++gate) {
            sums.input[gate] = bias[gate];
            sums.recurrent[gate] = bias[4 + gate];
        }
        bias += 8;
        TD_LSTM_PACKED_DOT(x_words, x_end, weights, sums.input[0], sums.input[1], sums.input[2], sums.input[3]);
        TD_LSTM_PACKED_DOT(x_end, h_end, weights, sums.recurrent[0], sums.recurrent[1], sums.recurrent[2],
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
        kept = td_lstm_packed_mul_exact(activated[0], cell[unit], &params->forget_cell_mul, 0, -32768, 32767);
        added = td_lstm_packed_mul_exact(activated[1], activated[2], &params->input_cell_mul, 0, -32768, 32767);
        updated = td_ssat16(kept + added);
        if (params->cell_clip_enabled) {
            updated = td_clamp_i32(updated, -params->quantized_cell_clip, params->quantized_cell_clip);
        }
        cell[unit] = (int16_t)updated;
        hidden[unit] = (int8_t)td_lstm_packed_mul_exact(td_tanh_int16(td_int16_rescale(updated, &cell_tanh)),
                                                        activated[3], &params->output_hidden_mul,
                                                        params->hidden_offset, -128, 127);
        y[unit] = hidden[unit];
    }
}

/** The plan, and whether every requantization takes the fast form for these weights' sums. */
static int td_lstm_packed_plan_of(const td_lstm_params_s8 *params, const int32_t *packed_bias, td_lstm_packed_plan *plan)
{
    const td_lstm_dims *dims = &params->dims;
    const td_lstm_gate_s8 *const gates[4] = {&params->forget_gate, &params->input_gate, &params->cell_gate,
                                             &params->output_gate};
    /* |sum_k W x| <= terms * 128 * 128 for int8 (or zero-padded) values and weights */
    const int64_t input_terms = (int64_t)dims->input_size * 128 * 128;
    const int64_t recurrent_terms = (int64_t)dims->state_size * 128 * 128;
    int fast = 1;
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
    return fast;
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
    const td_word *const weights = (const td_word *)(const void *)packed_weights;
    td_lstm_packed_plan plan;
    td_word *x_words, *h_words;
    const td_word *x_end, *h_end;
    int32_t sequence, t, row;
    int fast;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_lstm_s8_packed_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    x_words = (td_word *)ctx->buf;
    h_words = x_words + td_lstm_round4(input_size) / 2;
    x_end = h_words;
    h_end = h_words + td_lstm_round4(state_size) / 2;
    fast = td_lstm_packed_plan_of(params, packed_bias, &plan);

    for (sequence = 0; sequence < sequences; ++sequence) {
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                const int32_t state_row = (dims->time_major ? row : sequence) * state_size;
                int8_t *hidden = hidden_state + state_row;
                int8_t *y = output + (position * rows + row) * state_size;
                td_lstm_packed_expand(input + (position * rows + row) * input_size, input_size, x_words);
                td_lstm_packed_expand(hidden, state_size, h_words);
                if (fast) {
                    td_lstm_packed_row(&plan, state_size, x_words, x_end, h_end, weights, packed_bias, hidden,
                                       cell_state + state_row, y);
                } else {
                    td_lstm_packed_row_exact(params, state_size, x_words, x_end, h_end, weights, packed_bias, hidden,
                                             cell_state + state_row, y);
                }
            }
        }
    }
    return TD_OK;
}
#endif /* TD_KERNELS_DSP */
