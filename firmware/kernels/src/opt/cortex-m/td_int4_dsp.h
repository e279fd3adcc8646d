/*
 * TinyDeploy kernel library, internal: dot products of packed int4 weights (td_int4.h) with
 * SMLAD. One word of weights holds eight values w0..w7 (byte k: w(2k) low, w(2k+1) high
 * nibble). Masked with 0xf0f0f0f0 the word keeps the odd values as 16 w in each byte's top
 * nibble, and shifted left by four first the even ones; SXTB16 then gives the lanes (w0, w4)
 * and, rotated by 8, (w2, w6) of the even word and (w1, w5), (w3, w7) of the odd one, each
 * times 16: one load, three ALU instructions and four SXTB16 per eight weights, no table. The
 * input is widened once to int16 (its offset added, padded taps 0) in the lane order
 * td_int4_lane gives, so four SMLAD finish the eight products; the sum is 16 times the
 * dot product, exact while depth * 16 * 8 * 255 < 2^31 (TD_INT4_DSP_MAX_DEPTH), and shifted
 * back by four.
 */
#ifndef TD_INT4_DSP_H
#define TD_INT4_DSP_H

#include "../../internal/td_int4.h"
#include "td_dsp.h"

/** The largest dot product length whose sum of 16 w (x + offset) stays in int32. */
#define TD_INT4_DSP_MAX_DEPTH 65536

#if defined(__GNUC__)
typedef int16_t td_int4_half __attribute__((may_alias));
#else
typedef int16_t td_int4_half;
#endif

/** Where element i of a group of eight goes among the group's int16 lanes: 0 4 2 6 1 5 3 7 (its own inverse). */
TD_INLINE int32_t td_int4_lane(int32_t i)
{
    static const uint8_t lanes[8] = {0, 4, 2, 6, 1, 5, 3, 7};
    return (i & ~7) | lanes[i & 7];
}

#if TD_KERNELS_DSP

/** The first groups * 8 values of x plus offset as int16 in lane order (four words per group), into `lanes`. */
TD_INLINE void td_int4_widen(const int8_t *x, int32_t groups, int32_t offset, td_word *lanes)
{
    int32_t g;
    for (g = 0; g < groups; ++g, x += 8, lanes += 4) {
        lanes[0] = td_pack16(x[0] + offset, x[4] + offset);
        lanes[1] = td_pack16(x[2] + offset, x[6] + offset);
        lanes[2] = td_pack16(x[1] + offset, x[5] + offset);
        lanes[3] = td_pack16(x[3] + offset, x[7] + offset);
    }
}

/** 16 times the dot product of groups * 8 packed weights (from a byte boundary) with widened lanes. */
TD_INLINE int32_t td_int4_dot16(const int8_t *weights, const td_word *lanes, int32_t groups)
{
    const uint32_t mask = 0xf0f0f0f0u;
    int32_t acc = 0;
    int32_t g;
    for (g = 0; g < groups; ++g, weights += 4, lanes += 4) {
        const uint32_t word = td_read_u32(weights);
        const uint32_t even = (word << 4) & mask;
        const uint32_t odd = word & mask;
        acc = td_smlad(td_sxtb16(even), lanes[0], acc);
        acc = td_smlad(td_sxtb16_ror8(even), lanes[1], acc);
        acc = td_smlad(td_sxtb16(odd), lanes[2], acc);
        acc = td_smlad(td_sxtb16_ror8(odd), lanes[3], acc);
    }
    return acc;
}

/** Two rows at once (their weights `stride` bytes apart): the lanes are loaded once for both. */
TD_INLINE void td_int4_dot16_two(const int8_t *weights, int32_t stride, const td_word *lanes, int32_t groups, int32_t *acc0, int32_t *acc1)
{
    const uint32_t mask = 0xf0f0f0f0u;
    int32_t a0 = 0, a1 = 0;
    int32_t g;
    for (g = 0; g < groups; ++g, weights += 4, lanes += 4) {
        const uint32_t x0 = lanes[0], x1 = lanes[1], x2 = lanes[2], x3 = lanes[3];
        const uint32_t w0 = td_read_u32(weights);
        const uint32_t w1 = td_read_u32(weights + stride);
        const uint32_t e0 = (w0 << 4) & mask, o0 = w0 & mask;
        const uint32_t e1 = (w1 << 4) & mask, o1 = w1 & mask;
        a0 = td_smlad(td_sxtb16(e0), x0, a0);
        a1 = td_smlad(td_sxtb16(e1), x0, a1);
        a0 = td_smlad(td_sxtb16_ror8(e0), x1, a0);
        a1 = td_smlad(td_sxtb16_ror8(e1), x1, a1);
        a0 = td_smlad(td_sxtb16(o0), x2, a0);
        a1 = td_smlad(td_sxtb16(o1), x2, a1);
        a0 = td_smlad(td_sxtb16_ror8(o0), x3, a0);
        a1 = td_smlad(td_sxtb16_ror8(o1), x3, a1);
    }
    *acc0 = a0;
    *acc1 = a1;
}

/** A sum of 16 w (x + offset) back to the sum of w (x + offset) (a multiple of 16: exact). */
TD_INLINE int32_t td_int4_unscale(int32_t acc16)
{
    return acc16 / 16;
}

#endif /* TD_KERNELS_DSP */

#endif /* TD_INT4_DSP_H */
