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

#endif /* TD_DSP_H */
