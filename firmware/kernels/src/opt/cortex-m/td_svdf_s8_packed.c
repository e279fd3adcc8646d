/*
 * SVDF int8 with int16 state over the generator's prepared weights, Cortex-M DSP variant:
 * overrides src/svdf/td_svdf_s8_packed.c by name with the same bits.
 *  1. the state moves left by one element 32 bytes per STM (td_bytes.h's forward copy);
 *  2. the feature dot products four filters at a time, eight inputs per step: two LDR of the
 *     inputs and four SXTB16 shared by the filters, then per filter one LDRD of its eight packed
 *     weights, four SXTB16 and four SMLAD (43 instructions per 32 MACs, two steps per loop), the
 *     accumulators starting from the input offset's folded sums; inputs past a multiple of eight
 *     go through one more step over a zero-padded copy (their packed weights are zero-padded);
 *     requantized by the fast form (td_dsp.h), which the generator has checked, saturated to int16;
 *  3. a unit's rank filters as one time dot product (contiguous in weights and state), two int16
 *     products per SMLAD, from the bias;
 *  4. the exact requantization in one 64-bit sum: with t = (acc * m + 2^30) >> 31 (the doubling
 *     high multiply) and the rounding division by 2^e, ties away from zero, being
 *     (t + 2^(e - 1) - [acc < 0]) >> e, the result is the high word of
 *     acc * m + 2^30 + 2^(30 + e) - [acc < 0] * 2^31 shifted right by e - 1 (two SMLAL).
 */
#include "../../internal/td_common.h"
#include "../../internal/td_fixed_point.h"
#include "td_dsp.h"
#include "../../reshape/td_bytes.h"

#if TD_KERNELS_DSP

#if TD_DSP_ASM
#define TD_SVDF_FEATURE_ROW(S)                                 \
    "ldrd    %[wa], %[wb], [%[wp]], #8\n\t"                    \
    "sxtb16  %[t], %[wa]\n\t"                                  \
    "smlad   %[" S "], %[t], %[xa], %[" S "]\n\t"              \
    "sxtb16  %[wa], %[wa], ror #8\n\t"                         \
    "smlad   %[" S "], %[wa], %[xoa], %[" S "]\n\t"            \
    "sxtb16  %[t], %[wb]\n\t"                                  \
    "smlad   %[" S "], %[t], %[xb], %[" S "]\n\t"              \
    "sxtb16  %[wb], %[wb], ror #8\n\t"                         \
    "smlad   %[" S "], %[wb], %[xob], %[" S "]\n\t"
/* The inputs by two LDR (any alignment), split into even and odd lanes. */
#define TD_SVDF_FEATURE_STEP                                                                                  \
    "ldr     %[xb], [%[vp], #4]\n\t"                                                                       \
    "ldr     %[xa], [%[vp]], #8\n\t"                                                                       \
    "sxtb16  %[xoa], %[xa], ror #8\n\t"                                                                    \
    "sxtb16  %[xa], %[xa]\n\t"                                                                             \
    "sxtb16  %[xob], %[xb], ror #8\n\t"                                                                    \
    "sxtb16  %[xb], %[xb]\n\t" TD_SVDF_FEATURE_ROW("s0") TD_SVDF_FEATURE_ROW("s1") TD_SVDF_FEATURE_ROW("s2") \
        TD_SVDF_FEATURE_ROW("s3")
/* Steps of eight inputs from `values` to values_end (at least one), two per loop; an odd count enters at the second. */
#define TD_SVDF_FEATURE_DOT(values, values_end, weights, acc0, acc1, acc2, acc3)                               \
    do {                                                                                                      \
        uint32_t td_xa_, td_xb_, td_xoa_, td_xob_, td_wa_, td_wb_;                                            \
        uint32_t td_t_ = (uint32_t)(((values_end) - (values)) >> 3) & 1u;                                     \
        __asm__("cmp     %[t], #0\n\t"                                                                         \
                "bne     2f\n\t"                                                                               \
                "1:\n\t" TD_SVDF_FEATURE_STEP "2:\n\t" TD_SVDF_FEATURE_STEP "cmp     %[vp], %[end]\n\t"          \
                "bne     1b"                                                                                  \
                : [s0] "+r"(acc0), [s1] "+r"(acc1), [s2] "+r"(acc2), [s3] "+r"(acc3), [vp] "+r"(values),          \
                  [wp] "+r"(weights), [xa] "=&r"(td_xa_), [xb] "=&r"(td_xb_), [xoa] "=&r"(td_xoa_),                \
                  [xob] "=&r"(td_xob_), [wa] "=&r"(td_wa_), [wb] "=&r"(td_wb_), [t] "+&r"(td_t_)                  \
                : [end] "r"(values_end)                                                                       \
                : "cc", "memory");                                                                           \
    } while (0)
#else
#define TD_SVDF_FEATURE_LANE(acc, offset)                                                                     \
    do {                                                                                                      \
        const uint32_t td_wa_ = td_read_u32((weights) + (offset)), td_wb_ = td_read_u32((weights) + (offset) + 4); \
        (acc) = td_smlad(td_sxtb16(td_wa_), td_xa_, (acc));                                                   \
        (acc) = td_smlad(td_sxtb16_ror8(td_wa_), td_xoa_, (acc));                                             \
        (acc) = td_smlad(td_sxtb16(td_wb_), td_xb_, (acc));                                                   \
        (acc) = td_smlad(td_sxtb16_ror8(td_wb_), td_xob_, (acc));                                             \
    } while (0)
#define TD_SVDF_FEATURE_DOT(values, values_end, weights, acc0, acc1, acc2, acc3)                               \
    do {                                                                                                      \
        do {                                                                                                  \
            const uint32_t td_a_ = td_read_u32(values), td_b_ = td_read_u32((values) + 4);                    \
            const uint32_t td_xa_ = td_sxtb16(td_a_), td_xoa_ = td_sxtb16_ror8(td_a_);                         \
            const uint32_t td_xb_ = td_sxtb16(td_b_), td_xob_ = td_sxtb16_ror8(td_b_);                         \
            TD_SVDF_FEATURE_LANE(acc0, 0);                                                                    \
            TD_SVDF_FEATURE_LANE(acc1, 8);                                                                    \
            TD_SVDF_FEATURE_LANE(acc2, 16);                                                                   \
            TD_SVDF_FEATURE_LANE(acc3, 24);                                                                   \
            (weights) += 32;                                                                                  \
            (values) += 8;                                                                                    \
        } while ((values) != (values_end));                                                                   \
    } while (0)
#endif

/**
 * The newest state slot of every filter for one input row: blocks of four filters over the
 * inputs' multiple of eight (`grouped` bytes, maybe 0), then over `tail` (the rest, zero-padded
 * to eight bytes) when `tail` is not NULL; `rows` of the last block are stored.
 */
TD_NOINLINE static void td_svdf_features(const td_svdf_packed_params *params,
                                         const int8_t *x,
                                         int32_t grouped,
                                         const int8_t *tail,
                                         const int8_t *weights,
                                         const int32_t *feature_bias,
                                         int16_t *slot)
{
    const int32_t filters = params->dims.filters;
    const int32_t stride = params->dims.memory;
    int32_t f;
    for (f = 0; f < filters; f += 4) {
        int32_t acc0 = feature_bias[f], acc1 = feature_bias[f + 1], acc2 = feature_bias[f + 2], acc3 = feature_bias[f + 3];
        if (grouped > 0) {
            const int8_t *values = x;
            TD_SVDF_FEATURE_DOT(values, x + grouped, weights, acc0, acc1, acc2, acc3);
        }
        if (tail != NULL) {
            const int8_t *values = tail;
            TD_SVDF_FEATURE_DOT(values, tail + 8, weights, acc0, acc1, acc2, acc3);
        }
#if TD_DSP_ASM
        if (f + 4 <= filters) {
            /* Per filter: rounding + the sign in one ADD, SMMLAR of the doubled sum, the shift, SSAT, STRH. */
            const int32_t multiplier = params->feature_multiplier, right_shift = params->feature_right_shift;
            const int32_t rounding = (int32_t)(1u << (right_shift - 1));
            const int32_t stride_bytes = stride * 2;
            uint32_t t;
#define TD_SVDF_FEATURE_OUT(ACC)                                   \
    "add     %[t], %[rnd], %[" ACC "], asr #31\n\t"                \
    "lsl     %[" ACC "], %[" ACC "], #1\n\t"                        \
    "smmlar  %[" ACC "], %[" ACC "], %[m], %[t]\n\t"               \
    "asr     %[" ACC "], %[" ACC "], %[rs]\n\t"                     \
    "ssat    %[" ACC "], #16, %[" ACC "]\n\t"                       \
    "strh    %[" ACC "], [%[slot]]\n\t"                             \
    "add     %[slot], %[slot], %[stride]\n\t"
            __asm__ volatile(TD_SVDF_FEATURE_OUT("a0") TD_SVDF_FEATURE_OUT("a1") TD_SVDF_FEATURE_OUT("a2") TD_SVDF_FEATURE_OUT("a3")
                    : [a0] "+&r"(acc0), [a1] "+&r"(acc1), [a2] "+&r"(acc2), [a3] "+&r"(acc3), [slot] "+&r"(slot), [t] "=&r"(t)
                    : [m] "r"(multiplier), [rs] "r"(right_shift), [rnd] "r"(rounding), [stride] "r"(stride_bytes)
                    : "memory");
#undef TD_SVDF_FEATURE_OUT
            continue;
        }
#endif
        {
            const int32_t multiplier = params->feature_multiplier, right_shift = params->feature_right_shift;
            const int32_t rounding = (int32_t)(1u << (right_shift - 1));
            const int32_t rows = filters - f;
            slot[0] = (int16_t)td_ssat16(td_requant_fast(acc0, multiplier, right_shift, rounding));
            if (rows > 1) slot[stride] = (int16_t)td_ssat16(td_requant_fast(acc1, multiplier, right_shift, rounding));
            if (rows > 2) slot[2 * stride] = (int16_t)td_ssat16(td_requant_fast(acc2, multiplier, right_shift, rounding));
            if (rows > 3) slot[3 * stride] = (int16_t)td_ssat16(td_requant_fast(acc3, multiplier, right_shift, rounding));
            slot += 4 * stride;
        }
    }
}

#if TD_DSP_ASM
/** The feature requantization's constants, read by the block loop's assembly. */
typedef struct {
    int32_t multiplier;
    int32_t right_shift;
    int32_t rounding;     /* 2^(right_shift - 1) */
    int32_t stride_bytes; /* memory * 2: one filter's slot to the next */
} td_svdf_feature_constants;

/**
 * td_svdf_features for whole blocks of four filters over inputs that are a multiple of eight
 * (the usual case), with few values live around the assembly: per block the four sums from the
 * folded offsets, the dot products, then per filter rounding and sign in one ADD, SMMLAR of the
 * doubled sum, the shift, SSAT and STRH, the constants loaded by two LDRD.
 */
TD_NOINLINE static void td_svdf_feature_blocks(const int8_t *x, const int8_t *x_end, const int8_t *weights, const int32_t *feature_bias,
                                               const int32_t *feature_bias_end, int16_t *slot, const td_svdf_feature_constants *k)
{
    do {
        int32_t acc0 = feature_bias[0], acc1 = feature_bias[1], acc2 = feature_bias[2], acc3 = feature_bias[3];
        const int8_t *values = x;
        uint32_t m, rs, rnd, stride, t;
        TD_SVDF_FEATURE_DOT(values, x_end, weights, acc0, acc1, acc2, acc3);
#define TD_SVDF_BLOCK_OUT(ACC)                                     \
    "add     %[t], %[rnd], %[" ACC "], asr #31\n\t"                \
    "lsl     %[" ACC "], %[" ACC "], #1\n\t"                        \
    "smmlar  %[" ACC "], %[" ACC "], %[m], %[t]\n\t"               \
    "asr     %[" ACC "], %[" ACC "], %[rs]\n\t"                     \
    "ssat    %[" ACC "], #16, %[" ACC "]\n\t"                       \
    "strh    %[" ACC "], [%[slot]]\n\t"                             \
    "add     %[slot], %[slot], %[stride]\n\t"
        __asm__ volatile("ldrd    %[m], %[rs], [%[k]]\n\t"
                "ldrd    %[rnd], %[stride], [%[k], #8]\n\t" TD_SVDF_BLOCK_OUT("a0") TD_SVDF_BLOCK_OUT("a1")
                    TD_SVDF_BLOCK_OUT("a2") TD_SVDF_BLOCK_OUT("a3")
                : [a0] "+&r"(acc0), [a1] "+&r"(acc1), [a2] "+&r"(acc2), [a3] "+&r"(acc3), [slot] "+&r"(slot), [t] "=&r"(t),
                  [m] "=&r"(m), [rs] "=&r"(rs), [rnd] "=&r"(rnd), [stride] "=&r"(stride)
                : [k] "r"(k)
                : "memory");
#undef TD_SVDF_BLOCK_OUT
        feature_bias += 4;
    } while (feature_bias != feature_bias_end);
}
#endif

/** bias + sum of `count` int16 products (two per SMLAD). */
TD_INLINE int32_t td_svdf_time_dot(int32_t sum, const int16_t *wt, const int16_t *s, int32_t count)
{
    const int16_t *const end = s + (count & ~1);
    while (s != end) {
        sum = td_smlad(td_read_u32(wt), td_read_u32(s), sum);
        wt += 2;
        s += 2;
    }
    if (count & 1) sum += (int32_t)wt[0] * s[0];
    return sum;
}

/** TFLite's MultiplyByQuantizedMultiplier for a right shift e = right_minus_one + 1 >= 1 (see above). */
TD_INLINE int32_t td_svdf_requant_exact(int32_t acc, int32_t multiplier, uint32_t start_low, int32_t start_high, int32_t right_minus_one)
{
    const int64_t start = (int64_t)(((uint64_t)(uint32_t)start_high << 32) | start_low);
    const int64_t sum = start + (int64_t)acc * multiplier + (int64_t)(int32_t)((uint32_t)acc >> 31) * INT32_MIN;
    return (int32_t)(sum >> 32) >> right_minus_one;
}

#if TD_DSP_ASM
/** The output requantization's constants, read by the unit loop's assembly. */
typedef struct {
    uint32_t start_low; /* 2^30 + 2^(30 + e), low word */
    int32_t start_high; /* its high word */
    int32_t multiplier;
    int32_t right_minus_one; /* e - 1 */
    int32_t offset;          /* output zero point */
} td_svdf_output_constants;

/**
 * Steps 3 and 4 for one batch in assembly, when a unit's rank * memory values are even and
 * state and time weights word-aligned: per unit the time dot four int16 per LDM pair (an odd
 * pair first), then the two SMLAL, the shift, the offset and SSAT.
 */
TD_NOINLINE static void td_svdf_units(const int16_t *s, const int16_t *wt, const int32_t *bias, int8_t *out, int32_t units,
                                      int32_t run, const td_svdf_output_constants *k)
{
    const uint32_t odd = ((uint32_t)run >> 1) & 1u;
    int8_t *const out_end = out + units;
    do {
        const int16_t *const end = s + run;
        int32_t sum = *bias++;
        uint32_t a, b, c, d;
        __asm__ volatile("cmp     %[odd], #0\n\t"
                "beq     1f\n\t"
                "ldr     %[a], [%[s]], #4\n\t"
                "ldr     %[c], [%[w]], #4\n\t"
                "smlad   %[sum], %[a], %[c], %[sum]\n\t"
                "cmp     %[s], %[end]\n\t"
                "beq     2f\n\t"
                "1:\n\t"
                "ldmia   %[s]!, {%[a], %[b]}\n\t"
                "ldmia   %[w]!, {%[c], %[d]}\n\t"
                "smlad   %[sum], %[a], %[c], %[sum]\n\t"
                "smlad   %[sum], %[b], %[d], %[sum]\n\t"
                "cmp     %[s], %[end]\n\t"
                "bne     1b\n\t"
                "2:\n\t"
                "ldrd    %[a], %[b], [%[k]]\n\t"
                "ldr     %[c], [%[k], #8]\n\t"
                "smlal   %[a], %[b], %[sum], %[c]\n\t"
                "lsr     %[d], %[sum], #31\n\t"
                "mov     %[c], #0x80000000\n\t"
                "smlal   %[a], %[b], %[d], %[c]\n\t"
                "ldrd    %[c], %[d], [%[k], #12]\n\t"
                "asr     %[b], %[b], %[c]\n\t"
                "add     %[b], %[b], %[d]\n\t"
                "ssat    %[b], #8, %[b]\n\t"
                "strb    %[b], [%[out]], #1"
                : [sum] "+&r"(sum), [s] "+&r"(s), [w] "+&r"(wt), [out] "+&r"(out), [a] "=&r"(a), [b] "=&r"(b),
                  [c] "=&r"(c), [d] "=&r"(d)
                : [end] "r"(end), [odd] "r"(odd), [k] "r"(k)
                : "cc", "memory");
    } while (out != out_end);
}
#endif

td_status td_svdf_s8_packed(const td_svdf_packed_params *params, const int8_t *input, const int8_t *packed_feature,
                            const int32_t *feature_bias, const int16_t *weights_time, const int32_t *bias, int16_t *state,
                            int8_t *output)
{
    const td_svdf_dims *d = &params->dims;
    const int32_t input_size = d->input_size;
    const int32_t state_size = d->batch * d->filters * d->memory;
    const int32_t grouped = input_size & ~7;
    const int32_t run = d->rank * d->memory;
    union {
        uint32_t words[2];
        int8_t bytes[8];
    } tail;
    int32_t b;

    /* 1. The state one element to the left: td_copy_s8 moves forward, each block loaded before it
     * is stored, so a destination two bytes below its source is safe. */
    if (state_size > 1) td_copy_s8((int8_t *)state, (const int8_t *)(state + 1), (state_size - 1) * 2);

    /* 2. The newest slot of every filter. */
    for (b = 0; b < d->batch; ++b) {
        const int8_t *x = input + b * input_size;
        if (grouped < input_size) {
            int32_t c;
            tail.words[0] = 0;
            tail.words[1] = 0;
            for (c = grouped; c < input_size; ++c) tail.bytes[c - grouped] = x[c];
        }
#if TD_DSP_ASM
        if (grouped == input_size && (d->filters & 3) == 0 && grouped > 0) {
            const td_svdf_feature_constants k = {params->feature_multiplier, params->feature_right_shift,
                                                 (int32_t)(1u << (params->feature_right_shift - 1)), d->memory * 2};
            td_svdf_feature_blocks(x, x + grouped, packed_feature, feature_bias, feature_bias + d->filters,
                                   state + b * d->filters * d->memory + d->memory - 1, &k);
            continue;
        }
#endif
        td_svdf_features(params, x, grouped, grouped < input_size ? tail.bytes : NULL, packed_feature, feature_bias,
                         state + b * d->filters * d->memory + d->memory - 1);
    }

    /* 3. and 4. Every unit's rank filters against the time weights, requantized. */
    if (params->output.shift < 0) {
        const int32_t multiplier = params->output.multiplier, right_minus_one = -params->output.shift - 1;
        /* 2^30 + 2^(30 + e) as a 64-bit start. */
        const uint64_t start = ((uint64_t)1 << 30) + ((uint64_t)1 << (30 - params->output.shift));
        const uint32_t start_low = (uint32_t)start;
        const int32_t start_high = (int32_t)(start >> 32);
        const int32_t offset = params->output_offset;
#if TD_DSP_ASM
        const td_svdf_output_constants k = {start_low, start_high, multiplier, right_minus_one, offset};
        if ((run & 1) == 0 && (((uintptr_t)state | (uintptr_t)weights_time) & 3u) == 0 && d->units > 0) {
            for (b = 0; b < d->batch; ++b) {
                td_svdf_units(state + b * d->filters * d->memory, weights_time, bias, output + b * d->units, d->units, run, &k);
            }
            return TD_OK;
        }
#endif
        for (b = 0; b < d->batch; ++b) {
            const int16_t *s = state + b * d->filters * d->memory;
            const int16_t *wt = weights_time;
            int8_t *out = output + b * d->units;
            int32_t u;
            for (u = 0; u < d->units; ++u) {
                const int32_t sum = td_svdf_time_dot(bias[u], wt, s, run);
                out[u] = (int8_t)td_ssat8(td_svdf_requant_exact(sum, multiplier, start_low, start_high, right_minus_one) + offset);
                wt += run;
                s += run;
            }
        }
    } else {
        for (b = 0; b < d->batch; ++b) {
            const int16_t *s = state + b * d->filters * d->memory;
            const int16_t *wt = weights_time;
            int32_t u;
            for (u = 0; u < d->units; ++u) {
                const int32_t sum = td_svdf_time_dot(bias[u], wt, s, run);
                output[b * d->units + u] = (int8_t)td_ssat8(
                    td_multiply_by_quantized_multiplier(sum, params->output.multiplier, params->output.shift) + params->output_offset);
                wt += run;
                s += run;
            }
        }
    }
    return TD_OK;
}

#else /* no DSP extension: the portable kernel */

#include "../../svdf/td_svdf_s8_packed.c"

#endif
