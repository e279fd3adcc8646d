/*
 * TinyDeploy kernel library, internal: dot products of packed int4 weights (td_int4.h) with
 * SMLALD. One word of weights holds eight values w0..w7, w_k in bits 4k..4k+3. Masked with
 * 0xf000f000 after a left shift by 12, 8, 4 or 0, it holds the pair (w_k, w_k+4) in the top
 * nibbles of its two halfwords: as int16 lanes, 4096 times the signed values, k = 0..3. So one
 * load and four AND (a shifted register operand) give the eight weights as four SMLAD-ready
 * pairs, with no SXTB16 or table. The input is widened once to int16 (its offset added, padded
 * taps 0) in the matching lane order (td_int4_lane: x_k beside x_k+4), and four SMLALD finish
 * the eight products into a 64-bit sum (4096 · 8 · 255 per product would overflow 32 bits after
 * some hundred terms); the sum is exactly 4096 times the dot product.
 */
#ifndef TD_INT4_DSP_H
#define TD_INT4_DSP_H

#include "../../internal/td_int4.h"
#include "td_dsp.h"

/** The largest dot product length the kernels take this path for (the true sum stays far inside int32). */
#define TD_INT4_DSP_MAX_DEPTH 65536

#if defined(__GNUC__)
typedef int16_t td_int4_half __attribute__((may_alias));
#else
typedef int16_t td_int4_half;
#endif

/** Where element i of a group of eight goes among the group's int16 lanes: x_k beside x_k+4. */
TD_INLINE int32_t td_int4_lane(int32_t i)
{
    const int32_t k = i & 7;
    return (i & ~7) | (k < 4 ? 2 * k : 2 * (k - 4) + 1);
}

#if TD_KERNELS_DSP

#if defined(__ARM_FEATURE_DSP)
TD_INLINE int64_t td_smlald(uint32_t x, uint32_t y, int64_t acc) { return __smlald((int32_t)x, (int32_t)y, acc); }
#else
TD_INLINE int64_t td_smlald(uint32_t x, uint32_t y, int64_t acc)
{
    return acc + (int64_t)((int32_t)(int16_t)(x & 0xffffu) * (int32_t)(int16_t)(y & 0xffffu)) +
           (int64_t)((int32_t)(int16_t)(x >> 16) * (int32_t)(int16_t)(y >> 16));
}
#endif

/** The first groups * 8 values of x plus offset as int16 in lane order (four words per group), into `lanes`. */
TD_INLINE void td_int4_widen(const int8_t *x, int32_t groups, int32_t offset, td_word *lanes)
{
    int32_t g;
    for (g = 0; g < groups; ++g, x += 8, lanes += 4) {
        lanes[0] = td_pack16(x[0] + offset, x[4] + offset);
        lanes[1] = td_pack16(x[1] + offset, x[5] + offset);
        lanes[2] = td_pack16(x[2] + offset, x[6] + offset);
        lanes[3] = td_pack16(x[3] + offset, x[7] + offset);
    }
}

/** The dot product of groups * 8 packed weights (from a byte boundary) with widened lanes. */
TD_INLINE int32_t td_int4_dot_lanes(const int8_t *weights, const td_word *lanes, int32_t groups)
{
    const uint32_t mask = 0xf000f000u;
    int64_t acc = 0;
    int32_t g;
    for (g = 0; g < groups; ++g, weights += 4, lanes += 4) {
        const uint32_t word = td_read_u32(weights);
        acc = td_smlald((word << 12) & mask, lanes[0], acc);
        acc = td_smlald((word << 8) & mask, lanes[1], acc);
        acc = td_smlald((word << 4) & mask, lanes[2], acc);
        acc = td_smlald(word & mask, lanes[3], acc);
    }
    return (int32_t)(acc / 4096);
}

/**
 * Two rows at once (their weights `stride` bytes apart): the lanes are loaded once for both. On
 * the target one group is 22 instructions for 16 MACs (two LDR, two LDRD, eight AND with a
 * shifted operand, eight SMLALD, the loop's compare and branch); the C twin below gives the same
 * sums.
 */
TD_INLINE void td_int4_dot_lanes_two(const int8_t *weights, int32_t stride, const td_word *lanes, int32_t groups, int32_t *sum0, int32_t *sum1)
{
#if TD_DSP_ASM
    uint32_t a0l = 0, a0h = 0, a1l = 0, a1h = 0, w0, w1, x0, x1, t;
    const uint32_t mask = 0xf000f000u;
    const int8_t *second = weights + stride;
    const td_word *end = lanes + 4 * groups;
    __asm__("1:\n\t"
            "ldr     %[w0], [%[wp]], #4\n\t"
            "ldr     %[w1], [%[wq]], #4\n\t"
            "ldrd    %[x0], %[x1], [%[lp]], #8\n\t"
            "and     %[t], %[mask], %[w0], lsl #12\n\t"
            "smlald  %[a0l], %[a0h], %[t], %[x0]\n\t"
            "and     %[t], %[mask], %[w1], lsl #12\n\t"
            "smlald  %[a1l], %[a1h], %[t], %[x0]\n\t"
            "and     %[t], %[mask], %[w0], lsl #8\n\t"
            "smlald  %[a0l], %[a0h], %[t], %[x1]\n\t"
            "and     %[t], %[mask], %[w1], lsl #8\n\t"
            "smlald  %[a1l], %[a1h], %[t], %[x1]\n\t"
            "ldrd    %[x0], %[x1], [%[lp]], #8\n\t"
            "and     %[t], %[mask], %[w0], lsl #4\n\t"
            "smlald  %[a0l], %[a0h], %[t], %[x0]\n\t"
            "and     %[t], %[mask], %[w1], lsl #4\n\t"
            "smlald  %[a1l], %[a1h], %[t], %[x0]\n\t"
            "and     %[t], %[mask], %[w0]\n\t"
            "smlald  %[a0l], %[a0h], %[t], %[x1]\n\t"
            "and     %[t], %[mask], %[w1]\n\t"
            "smlald  %[a1l], %[a1h], %[t], %[x1]\n\t"
            "cmp     %[lp], %[end]\n\t"
            "bne     1b"
            : [a0l] "+r"(a0l), [a0h] "+r"(a0h), [a1l] "+r"(a1l), [a1h] "+r"(a1h), [wp] "+r"(weights), [wq] "+r"(second),
              [lp] "+r"(lanes), [w0] "=&r"(w0), [w1] "=&r"(w1), [x0] "=&r"(x0), [x1] "=&r"(x1), [t] "=&r"(t)
            : [mask] "r"(mask), [end] "r"(end)
            : "cc", "memory");
    *sum0 = (int32_t)((int64_t)(((uint64_t)a0h << 32) | a0l) / 4096);
    *sum1 = (int32_t)((int64_t)(((uint64_t)a1h << 32) | a1l) / 4096);
#else
    const uint32_t mask = 0xf000f000u;
    int64_t a0 = 0, a1 = 0;
    int32_t g;
    for (g = 0; g < groups; ++g, weights += 4, lanes += 4) {
        const uint32_t x0 = lanes[0], x1 = lanes[1], x2 = lanes[2], x3 = lanes[3];
        const uint32_t w0 = td_read_u32(weights);
        const uint32_t w1 = td_read_u32(weights + stride);
        a0 = td_smlald((w0 << 12) & mask, x0, a0);
        a1 = td_smlald((w1 << 12) & mask, x0, a1);
        a0 = td_smlald((w0 << 8) & mask, x1, a0);
        a1 = td_smlald((w1 << 8) & mask, x1, a1);
        a0 = td_smlald((w0 << 4) & mask, x2, a0);
        a1 = td_smlald((w1 << 4) & mask, x2, a1);
        a0 = td_smlald(w0 & mask, x3, a0);
        a1 = td_smlald(w1 & mask, x3, a1);
    }
    *sum0 = (int32_t)(a0 / 4096);
    *sum1 = (int32_t)(a1 / 4096);
#endif
}

#endif /* TD_KERNELS_DSP */

#endif /* TD_INT4_DSP_H */
