/*
 * TD_GRU, integer, Cortex-M variant. Overrides src/gru/td_gru_s8.c by name and gives the same bits
 * (the rules are the portable kernel's).
 *
 * The step runs unit by unit, each batch row on its own. Per row the input x_t (+ its offset) and
 * the state h_{t-1} are expanded once into int16 words in SXTB16's lane order ((v0, v2), (v1, v3)
 * per group of four, the last count % 4 plainly after them); a unit's three gate rows then run
 * together against one vector load (per group of four: one double-word load of the vector, per
 * weight row one load, two SXTB16 and two SMLAD). With linear_before_reset the whole cell of a
 * unit finishes in one pass and h is written at once (the expanded copy keeps h_{t-1}); otherwise
 * r ⊙ h_{t-1} needs every r first, so a second pass runs the recurrent new-gate rows.
 * The requantizations take td_dsp.h's fast form where their bounds allow (the same bits).
 *
 * Scratch (both variants report the same size): round4(I) + 2 * round4(S) expanded values, then
 * three int16 rows of S (r, z, new-gate input part); the portable kernel uses 5 * B * S values.
 */
#include "../../lstm/td_lstm_s8_reference.h"
#include "td_dsp.h"

#define TD_GRU_ROUND4(n) (((n) + 3) & ~3)

int32_t td_gru_s8_get_buffer_size(const td_gru_dims *dims)
{
    return (TD_GRU_ROUND4(dims->input_size) + 2 * TD_GRU_ROUND4(dims->state_size) + 5 * dims->batch_size * dims->state_size) *
           (int32_t)sizeof(int16_t);
}

#if TD_KERNELS_DSP
TD_INLINE int32_t td_gru_sat16(int32_t x) { return td_ssat16(x); }
#else
TD_INLINE int32_t td_gru_sat16(int32_t x) { return td_clamp_i32(x, -32768, 32767); }
#endif

/** int8 values + offset as int16 words for the dot products. */
static void td_gru_expand_s8(const int8_t *values, int32_t count, int32_t offset, int16_t *expanded)
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

/** int16 values as words for the dot products. */
static void td_gru_expand_s16(const int16_t *values, int32_t count, int16_t *expanded)
{
    int32_t k = 0;
#if TD_KERNELS_DSP
    td_word *words = (td_word *)(void *)expanded;
    for (; k + 4 <= count; k += 4) {
        words[0] = td_pack16(values[k], values[k + 2]);
        words[1] = td_pack16(values[k + 1], values[k + 3]);
        words += 2;
    }
#endif
    for (; k < count; ++k) {
        expanded[k] = values[k];
    }
}

typedef struct {
    int32_t r;
    int32_t z;
    int32_t n;
} td_gru_sums;

/** Up to three weight rows (c may be NULL) of `count` int8 against one expanded vector. */
TD_INLINE td_gru_sums td_gru_dot3(const int16_t *expanded, int32_t count, const int8_t *a, const int8_t *b, const int8_t *c)
{
    td_gru_sums sums = {0, 0, 0};
    int32_t k = 0;
#if TD_KERNELS_DSP
    const int32_t grouped = count & ~3;
    const td_word *vector = (const td_word *)(const void *)expanded;
#if TD_DSP_ASM
    if (c != NULL && grouped > 0) {
        /* Per group of four: one LDRD of the vector, per row one load, two SXTB16, two SMLAD. */
        const td_word *const vector_end = vector + grouped / 2;
        uint32_t even, odd, w, we;
        __asm__("1:\n\t"
                "ldrd    %[xe], %[xo], [%[vp]], #8\n\t"
                "ldr     %[w], [%[wa]], #4\n\t"
                "sxtb16  %[we], %[w]\n\t"
                "sxtb16  %[w], %[w], ror #8\n\t"
                "smlad   %[sa], %[we], %[xe], %[sa]\n\t"
                "smlad   %[sa], %[w], %[xo], %[sa]\n\t"
                "ldr     %[w], [%[wb]], #4\n\t"
                "sxtb16  %[we], %[w]\n\t"
                "sxtb16  %[w], %[w], ror #8\n\t"
                "smlad   %[sb], %[we], %[xe], %[sb]\n\t"
                "smlad   %[sb], %[w], %[xo], %[sb]\n\t"
                "ldr     %[w], [%[wc]], #4\n\t"
                "sxtb16  %[we], %[w]\n\t"
                "sxtb16  %[w], %[w], ror #8\n\t"
                "smlad   %[sc], %[we], %[xe], %[sc]\n\t"
                "smlad   %[sc], %[w], %[xo], %[sc]\n\t"
                "cmp     %[vp], %[end]\n\t"
                "bne     1b"
                : [sa] "+r"(sums.r), [sb] "+r"(sums.z), [sc] "+r"(sums.n), [vp] "+r"(vector), [wa] "+r"(a), [wb] "+r"(b),
                  [wc] "+r"(c), [xe] "=&r"(even), [xo] "=&r"(odd), [w] "=&r"(w), [we] "=&r"(we)
                : [end] "r"(vector_end)
                : "cc", "memory");
        a -= grouped;
        b -= grouped;
        c -= grouped;
        k = grouped;
    }
#endif
    if (c != NULL) {
        for (; k < grouped; k += 4) {
            const uint32_t even = vector[0];
            const uint32_t odd = vector[1];
            const uint32_t wa = td_read_u32(a + k);
            const uint32_t wb = td_read_u32(b + k);
            const uint32_t wc = td_read_u32(c + k);
            sums.r = td_smlad(td_sxtb16_ror8(wa), odd, td_smlad(td_sxtb16(wa), even, sums.r));
            sums.z = td_smlad(td_sxtb16_ror8(wb), odd, td_smlad(td_sxtb16(wb), even, sums.z));
            sums.n = td_smlad(td_sxtb16_ror8(wc), odd, td_smlad(td_sxtb16(wc), even, sums.n));
            vector += 2;
        }
    } else {
        for (; k < grouped; k += 4) {
            const uint32_t even = vector[0];
            const uint32_t odd = vector[1];
            const uint32_t wa = td_read_u32(a + k);
            const uint32_t wb = td_read_u32(b + k);
            sums.r = td_smlad(td_sxtb16_ror8(wa), odd, td_smlad(td_sxtb16(wa), even, sums.r));
            sums.z = td_smlad(td_sxtb16_ror8(wb), odd, td_smlad(td_sxtb16(wb), even, sums.z));
            vector += 2;
        }
    }
#endif
    for (; k < count; ++k) {
        const int32_t v = expanded[k];
        sums.r += (int32_t)a[k] * v;
        sums.z += (int32_t)b[k] * v;
        if (c != NULL) {
            sums.n += (int32_t)c[k] * v;
        }
    }
    return sums;
}

/** One dot product of a weight row against an expanded vector. */
TD_INLINE int32_t td_gru_dot1(const int16_t *expanded, int32_t count, const int8_t *a)
{
    int32_t sum = 0;
    int32_t k = 0;
#if TD_KERNELS_DSP
    const int32_t grouped = count & ~3;
    const td_word *vector = (const td_word *)(const void *)expanded;
#if TD_DSP_ASM
    if (grouped > 0) {
        const td_word *const vector_end = vector + grouped / 2;
        uint32_t even, odd, w, we;
        __asm__("1:\n\t"
                "ldrd    %[xe], %[xo], [%[vp]], #8\n\t"
                "ldr     %[w], [%[wa]], #4\n\t"
                "sxtb16  %[we], %[w]\n\t"
                "sxtb16  %[w], %[w], ror #8\n\t"
                "smlad   %[sa], %[we], %[xe], %[sa]\n\t"
                "smlad   %[sa], %[w], %[xo], %[sa]\n\t"
                "cmp     %[vp], %[end]\n\t"
                "bne     1b"
                : [sa] "+r"(sum), [vp] "+r"(vector), [wa] "+r"(a), [xe] "=&r"(even), [xo] "=&r"(odd), [w] "=&r"(w),
                  [we] "=&r"(we)
                : [end] "r"(vector_end)
                : "cc", "memory");
        a -= grouped;
        k = grouped;
    }
#endif
    for (; k < grouped; k += 4) {
        const uint32_t wa = td_read_u32(a + k);
        sum = td_smlad(td_sxtb16_ror8(wa), vector[1], td_smlad(td_sxtb16(wa), vector[0], sum));
        vector += 2;
    }
#endif
    for (; k < count; ++k) {
        sum += (int32_t)a[k] * expanded[k];
    }
    return sum;
}

/**
 * One requantization prepared per call: td_dsp.h's fast form (td_requant_fast) when every
 * accumulator it sees stays below 2^30 in magnitude and the shift is a right shift, the exact
 * reference function otherwise. Same bits either way.
 */
typedef struct {
    int32_t multiplier;
    int32_t shift;
    int32_t right_shift;
    int32_t rounding;
    int32_t fast;
} td_gru_requant;

/** `bound`: the largest |accumulator| the requantization will see. */
static td_gru_requant td_gru_requant_of(const td_requant *requant, int64_t bound)
{
    td_gru_requant result;
    result.multiplier = requant->multiplier;
    result.shift = requant->shift;
    result.right_shift = requant->multiplier == 0 ? 1 : -requant->shift;
    if (result.right_shift < 1 || result.right_shift > 31) {
        result.right_shift = 0;
    }
    result.rounding = result.right_shift != 0 ? (int32_t)1 << (result.right_shift - 1) : 0;
    result.fast = TD_KERNELS_DSP && result.right_shift != 0 && bound < ((int64_t)1 << 30);
    return result;
}

/** max |bias[u]| over S entries (0 without a bias). */
static int64_t td_gru_bias_bound(const int32_t *bias, int32_t count)
{
    int64_t bound = 0;
    int32_t u;
    for (u = 0; bias != NULL && u < count; ++u) {
        const int64_t magnitude = bias[u] < 0 ? -(int64_t)bias[u] : (int64_t)bias[u];
        bound = magnitude > bound ? magnitude : bound;
    }
    return bound;
}

TD_NOINLINE static int32_t td_gru_requantize_exact(int32_t acc, const td_gru_requant *requant)
{
    return td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->shift);
}

/** `all_fast`: a constant 1 where every requantization of the call is known fast (no test per value). */
TD_INLINE int32_t td_gru_requantize(int32_t acc, const td_gru_requant *requant, int all_fast)
{
    (void)all_fast;
#if TD_KERNELS_DSP
    if (all_fast || requant->fast) {
        return td_requant_fast(acc, requant->multiplier, requant->right_shift, requant->rounding);
    }
#endif
    return td_gru_requantize_exact(acc, requant);
}

TD_INLINE int32_t td_gru_requant16(int32_t acc, const td_gru_requant *requant, int all_fast)
{
    return td_gru_sat16(td_gru_requantize(acc, requant, all_fast));
}

/** The requantizations of one call: input and recurrent FC of r, z, n, and the output. */
typedef struct {
    td_gru_requant xr, xz, xn, hr, hz, hn, out;
} td_gru_requants;

static td_gru_requants td_gru_requants_of(const td_gru_params_s8 *params)
{
    const td_gru_dims *dims = &params->dims;
    const int64_t x_terms = (int64_t)dims->input_size * TD_PRODUCT_MAX_ABS;
    const int64_t h_terms = (int64_t)dims->state_size * 127 * 32768;
    const int32_t s = dims->state_size;
    td_gru_requants r;
    r.xr = td_gru_requant_of(&params->reset_gate.input_fc, x_terms + td_gru_bias_bound(params->reset_gate.bias, s));
    r.xz = td_gru_requant_of(&params->update_gate.input_fc, x_terms + td_gru_bias_bound(params->update_gate.bias, s));
    r.xn = td_gru_requant_of(&params->new_gate.input_fc, x_terms + td_gru_bias_bound(params->new_gate.bias, s));
    r.hr = td_gru_requant_of(&params->reset_gate.recurrent_fc, h_terms);
    r.hz = td_gru_requant_of(&params->update_gate.recurrent_fc, h_terms);
    r.hn = td_gru_requant_of(&params->new_gate.recurrent_fc, h_terms + td_gru_bias_bound(params->recurrent_new_bias, s));
    r.out = td_gru_requant_of(&params->output_mul, 32768);
    return r;
}

TD_INLINE int8_t td_gru_output(int32_t value, const td_gru_params_s8 *params, const td_gru_requants *requants)
{
    return (int8_t)td_clamp_i32(params->output_offset + td_gru_requantize(value, &requants->out, 0), -128, 127);
}

/**
 * TFLite's RoundingDivideByPOT(x, 15) (halves away from zero) for the |x| < 2^31 - 2^14 of the
 * products of a Q0.15 gate and an int16 difference: floor((x + 2^14 - (x < 0)) / 2^15).
 */
TD_INLINE int32_t td_gru_round15(int32_t x)
{
    return (x + (1 << 14) + (x >> 31)) >> 15;
}

/**
 * One time step of one batch row: x (int8, I values), h (int16, S values, updated in place).
 * Inlined with constants: all_fast = 1 (every requantization fast, no test per value) with
 * linear_before_reset (lbr) 1 and 0, and all_fast = 0 (lbr < 0: read from the dimensions).
 */
TD_INLINE void td_gru_row(const td_gru_params_s8 *params, const td_gru_requants *shared_requants, const int8_t *x,
                          int16_t *hidden, int16_t *scratch, int all_fast, int lbr)
{
    /* A local copy: the compiler keeps its fields instead of reloading them after each store. */
    const td_gru_requants local_requants = *shared_requants;
    const td_gru_requants *const q = &local_requants;
    const td_gru_dims *dims = &params->dims;
    const int32_t input_size = dims->input_size;
    const int32_t state_size = dims->state_size;
    int16_t *x_expanded = scratch;
    int16_t *h_expanded = x_expanded + TD_GRU_ROUND4(input_size);
    int16_t *rh_expanded = h_expanded + TD_GRU_ROUND4(state_size);
    int16_t *reset = rh_expanded + TD_GRU_ROUND4(state_size);
    int16_t *update = reset + state_size;
    int16_t *fresh_input = update + state_size;
    const td_gru_gate_s8 *gr = &params->reset_gate;
    const td_gru_gate_s8 *gz = &params->update_gate;
    const td_gru_gate_s8 *gn = &params->new_gate;
    const int linear_before_reset = lbr >= 0 ? lbr : dims->linear_before_reset;
    const int32_t *const recurrent_new_bias = params->recurrent_new_bias;
    int32_t u;

    td_gru_expand_s8(x, input_size, params->input_offset, x_expanded);
    td_gru_expand_s16(hidden, state_size, h_expanded);
    for (u = 0; u < state_size; ++u) {
        const td_gru_sums xs = td_gru_dot3(x_expanded, input_size, gr->input_weights + u * input_size,
                                           gz->input_weights + u * input_size, gn->input_weights + u * input_size);
        const td_gru_sums hs =
            td_gru_dot3(h_expanded, state_size, gr->recurrent_weights + u * state_size, gz->recurrent_weights + u * state_size,
                        linear_before_reset ? gn->recurrent_weights + u * state_size : NULL);
        const int32_t r = td_lstm_gate_sigmoid(
            td_gru_sat16(td_gru_requant16(xs.r + gr->bias[u], &q->xr, all_fast) + td_gru_requant16(hs.r, &q->hr, all_fast)));
        const int32_t z = td_lstm_gate_sigmoid(
            td_gru_sat16(td_gru_requant16(xs.z + gz->bias[u], &q->xz, all_fast) + td_gru_requant16(hs.z, &q->hz, all_fast)));
        const int32_t xn = td_gru_requant16(xs.n + gn->bias[u], &q->xn, all_fast);
        if (linear_before_reset) {
            const int32_t bias = recurrent_new_bias != NULL ? recurrent_new_bias[u] : 0;
            const int32_t hn = td_gru_requant16(hs.n + bias, &q->hn, all_fast);
            const int32_t n = td_lstm_gate_tanh(td_gru_sat16(xn + td_gru_sat16(td_gru_round15(r * hn))));
            hidden[u] = (int16_t)td_gru_sat16(n + td_gru_round15(z * ((int32_t)hidden[u] - n)));
        } else {
            reset[u] = (int16_t)r;
            update[u] = (int16_t)z;
            fresh_input[u] = (int16_t)xn;
        }
    }
    if (!linear_before_reset) {
        for (u = 0; u < state_size; ++u) {
            reset[u] = (int16_t)td_gru_round15((int32_t)reset[u] * hidden[u]);
        }
        td_gru_expand_s16(reset, state_size, rh_expanded);
        for (u = 0; u < state_size; ++u) {
            const int32_t hn = td_gru_requant16(td_gru_dot1(rh_expanded, state_size, gn->recurrent_weights + u * state_size),
                                                &q->hn, all_fast);
            const int32_t n = td_lstm_gate_tanh(td_gru_sat16((int32_t)fresh_input[u] + hn));
            hidden[u] = (int16_t)td_gru_sat16(n + td_gru_round15((int32_t)update[u] * ((int32_t)hidden[u] - n)));
        }
    }
}

/** y = the int8 outputs of `count` state values: the fast requantization, its parameters in registers, where it holds. */
static void td_gru_outputs(const int16_t *hidden, int32_t count, const td_gru_params_s8 *params,
                           const td_gru_requants *requants, int8_t *y)
{
    int32_t i;
#if TD_KERNELS_DSP
    if (requants->out.fast) {
        const int32_t multiplier = requants->out.multiplier;
        const int32_t right_shift = requants->out.right_shift;
        const int32_t rounding = requants->out.rounding;
        const int32_t offset = params->output_offset;
        for (i = 0; i < count; ++i) {
            y[i] = (int8_t)td_ssat8(offset + td_requant_fast(hidden[i], multiplier, right_shift, rounding));
        }
        return;
    }
#endif
    for (i = 0; i < count; ++i) {
        y[i] = td_gru_output(hidden[i], params, requants);
    }
}

TD_NOINLINE static void td_gru_row_fast(const td_gru_params_s8 *params, const td_gru_requants *q, const int8_t *x,
                                        int16_t *hidden, int16_t *scratch)
{
    td_gru_row(params, q, x, hidden, scratch, 1, 1);
}

TD_NOINLINE static void td_gru_row_fast_reset_first(const td_gru_params_s8 *params, const td_gru_requants *q,
                                                    const int8_t *x, int16_t *hidden, int16_t *scratch)
{
    td_gru_row(params, q, x, hidden, scratch, 1, 0);
}

TD_NOINLINE static void td_gru_row_any(const td_gru_params_s8 *params, const td_gru_requants *q, const int8_t *x,
                                       int16_t *hidden, int16_t *scratch)
{
    td_gru_row(params, q, x, hidden, scratch, 0, -1);
}

td_status td_gru_s8(const td_context *ctx,
                    const td_gru_params_s8 *params,
                    const int8_t *input,
                    int16_t *hidden_state,
                    int8_t *output)
{
    const td_gru_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    td_gru_requants requants;
    int32_t sequence, k, row, i;
    int all_fast;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_gru_s8_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    requants = td_gru_requants_of(params);
    all_fast = requants.xr.fast && requants.xz.fast && requants.xn.fast && requants.hr.fast && requants.hz.fast &&
               requants.hn.fast;
    for (sequence = 0; sequence < sequences; ++sequence) {
        for (k = 0; k < dims->time_steps; ++k) {
            const int32_t t = dims->reverse ? dims->time_steps - 1 - k : k;
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            for (row = 0; row < rows; ++row) {
                int16_t *hidden = hidden_state + (sequence + row) * state_size;
                const int8_t *x = input + (position * rows + row) * input_size;
                if (all_fast && dims->linear_before_reset) {
                    td_gru_row_fast(params, &requants, x, hidden, (int16_t *)ctx->buf);
                } else if (all_fast) {
                    td_gru_row_fast_reset_first(params, &requants, x, hidden, (int16_t *)ctx->buf);
                } else {
                    td_gru_row_any(params, &requants, x, hidden, (int16_t *)ctx->buf);
                }
                if (dims->return_sequences) {
                    td_gru_outputs(hidden, state_size, params, &requants, output + (position * rows + row) * state_size);
                }
            }
        }
    }
    if (!dims->return_sequences) {
        for (i = 0; i < dims->batch_size * state_size; ++i) {
            output[i] = td_gru_output(hidden_state[i], params, &requants);
        }
    }
    return TD_OK;
}
