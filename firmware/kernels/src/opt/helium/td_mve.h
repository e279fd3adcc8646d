/*
 * TinyDeploy kernel library, internal: what the Helium (M-profile Vector Extension) kernels share.
 * Only compiled for a core with MVE (-mcpu=cortex-m55); src/opt/helium/ files include it first.
 */
#ifndef TD_MVE_H
#define TD_MVE_H

#include "../../internal/td_common.h"
#include "../../internal/td_fixed_point.h"

#if !(defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1))
#error "src/opt/helium/ needs a core with the M-profile Vector Extension (e.g. -mcpu=cortex-m55)"
#endif

#include <arm_mve.h>

/** acc + the dot product of `count` int8 values of a and b: sixteen per VMLADAVA, the rest tail-predicated. */
TD_INLINE int32_t td_mve_dot_s8(int32_t acc, const int8_t *a, const int8_t *b, int32_t count)
{
    for (; count >= 16; count -= 16, a += 16, b += 16) acc = vmladavaq_s8(acc, vldrbq_s8(a), vldrbq_s8(b));
    if (count > 0) {
        const mve_pred16_t lanes = vctp8q((uint32_t)count);
        acc = vmladavaq_s8(acc, vldrbq_z_s8(a, lanes), vldrbq_z_s8(b, lanes));
    }
    return acc;
}

/** The sum of `count` int8 values. */
TD_INLINE int32_t td_mve_sum_s8(const int8_t *a, int32_t count)
{
    int32_t sum = 0;
    for (; count >= 16; count -= 16, a += 16) sum = vaddvaq_s8(sum, vldrbq_s8(a));
    if (count > 0) sum = vaddvaq_s8(sum, vldrbq_z_s8(a, vctp8q((uint32_t)count)));
    return sum;
}

/**
 * The requantization of four consecutive channels, ready for td_mve_requant_store: TFLite's
 * MultiplyByQuantizedMultiplier with each lane's multiplier and shift, then the output offset
 * and the clamp. Bit for bit: x << max(shift, 0) (wrapping, as the scalar form), then VQRDMULH,
 * which is gemmlowp's SaturatingRoundingDoublingHighMul exactly ((2ab + 2^31) >> 32, saturating
 * only a = b = INT32_MIN, as gemmlowp does; its nudge of 1 - 2^30 for negative products with
 * truncation toward zero gives the same floor), then RoundingDivideByPOT by max(-shift, 0): the
 * arithmetic shift plus one where the remainder exceeds half the divisor less one, plus one
 * more for negative values (half away from zero).
 */
typedef struct {
    /** The channels' biases (zero without a bias), for kernels that add them at the end. */
    int32x4_t bias;
    int32x4_t multiplier;
    int32x4_t left_shift;
    /** -max(-shift, 0): VSHL by it is the arithmetic right shift. */
    int32x4_t right_shift_negated;
    /** 2^right - 1, and its half. */
    int32x4_t mask;
    int32x4_t half_mask;
    int32_t output_offset;
    int32_t min;
    int32_t max;
} td_mve_requant;

/** The requantization of channels c..c+3 (bias may be NULL). */
TD_INLINE void td_mve_requant_of(td_mve_requant *requant,
                                 const int32_t *bias,
                                 const td_per_channel_quant *quant,
                                 int32_t c,
                                 int32_t output_offset,
                                 int32_t min,
                                 int32_t max)
{
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t shift = vldrbq_s32(quant->shift + c);
    const int32x4_t right = vmaxq_s32(vnegq_s32(shift), zero);
    requant->bias = bias != NULL ? vldrwq_s32(bias + c) : zero;
    requant->multiplier = vldrwq_s32(quant->multiplier + c);
    requant->left_shift = vmaxq_s32(shift, zero);
    requant->right_shift_negated = vnegq_s32(right);
    requant->mask = vsubq_n_s32(vshlq_s32(vdupq_n_s32(1), right), 1);
    requant->half_mask = vshrq_n_s32(requant->mask, 1);
    requant->output_offset = output_offset;
    requant->min = min;
    requant->max = max;
}

/** Requantizes four accumulators of consecutive channels, adds the offset, clamps and stores four bytes. */
TD_INLINE void td_mve_requant_store(int8_t *out, int32x4_t acc, const td_mve_requant *requant)
{
    const int32x4_t high = vqrdmulhq_s32(vshlq_s32(acc, requant->left_shift), requant->multiplier);
    const int32x4_t remainder = vandq_s32(high, requant->mask);
    const int32x4_t threshold = vaddq_s32(requant->half_mask, vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(high), 31)));
    const int32x4_t quotient = vshlq_s32(high, requant->right_shift_negated);
    int32x4_t value = vaddq_m_n_s32(quotient, quotient, 1, vcmpgtq_s32(remainder, threshold));
    value = vaddq_n_s32(value, requant->output_offset);
    value = vminq_s32(vmaxq_s32(value, vdupq_n_s32(requant->min)), vdupq_n_s32(requant->max));
    vstrbq_s32(out, value);
}

/** Requantizes one accumulator exactly (the scalar form), adds the offset and clamps. */
TD_INLINE int8_t td_mve_output_one(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset, int32_t min, int32_t max)
{
    return (int8_t)td_clamp_i32(td_multiply_by_quantized_multiplier(acc, multiplier, shift) + output_offset, min, max);
}

#endif /* TD_MVE_H */
