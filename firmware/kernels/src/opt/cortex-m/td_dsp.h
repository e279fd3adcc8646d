/*
 * TinyDeploy kernel library, internal: the Cortex-M DSP-extension instructions the optimized
 * kernels use, as ACLE intrinsics when the compiler targets a core that has them
 * (__ARM_FEATURE_DSP: Cortex-M4, M7, M33, M55), or as exact C emulations when the tests build
 * the same kernels for the host with -DTD_DSP_EMULATE. Both give the same bits.
 *
 * Lanes: a uint32_t holds two int16 lanes, the low halfword first.
 */
#ifndef TD_DSP_H
#define TD_DSP_H

#include <stdint.h>
#include <string.h>

#include "td_kernels.h"
#include "../../internal/td_fixed_point.h"

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>

/** Bytes 0 and 2 of x, sign-extended into two int16 lanes. */
TD_INLINE uint32_t td_sxtb16(uint32_t x) { return (uint32_t)__sxtb16((int32_t)x); }
/** Bytes 1 and 3 of x, sign-extended into two int16 lanes (SXTB16 with ROR #8). */
TD_INLINE uint32_t td_sxtb16_ror8(uint32_t x)
{
#if defined(__GNUC__)
    /* GCC does not fold the rotation into SXTB16's operand; one instruction instead of two. */
    uint32_t result;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(result) : "r"(x));
    return result;
#else
    return (uint32_t)__sxtb16((int32_t)((x >> 8) | (x << 24)));
#endif
}
/** acc + lo(x)*lo(y) + hi(x)*hi(y), wrapping (SMLAD). */
TD_INLINE int32_t td_smlad(uint32_t x, uint32_t y, int32_t acc) { return __smlad((int32_t)x, (int32_t)y, acc); }
/** Lane-wise 16-bit wrapping addition (SADD16). */
TD_INLINE uint32_t td_sadd16(uint32_t x, uint32_t y) { return (uint32_t)__sadd16((int32_t)x, (int32_t)y); }
/** acc + lo(x)*lo(y) (SMLABB). */
TD_INLINE int32_t td_smlabb(uint32_t x, uint32_t y, int32_t acc) { return __smlabb((int32_t)x, (int32_t)y, acc); }
/** acc + hi(x)*hi(y) (SMLATT). */
TD_INLINE int32_t td_smlatt(uint32_t x, uint32_t y, int32_t acc) { return __smlatt((int32_t)x, (int32_t)y, acc); }
/** acc + (a * b + 2^31) >> 32 computed as one 64-bit sum: the rounded high word plus acc (SMMLAR). */
TD_INLINE int32_t td_smmlar(int32_t a, int32_t b, int32_t acc)
{
#if defined(__GNUC__)
    int32_t result;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
#else
    return (int32_t)((((int64_t)acc << 32) + (int64_t)a * (int64_t)b + ((int64_t)1 << 31)) >> 32);
#endif
}
/** Bytes 0 and 2 of x, sign-extended, plus the lanes of `lanes` (SXTAB16). */
TD_INLINE uint32_t td_sxtab16(uint32_t lanes, uint32_t x) { return (uint32_t)__sxtab16((int32_t)lanes, (int32_t)x); }
/** Bytes 1 and 3 of x, sign-extended, plus the lanes of `lanes` (SXTAB16 with ROR #8). */
TD_INLINE uint32_t td_sxtab16_ror8(uint32_t lanes, uint32_t x)
{
#if defined(__GNUC__)
    uint32_t result;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(result) : "r"(lanes), "r"(x));
    return result;
#else
    return (uint32_t)__sxtab16((int32_t)lanes, (int32_t)((x >> 8) | (x << 24)));
#endif
}
/** x saturated to [-128, 127] (SSAT #8). */
TD_INLINE int32_t td_ssat8(int32_t x) { return __ssat(x, 8); }
/** x saturated to [-32768, 32767] (SSAT #16). */
TD_INLINE int32_t td_ssat16(int32_t x) { return __ssat(x, 16); }

#elif defined(TD_DSP_EMULATE)

TD_INLINE uint32_t td_lane(int32_t value) { return (uint32_t)value & 0xffffu; }

TD_INLINE uint32_t td_sxtb16(uint32_t x)
{
    return td_lane((int8_t)(x & 0xffu)) | (td_lane((int8_t)((x >> 16) & 0xffu)) << 16);
}

TD_INLINE uint32_t td_sxtb16_ror8(uint32_t x)
{
    return td_lane((int8_t)((x >> 8) & 0xffu)) | (td_lane((int8_t)((x >> 24) & 0xffu)) << 16);
}

TD_INLINE int32_t td_smlad(uint32_t x, uint32_t y, int32_t acc)
{
    const int32_t low = (int32_t)(int16_t)(x & 0xffffu) * (int32_t)(int16_t)(y & 0xffffu);
    const int32_t high = (int32_t)(int16_t)(x >> 16) * (int32_t)(int16_t)(y >> 16);
    return (int32_t)((uint32_t)acc + (uint32_t)low + (uint32_t)high);
}

TD_INLINE uint32_t td_sadd16(uint32_t x, uint32_t y)
{
    return ((x + y) & 0xffffu) | (((x >> 16) + (y >> 16)) << 16);
}

TD_INLINE uint32_t td_sxtab16(uint32_t lanes, uint32_t x) { return td_sadd16(lanes, td_sxtb16(x)); }

TD_INLINE uint32_t td_sxtab16_ror8(uint32_t lanes, uint32_t x) { return td_sadd16(lanes, td_sxtb16_ror8(x)); }

TD_INLINE int32_t td_smlabb(uint32_t x, uint32_t y, int32_t acc)
{
    const int32_t product = (int32_t)(int16_t)(x & 0xffffu) * (int32_t)(int16_t)(y & 0xffffu);
    return (int32_t)((uint32_t)acc + (uint32_t)product);
}

TD_INLINE int32_t td_smlatt(uint32_t x, uint32_t y, int32_t acc)
{
    const int32_t product = (int32_t)(int16_t)(x >> 16) * (int32_t)(int16_t)(y >> 16);
    return (int32_t)((uint32_t)acc + (uint32_t)product);
}

TD_INLINE int32_t td_smmlar(int32_t a, int32_t b, int32_t acc)
{
    return (int32_t)((((int64_t)acc << 32) + (int64_t)a * (int64_t)b + ((int64_t)1 << 31)) >> 32);
}

TD_INLINE int32_t td_ssat8(int32_t x) { return td_clamp_i32(x, -128, 127); }

TD_INLINE int32_t td_ssat16(int32_t x) { return td_clamp_i32(x, -32768, 32767); }

#endif

/**
 * 1 when the kernels' hand-scheduled loops are compiled as inline assembly: the target has the
 * DSP extension, the compiler takes GNU asm, and optimizes; their C twins (the same sums)
 * otherwise. The loops take up to fourteen registers, so a build that keeps a frame pointer
 * (-O0, or -fno-omit-frame-pointer: the compiler then reports impossible asm constraints) must
 * use the C twins: -O0 does by itself, -fno-omit-frame-pointer needs -DTD_DSP_ASM=0.
 */
#ifndef TD_DSP_ASM
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && defined(__OPTIMIZE__)
#define TD_DSP_ASM 1
#else
#define TD_DSP_ASM 0
#endif
#endif

/** Per signed byte, max(a, b) (SSUB8 + SEL: the GE flags of a - b pick a or b). */
TD_INLINE uint32_t td_max_s8x4(uint32_t a, uint32_t b)
{
#if TD_DSP_ASM
    uint32_t result;
    __asm__("ssub8   %0, %1, %2\n\t"
            "sel     %0, %1, %2"
            : "=&r"(result)
            : "r"(a), "r"(b)
            : "cc");
    return result;
#else
    uint32_t result = 0;
    int lane;
    for (lane = 0; lane < 32; lane += 8) {
        const int32_t x = (int8_t)(uint8_t)(a >> lane), y = (int8_t)(uint8_t)(b >> lane);
        result |= (uint32_t)(uint8_t)(x >= y ? x : y) << lane;
    }
    return result;
#endif
}

/** Per signed byte, min(a, b). */
TD_INLINE uint32_t td_min_s8x4(uint32_t a, uint32_t b)
{
    return td_max_s8x4(a, b) ^ a ^ b;
}

/** The bound on |x + input offset| * |w| of one int8 product (255 * 128). */
#define TD_PRODUCT_MAX_ABS 32640

/** Keeps a rarely taken path out of the hot function (smaller code, fewer registers spilled). */
#if defined(__GNUC__)
#define TD_NOINLINE __attribute__((noinline))
#else
#define TD_NOINLINE
#endif

/** A possibly unaligned 32-bit load (one LDR on cores with unaligned access). */
TD_INLINE uint32_t td_read_u32(const void *address)
{
    uint32_t value;
    memcpy(&value, address, sizeof(value));
    return value;
}

/** Two int16 values packed into lanes (low first). */
TD_INLINE uint32_t td_pack16(int32_t low, int32_t high)
{
    return ((uint32_t)low & 0xffffu) | ((uint32_t)high << 16);
}

/**
 * A 32-bit word of scratch that the kernels also write as int16 or int8 values: reads and
 * writes through it may alias any type, so the compiler keeps them in order. Scratch words
 * are 4-byte aligned (what LDRD needs).
 */
#if defined(__GNUC__)
typedef uint32_t td_word __attribute__((may_alias));
#else
typedef uint32_t td_word;
#endif

#if TD_KERNELS_DSP

/*
 * Requantization of one output channel, prepared once per call (CMSIS-NN hoists it the same
 * way). TFLite's MultiplyByQuantizedMultiplier with double rounding is
 *     t = SaturatingRoundingDoublingHighMul(acc * 2^left, m),  RoundingDivideByPOT(t, right).
 * With m in [0, 2^31) the doubling high multiply is exactly floor((acc * m + 2^30) / 2^31) (the
 * reference's sign-dependent nudge and truncating division meet there; its one saturating case
 * needs m = INT32_MIN), which for |acc| < 2^30 is SMMULR(2 * acc, m). For 1 <= right <= 31 the
 * rounding division, ties away from zero, is (t + (t < 0 ? -1 : 0) + 2^(right - 1)) >> right
 * (|t| < 2^30: no overflow), and t < 0 only when acc < 0, while when acc < 0 and t = 0 the
 * extra -1 changes nothing: the sign term can be taken from acc and, with the rounding
 * constant, go into SMMLAR's accumulator:
 *     result = SMMLAR(2 * acc, m, rounding + (acc >> 31)) >> right
 * A zero multiplier (an empty channel: t = 0) takes right = 1 whatever its shift. The output
 * offset is added after the shift (td_channel_requant_of), or folded into the rounding as
 * offset * 2^right when right <= 21 keeps the sum in int32 (td_channel_requant_folded_of).
 * A channel whose |acc| may reach 2^30 (quantizers saturate some biases near +-2^30) takes the
 * wide form when |acc| + 2^(right - 1) < 2^31 still holds: t from the 64-bit product
 * (acc * m + 2^30) >> 31 (SMLAL), then the same rounding division; it is flagged by
 * TD_REQUANT_WIDE in right_shift. A channel outside all these bounds (a left shift, right = 0
 * with m != 0) takes the reference function. All give the same bits.
 */
typedef struct {
    /** The accumulator's start: the bias (plus whatever a kernel folds into it). */
    int32_t bias;
    int32_t multiplier;
    /** The fast form's right shift (| TD_REQUANT_WIDE: the wide form); 0: the exact form, `rounding` then TFLite's shift. */
    int32_t right_shift;
    /** Fast form: 2^(right - 1) (+ output_offset * 2^right when folded). */
    int32_t rounding;
} td_channel_requant;

/** The most a folded rounding constant's shift can be: |offset| * 2^21 + 2^20 + 2^30 < 2^31. */
#define TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT 21
/** Flag in td_channel_requant.right_shift: the wide form (the shift is right_shift & 31). */
#define TD_REQUANT_WIDE 32

/**
 * The requantization of a channel whose accumulator is bias + `terms` int8 products (so
 * |acc| <= |bias| + terms * 255 * 128): the fast form when right shift <= max_right_shift, its
 * rounding with `folded_offset` folded in; the wide form instead when `wide` allows it.
 */
TD_INLINE td_channel_requant td_channel_requant_with(int32_t bias,
                                                     int32_t multiplier,
                                                     int32_t shift,
                                                     int32_t terms,
                                                     int32_t max_right_shift,
                                                     int32_t folded_offset,
                                                     int wide)
{
    const int64_t bound = (bias < 0 ? -(int64_t)bias : (int64_t)bias) + (int64_t)terms * TD_PRODUCT_MAX_ABS;
    const int32_t right_shift = multiplier == 0 ? 1 : -shift;
    td_channel_requant requant;
    requant.bias = bias;
    requant.multiplier = multiplier;
    requant.right_shift = 0;
    requant.rounding = shift;
    if (right_shift >= 1 && right_shift <= max_right_shift) {
        const int32_t half = (int32_t)1 << (right_shift - 1);
        if (bound < ((int64_t)1 << 30)) {
            requant.right_shift = right_shift;
            requant.rounding = half + folded_offset * ((int32_t)1 << right_shift);
        } else if (wide && bound + half < ((int64_t)1 << 31)) {
            requant.right_shift = right_shift | TD_REQUANT_WIDE;
            requant.rounding = half;
        }
    }
    return requant;
}

/** The fast (or wide) form without the output offset (right shift up to 31): + offset after. */
TD_INLINE td_channel_requant td_channel_requant_of(int32_t bias, int32_t multiplier, int32_t shift, int32_t terms)
{
    return td_channel_requant_with(bias, multiplier, shift, terms, 31, 0, 1);
}

/** The fast form with the output offset folded in (right shift up to 21, no wide form): td_requant_fast(...) alone. */
TD_INLINE td_channel_requant td_channel_requant_folded_of(int32_t bias,
                                                          int32_t multiplier,
                                                          int32_t shift,
                                                          int32_t output_offset,
                                                          int32_t terms)
{
    return td_channel_requant_with(bias, multiplier, shift, terms, TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT, output_offset, 0);
}

/** The fast form: SMMLAR(2 * acc, m, rounding + (acc >> 31)) >> right (see above). */
TD_INLINE int32_t td_requant_fast(int32_t acc, int32_t multiplier, int32_t right_shift, int32_t rounding)
{
    const int32_t doubled = (int32_t)((uint32_t)acc << 1);
    return td_smmlar(doubled, multiplier, rounding + (doubled >> 31)) >> right_shift;
}

/** The wide form: ((acc * m + 2^30) >> 31 + (acc >> 31) + rounding) >> right (see above). */
TD_INLINE int32_t td_requant_wide(int32_t acc, int32_t multiplier, int32_t right_shift, int32_t rounding)
{
    const int32_t high = (int32_t)(((int64_t)acc * (int64_t)multiplier + ((int64_t)1 << 30)) >> 31);
    return (high + (acc >> 31) + rounding) >> right_shift;
}

/** requant(acc) + output offset for any channel of td_channel_requant_of, whichever its form. */
TD_INLINE int32_t td_requant_channel(int32_t acc, const td_channel_requant *requant, int32_t output_offset)
{
    if ((requant->right_shift & TD_REQUANT_WIDE) != 0) {
        return td_requant_wide(acc, requant->multiplier, requant->right_shift & (TD_REQUANT_WIDE - 1),
                               requant->rounding) +
               output_offset;
    }
    if (requant->right_shift != 0) {
        return td_requant_fast(acc, requant->multiplier, requant->right_shift, requant->rounding) + output_offset;
    }
    return td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->rounding) + output_offset;
}

#endif /* TD_KERNELS_DSP */

#endif /* TD_DSP_H */
