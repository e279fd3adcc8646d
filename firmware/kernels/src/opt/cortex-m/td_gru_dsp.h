/*
 * TinyDeploy kernel library, internal: what the packed int8 GRU kernels of the Cortex-M DSP
 * variant (td_gru_s8_packed.c with linear_before_reset, td_gru_s8_packed_reset_first.c without)
 * share: their dot-product loops over int16 weights interleaved in SXTB16's lane order, the
 * plan of their requantizations, and the Q0.15 products. Included after td_dsp.h,
 * td_lstm_s8_reference.h and td_rnn_dsp.h in DSP builds.
 */
#ifndef TD_GRU_DSP_H
#define TD_GRU_DSP_H

/*
 * TD_GRU_PACKED_DOT(vector, vector_end, weights, bias, acc0..2): three gates' sums of one part of
 * a unit's block against an expanded vector, starting from the part's three packed biases; per
 * group of four inputs one LDRD of the vector, one LDM of four and one LDRD of two weight words,
 * six SMLADs. `weights` and `bias` are advanced past the part; at least one group.
 *
 * TD_GRU_PACKED_DOT2(vector, vector_end, weights, acc0, acc1): two gates' sums from 0 (per group
 * one LDRD of the vector, one LDM of four weight words, four SMLADs).
 *
 * TD_GRU_PACKED_DOT4(vector, vector_end, weights, acc0..3): four rows' sums from 0 (per group one
 * LDRD of the vector, two LDMs of four weight words, eight SMLADs).
 */
#if TD_DSP_ASM
#define TD_GRU_PACKED_DOT(vector, vector_end, weights, bias, acc0, acc1, acc2)                             \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        uint32_t td_even_, td_odd_;                                                                        \
        __asm__("ldrd    %[s0], %[s1], [%[bp]], #8\n\t"                                                    \
                "ldr     %[s2], [%[bp]], #4\n"                                                             \
                "1:\n\t"                                                                                   \
                "ldrd    %[xe], %[xo], [%[vp]], #8\n\t"                                                    \
                "ldmia   %[wp]!, {r8, r9, r10, r11}\n\t"                                                   \
                "smlad   %[s0], r8, %[xe], %[s0]\n\t"                                                      \
                "smlad   %[s0], r9, %[xo], %[s0]\n\t"                                                      \
                "smlad   %[s1], r10, %[xe], %[s1]\n\t"                                                     \
                "smlad   %[s1], r11, %[xo], %[s1]\n\t"                                                     \
                "ldrd    r8, r9, [%[wp]], #8\n\t"                                                          \
                "smlad   %[s2], r8, %[xe], %[s2]\n\t"                                                      \
                "smlad   %[s2], r9, %[xo], %[s2]\n\t"                                                      \
                "cmp     %[vp], %[end]\n\t"                                                                \
                "bne     1b"                                                                               \
                : [s0] "=&r"(acc0), [s1] "=&r"(acc1), [s2] "=&r"(acc2), [vp] "+r"(td_vector_),                 \
                  [wp] "+r"(weights), [bp] "+r"(bias), [xe] "=&r"(td_even_), [xo] "=&r"(td_odd_)               \
                : [end] "r"(vector_end)                                                                    \
                : "r8", "r9", "r10", "r11", "cc", "memory");                                              \
    } while (0)
#define TD_GRU_PACKED_DOT2(vector, vector_end, weights, acc0, acc1)                                        \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        uint32_t td_even_, td_odd_;                                                                        \
        __asm__("movs    %[s0], #0\n\t"                                                                    \
                "movs    %[s1], #0\n"                                                                      \
                "1:\n\t"                                                                                   \
                "ldrd    %[xe], %[xo], [%[vp]], #8\n\t"                                                    \
                "ldmia   %[wp]!, {r8, r9, r10, r11}\n\t"                                                   \
                "smlad   %[s0], r8, %[xe], %[s0]\n\t"                                                      \
                "smlad   %[s0], r9, %[xo], %[s0]\n\t"                                                      \
                "smlad   %[s1], r10, %[xe], %[s1]\n\t"                                                     \
                "smlad   %[s1], r11, %[xo], %[s1]\n\t"                                                     \
                "cmp     %[vp], %[end]\n\t"                                                                \
                "bne     1b"                                                                               \
                : [s0] "=&r"(acc0), [s1] "=&r"(acc1), [vp] "+r"(td_vector_), [wp] "+r"(weights),               \
                  [xe] "=&r"(td_even_), [xo] "=&r"(td_odd_)                                                    \
                : [end] "r"(vector_end)                                                                    \
                : "r8", "r9", "r10", "r11", "cc", "memory");                                              \
    } while (0)
#define TD_GRU_PACKED_DOT4(vector, vector_end, weights, acc0, acc1, acc2, acc3)                            \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        uint32_t td_even_, td_odd_;                                                                        \
        __asm__("movs    %[s0], #0\n\t"                                                                    \
                "movs    %[s1], #0\n\t"                                                                    \
                "movs    %[s2], #0\n\t"                                                                    \
                "movs    %[s3], #0\n"                                                                      \
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
                  [vp] "+r"(td_vector_), [wp] "+r"(weights), [xe] "=&r"(td_even_), [xo] "=&r"(td_odd_)         \
                : [end] "r"(vector_end)                                                                    \
                : "r8", "r9", "r10", "r11", "cc", "memory");                                              \
    } while (0)
#else
#define TD_GRU_PACKED_DOT(vector, vector_end, weights, bias, acc0, acc1, acc2)                             \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        (acc0) = (bias)[0];                                                                                \
        (acc1) = (bias)[1];                                                                                \
        (acc2) = (bias)[2];                                                                                \
        (bias) += 3;                                                                                       \
        do {                                                                                               \
            const uint32_t td_even_ = td_vector_[0];                                                       \
            const uint32_t td_odd_ = td_vector_[1];                                                        \
            (acc0) = td_smlad((weights)[1], td_odd_, td_smlad((weights)[0], td_even_, (acc0)));            \
            (acc1) = td_smlad((weights)[3], td_odd_, td_smlad((weights)[2], td_even_, (acc1)));            \
            (acc2) = td_smlad((weights)[5], td_odd_, td_smlad((weights)[4], td_even_, (acc2)));            \
            td_vector_ += 2;                                                                               \
            (weights) += 6;                                                                                \
        } while (td_vector_ != (vector_end));                                                              \
    } while (0)
#define TD_GRU_PACKED_DOT2(vector, vector_end, weights, acc0, acc1)                                        \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        (acc0) = 0;                                                                                        \
        (acc1) = 0;                                                                                        \
        do {                                                                                               \
            const uint32_t td_even_ = td_vector_[0];                                                       \
            const uint32_t td_odd_ = td_vector_[1];                                                        \
            (acc0) = td_smlad((weights)[1], td_odd_, td_smlad((weights)[0], td_even_, (acc0)));            \
            (acc1) = td_smlad((weights)[3], td_odd_, td_smlad((weights)[2], td_even_, (acc1)));            \
            td_vector_ += 2;                                                                               \
            (weights) += 4;                                                                                \
        } while (td_vector_ != (vector_end));                                                              \
    } while (0)
#define TD_GRU_PACKED_DOT4(vector, vector_end, weights, acc0, acc1, acc2, acc3)                            \
    do {                                                                                                   \
        const td_word *td_vector_ = (vector);                                                              \
        (acc0) = 0;                                                                                        \
        (acc1) = 0;                                                                                        \
        (acc2) = 0;                                                                                        \
        (acc3) = 0;                                                                                        \
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

#if TD_DSP_ASM
/*
 * The pieces of the packed GRUs' assembly unit loops (after the LSTM's, td_lstm_s8_packed.c).
 *
 * TD_GRU_ASM_DUFF(t, g, group): `group` eight times, entered by TBB at the copy that leaves a
 * multiple of eight groups (Duff's device; r0 the vector, r1 its end, r8 scratch): two loop
 * instructions per eight groups. Labels t and g0 .. g7 (local numbers).
 */
#define TD_GRU_ASM_DUFF(t, g, group)                                                                          \
    "sub     r8, r1, r0\n\t"                                                                               \
    "ubfx    r8, r8, #3, #3\n\t" /* groups % 8 */                                                          \
    "tbb     [pc, r8]\n"                                                                                   \
    t ":\n\t"                                                                                              \
    ".byte   (" g "0f - " t "b) / 2, (" g "7f - " t "b) / 2, (" g "6f - " t "b) / 2, (" g "5f - " t "b) / 2\n\t" \
    ".byte   (" g "4f - " t "b) / 2, (" g "3f - " t "b) / 2, (" g "2f - " t "b) / 2, (" g "1f - " t "b) / 2\n\t" \
    ".p2align 1\n"                                                                                         \
    g "0:\n\t" group g "1:\n\t" group g "2:\n\t" group g "3:\n\t" group                                \
    g "4:\n\t" group g "5:\n\t" group g "6:\n\t" group g "7:\n\t" group "\t"                           \
    "cmp     r0, r1\n\t"                                                                                   \
    "bne     " g "0b\n\t"
/*
 * TD_GRU_ASM_DOT: the three gates' sums of one part (r0 vector to its end r1, r2 weights, r3 bias,
 * stored advanced at [sp, #12]; into r4-r6; r3, r7-r12, lr scratch): per group of four inputs one
 * LDRD of the vector, one LDM of the three gates' six weight words and six SMLADs (8 instructions
 * for 12 MACs).
 */
#define TD_GRU_ASM_GROUP                                                                                      \
    "ldrd    r12, lr, [r0], #8\n\t"                                                                        \
    "ldmia   r2!, {r3, r7, r8, r9, r10, r11}\n\t"                                                          \
    "smlad   r4, r3, r12, r4\n\t"                                                                          \
    "smlad   r4, r7, lr, r4\n\t"                                                                           \
    "smlad   r5, r8, r12, r5\n\t"                                                                          \
    "smlad   r5, r9, lr, r5\n\t"                                                                           \
    "smlad   r6, r10, r12, r6\n\t"                                                                         \
    "smlad   r6, r11, lr, r6\n"
#define TD_GRU_ASM_DOT(t, g)                                                                              \
    "ldmia   r3!, {r4, r5, r6}\n\t"                                                                        \
    "str     r3, [sp, #12]\n\t"                                                                           \
    TD_GRU_ASM_DUFF(t, g, TD_GRU_ASM_GROUP)
/* TD_GRU_ASM_DOT2: two gates' sums from 0 (r0 vector to its end r1, r2 weights; into r4, r5;
 * r8-r12, lr scratch): per group one LDRD of the vector, one LDM of four weight words, four SMLADs */
#define TD_GRU_ASM_GROUP2                                                                                     \
    "ldrd    r12, lr, [r0], #8\n\t"                                                                        \
    "ldmia   r2!, {r8, r9, r10, r11}\n\t"                                                                  \
    "smlad   r4, r8, r12, r4\n\t"                                                                          \
    "smlad   r4, r9, lr, r4\n\t"                                                                           \
    "smlad   r5, r10, r12, r5\n\t"                                                                         \
    "smlad   r5, r11, lr, r5\n"
#define TD_GRU_ASM_DOT2(t, g)                                                                             \
    "movs    r4, #0\n\t"                                                                                   \
    "movs    r5, #0\n\t"                                                                                   \
    TD_GRU_ASM_DUFF(t, g, TD_GRU_ASM_GROUP2)
/* TD_GRU_ASM_DOT4: four rows' sums from 0 (r0 vector to its end r1, r2 weights; into r4-r7;
 * r8-r12, lr scratch): per group one LDRD of the vector, two LDMs of four weight words, eight SMLADs */
#define TD_GRU_ASM_GROUP4                                                                                     \
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
#define TD_GRU_ASM_DOT4(t, g)                                                                             \
    "movs    r4, #0\n\t"                                                                                   \
    "movs    r5, #0\n\t"                                                                                   \
    "movs    r6, #0\n\t"                                                                                   \
    "movs    r7, #0\n\t"                                                                                   \
    TD_GRU_ASM_DUFF(t, g, TD_GRU_ASM_GROUP4)
/* acc = sat(td_gru_requant_form(acc), shifted) with the parameters at r1 (advanced): r8-r10 scratch */
#define TD_GRU_ASM_REQUANT(acc, bits)                                                                         \
    "ldmia   r1!, {r8, r9, r10}\n\t"                                                                       \
    "add     r10, r10, " acc ", asr #31\n\t"                                                               \
    "lsl     " acc ", " acc ", #1\n\t"                                                                     \
    "smmlar  " acc ", " acc ", r8, r10\n\t"                                                                \
    "asr     " acc ", " acc ", r9\n\t"                                                                     \
    "ssat    " acc ", #" bits ", " acc "\n\t"
/* out = td_lstm_sigmoid_signed(3 * r5): bases r2, deltas r11; r5, r7, r9 scratch */
#define TD_GRU_ASM_SIGMOID(out)                                                                               \
    "add     r5, r5, r5, lsl #1\n\t"                                                                       \
    "asr     r7, r5, #9\n\t"                                                                               \
    "ldr     " out ", [r2, r7, lsl #2]\n\t"                                                                \
    "ldrh    r9, [r11, r7, lsl #1]\n\t"                                                                    \
    "ubfx    r5, r5, #0, #9\n\t"                                                                           \
    "mla     " out ", r5, r9, " out "\n\t"                                                                 \
    "asr     " out ", " out ", #10\n\t"
/* out = td_lstm_tanh_signed(r5): bases r3, deltas r11; r5, r7, r9 scratch */
#define TD_GRU_ASM_TANH(out)                                                                                  \
    "ssat    r5, #17, r5\n\t"                                                                              \
    "asr     r7, r5, #8\n\t"                                                                               \
    "ldr     " out ", [r3, r7, lsl #2]\n\t"                                                                \
    "ldrh    r9, [r11, r7, lsl #1]\n\t"                                                                    \
    "uxtb    r5, r5\n\t"                                                                                   \
    "mla     " out ", r5, r9, " out "\n\t"                                                                 \
    "asr     " out ", " out ", #8\n\t"
#endif

/** Everything the steps read that does not change between them. */
typedef struct {
    td_lstm_fast_requant input_fc[3];
    td_lstm_fast_requant recurrent_fc[3];
    td_lstm_fast_requant output_mul;
    int32_t output_offset;
} td_gru_packed_plan;

/** max |bias[u * stride + offset]| over `count` units. */
static int64_t td_gru_packed_bias_bound(const int32_t *bias, int32_t count, int32_t stride, int32_t offset)
{
    int64_t bound = 0;
    int32_t unit;
    for (unit = 0; unit < count; ++unit) {
        const int64_t value = bias[unit * stride + offset];
        const int64_t magnitude = value < 0 ? -value : value;
        bound = magnitude > bound ? magnitude : bound;
    }
    return bound;
}

/**
 * The plan from the largest |bias| of each gate's input and recurrent sums (the input sum over
 * int8 x, the recurrent one over int16 values: h, or r * h); 2 when every requantization takes
 * the fast form with a right shift >= 1, 1 when every one takes the fast form, 0 otherwise.
 */
TD_INLINE int td_gru_packed_plan_from(const td_gru_params_s8 *params, const int64_t input_bias[3],
                                      const int64_t recurrent_bias[3], td_gru_packed_plan *plan)
{
    const td_gru_dims *dims = &params->dims;
    const td_gru_gate_s8 *const gates[3] = {&params->reset_gate, &params->update_gate, &params->new_gate};
    /* |sum_k W x| <= I * 128 * 128 (int8 x); |sum_k R h| <= S * 128 * 32768 (int16 h) */
    const int64_t input_terms = (int64_t)dims->input_size * 128 * 128;
    const int64_t recurrent_terms = (int64_t)dims->state_size * 128 * 32768;
    int fast = 1, shifted = 1;
    int32_t gate;
    for (gate = 0; gate < 3; ++gate) {
        fast = td_lstm_fast_requant_of(&gates[gate]->input_fc, input_bias[gate] + input_terms, &plan->input_fc[gate]) && fast;
        fast = td_lstm_fast_requant_of(&gates[gate]->recurrent_fc, recurrent_bias[gate] + recurrent_terms,
                                       &plan->recurrent_fc[gate]) &&
               fast;
        shifted = shifted && plan->input_fc[gate].right_shift > 0 && plan->recurrent_fc[gate].right_shift > 0;
    }
    /* the output: |h| <= 2^15 */
    fast = td_lstm_fast_requant_of(&params->output_mul, (int64_t)1 << 15, &plan->output_mul) && fast;
    shifted = shifted && plan->output_mul.right_shift > 0;
    plan->output_offset = params->output_offset;
    return fast ? (shifted ? 2 : 1) : 0;
}

/**
 * h as int16 words in SXTB16's lane order, the last group padded with zeros: per four values two
 * word loads and one PKHBT, one PKHTB.
 */
static void td_gru_packed_expand_s16(const int16_t *values, int32_t count, td_word *words)
{
    int32_t k = 0;
    for (; k + 4 <= count; k += 4) {
        const uint32_t low = td_read_u32(values + k);      /* h[k], h[k + 1] */
        const uint32_t high = td_read_u32(values + k + 2); /* h[k + 2], h[k + 3] */
        words[0] = (low & 0xffffu) | (high << 16);
        words[1] = (low >> 16) | (high & 0xffff0000u);
        words += 2;
    }
    if (k < count) {
        int32_t four[4] = {0, 0, 0, 0};
        int32_t j;
        for (j = 0; k + j < count; ++j) {
            four[j] = values[k + j];
        }
        words[0] = td_pack16(four[0], four[2]);
        words[1] = td_pack16(four[1], four[3]);
    }
}

/**
 * td_lstm_requant_form (td_rnn_dsp.h) for the accumulators a plan admits, |acc| < 2^30: bit 30
 * of acc is then its sign bit, so the sign term of 2 * acc is acc >> 31 (one ADD with a shifted
 * operand instead of a bit-field extract and an ADD).
 */
TD_INLINE int32_t td_gru_requant_form(int32_t acc, const td_lstm_fast_requant *requant, int shifted)
{
    const int32_t sign = shifted ? acc >> 31 : (acc >> 31) & -(int32_t)(requant->rounding != 0);
    return td_smmlar((int32_t)((uint32_t)acc << 1), requant->multiplier, requant->rounding + sign) >> requant->right_shift;
}

/** (x + 2^14 - (x < 0)) >> 15: TFLite's RoundingDivideByPOT(x, 15). */
TD_INLINE int32_t td_gru_rdpot15(int32_t x) { return (x + (1 << 14) + (x >> 31)) >> 15; }

#endif /* TD_GRU_DSP_H */
