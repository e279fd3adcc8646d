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
 * TFLite's MultiplyByQuantizedMultiplier on four lanes, each with its own multiplier and shift,
 * bit for bit: x << max(shift, 0) (wrapping, as the scalar form), then VQRDMULH, which is
 * gemmlowp's SaturatingRoundingDoublingHighMul exactly ((2ab + 2^31) >> 32, saturating only
 * a = b = INT32_MIN, as gemmlowp does; its nudge of 1 - 2^30 for negative products with
 * truncation toward zero gives the same floor), then RoundingDivideByPOT by max(-shift, 0):
 * the arithmetic shift plus one where the remainder exceeds half the divisor less one, plus one
 * more for negative values (half away from zero).
 */
TD_INLINE int32x4_t td_mve_requantize(int32x4_t x, int32x4_t multiplier, int32x4_t shift)
{
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t left = vmaxq_s32(shift, zero);
    const int32x4_t right = vmaxq_s32(vnegq_s32(shift), zero);
    const int32x4_t high = vqrdmulhq_s32(vshlq_s32(x, left), multiplier);
    const int32x4_t mask = vsubq_n_s32(vshlq_s32(vdupq_n_s32(1), right), 1);
    const int32x4_t remainder = vandq_s32(high, mask);
    const int32x4_t threshold = vaddq_s32(vshrq_n_s32(mask, 1), vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(high), 31)));
    const int32x4_t quotient = vshlq_s32(high, vnegq_s32(right));
    return vaddq_m_n_s32(quotient, quotient, 1, vcmpgtq_s32(remainder, threshold));
}

/** Requantizes four accumulators of consecutive channels, adds the offset, clamps and stores four bytes. */
TD_INLINE void td_mve_store_four(int8_t *out,
                                 int32x4_t acc,
                                 const int32_t *multiplier,
                                 const int32_t *shift,
                                 int32_t output_offset,
                                 int32_t min,
                                 int32_t max)
{
    int32x4_t value = vaddq_n_s32(td_mve_requantize(acc, vldrwq_s32(multiplier), vldrwq_s32(shift)), output_offset);
    value = vminq_s32(vmaxq_s32(value, vdupq_n_s32(min)), vdupq_n_s32(max));
    vstrbq_s32(out, value);
}

/** Requantizes one accumulator exactly (the scalar form), adds the offset and clamps. */
TD_INLINE int8_t td_mve_output_one(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset, int32_t min, int32_t max)
{
    return (int8_t)td_clamp_i32(td_multiply_by_quantized_multiplier(acc, multiplier, shift) + output_offset, min, max);
}

#endif /* TD_MVE_H */
