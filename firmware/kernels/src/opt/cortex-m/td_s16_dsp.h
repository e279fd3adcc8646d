/*
 * TinyDeploy kernel library, internal: what the Cortex-M 16x8 kernels share. An int16 vector is
 * kept in groups of four values x0..x3 as two words, (x0, x2) and (x1, x3): the lanes SXTB16
 * makes of four int8 weights w0..w3, (w0, w2) and (w1, w3) with ROR #8, so one weight word and
 * two SMLADs do four multiply-accumulates with no shuffling of the weights.
 */
#ifndef TD_S16_DSP_H
#define TD_S16_DSP_H

#include "td_dsp.h"
#include "../../internal/td_s16.h"

/**
 * The most products of |x| <= 2^15 and |w| <= 2^7 an int32 sum holds exactly (511 * 2^22 < 2^31);
 * longer sums take the 64-bit portable loops.
 */
#define TD_S16_MAX_TERMS 511

/** (x0, x1), (x2, x3) as loaded from an int16 vector → (x0, x2), (x1, x3) (PKHBT, PKHTB). */
TD_INLINE void td_s16_interleave(uint32_t first, uint32_t second, uint32_t *even, uint32_t *odd)
{
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    /* GCC does not find PKHBT / PKHTB in the C below (four instructions instead of two). */
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(*even) : "r"(first), "r"(second));
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(*odd) : "r"(second), "r"(first));
#else
    *even = (first & 0xffffu) | (second << 16);
    *odd = (first >> 16) | (second & 0xffff0000u);
#endif
}

/** Up to three int8 weights (the rest 0) as one word, for a vector's last, partial group. */
TD_INLINE uint32_t td_s16_tail_weights(const int8_t *weights, int32_t count)
{
    uint32_t word = 0;
    int32_t i;
    for (i = 0; i < count; ++i) {
        word |= ((uint32_t)(uint8_t)weights[i]) << (8 * i);
    }
    return word;
}

/**
 * One channel's 64-bit requantization (the `wide` 16x8 arithmetic), prepared once per call:
 * TFLite's (x · r + 2^(t - 1)) >> t with x = sum + bias, r the multiplier cut to 15 bits and
 * t = 15 - shift, is (base + sum · r) >> t with base = bias · r + 2^(t - 1): one SMLAL per
 * output. Exact while |bias| · 2^15 stays inside int64, as the reference's own product does.
 */
typedef struct {
    int64_t base;
    int32_t reduced;
    int32_t total_shift;
} td_s16_requant;

TD_INLINE td_s16_requant td_s16_requant_of(const int64_t *bias, int32_t channel, int32_t multiplier, int32_t shift)
{
    td_s16_requant requant;
    requant.reduced = multiplier < 0x7fff0000 ? (int32_t)(((int64_t)multiplier + (1 << 15)) >> 16) : 0x7fff;
    requant.total_shift = 15 - shift;
    requant.base = (bias != NULL ? bias[channel] * requant.reduced : 0) + ((int64_t)1 << (requant.total_shift - 1));
    return requant;
}

/** The clamped int16 output of an int32 sum through a prepared requantization. */
TD_INLINE int16_t td_s16_requant_apply(int32_t sum, const td_s16_requant *requant, const td_activation *activation)
{
    const int32_t shift = requant->total_shift;
    uint32_t low = (uint32_t)(uint64_t)requant->base;
    int32_t high = (int32_t)(requant->base >> 32);
    int32_t value;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    /* One SMLAL: GCC widened both factors and multiplied in 64 bits (five instructions). */
    __asm__("smlal %0, %1, %2, %3" : "+r"(low), "+r"(high) : "r"(sum), "r"(requant->reduced));
#else
    {
        const uint64_t sum64 = (uint64_t)(((uint64_t)high << 32) | low) + (uint64_t)((int64_t)sum * requant->reduced);
        low = (uint32_t)sum64;
        high = (int32_t)(uint32_t)(sum64 >> 32);
    }
#endif
    /* The 64-bit value shifted right by `shift` (8 ... 46), truncated to int32 as TFLite's cast. */
    if (shift < 32) {
        value = (int32_t)((low >> shift) | ((uint32_t)high << (32 - shift)));
    } else {
        value = high >> (shift - 32);
    }
    return (int16_t)td_clamp_i32(value, activation->min, activation->max);
}

#if TD_KERNELS_DSP
/** acc + Σ four int8 weights (one word) · four int16 values (two interleaved words). */
TD_INLINE int32_t td_s16_mac4(uint32_t weights, uint32_t even, uint32_t odd, int32_t acc)
{
    return td_smlad(td_sxtb16_ror8(weights), odd, td_smlad(td_sxtb16(weights), even, acc));
}
#endif

#endif /* TD_S16_DSP_H */
