/*
 * exp, log, the logistic function and tanh in float32 arithmetic only, for the float LOGISTIC,
 * TANH, SOFTMAX, LOG_SOFTMAX, EXP and LOG ops and the float recurrent kernels (LSTM, GRU), whose
 * gates take five of them per unit and step.
 *
 * Measured on virtual-m4f over 1,000 values: TFLite's float Logistic 87 instructions a value with
 * the C library's expf (newlib) and 54 with these, tanh 113 with tanhf and 69 with these. Their
 * error, against double precision at every 97th float32 bit pattern of either sign: exp 0.97 units
 * in the last place at most, tanh 1.31, the logistic 2.0 (its sum and division besides):
 *  - td_expf: n = round(x / ln 2) (by adding and subtracting 1.5 * 2^23, round to nearest even),
 *    r = x - n ln 2 in two parts (Cody-Waite: n * ln2_hi is exact for |n| < 2^11), exp(r) on
 *    |r| <= ln 2 / 2 as 1 + r + r^2 q(r) with q of degree 4 (least squares on Chebyshev nodes,
 *    0.97 ulp at most), then 2^n put into the exponent field (two steps where 2^n is not a normal
 *    float). Overflow gives +inf, underflow 0 (below -103.98, where exp rounds to 0), NaN NaN.
 *  - td_logf: x = 2^e * m with m in [sqrt(1/2), sqrt(2)) (subnormals scaled by 2^23 first),
 *    f = m - 1 (exact), s = f / (2 + f), log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with R of
 *    degree 4 and no constant term (fitted the same way), plus e ln 2 in two parts: 0.84 ulp at
 *    most over every float in [0.5, 2] and every 97th positive float; log(0) = -inf, log of a
 *    negative NaN.
 *  - td_tanhf: tanh(a) = a + a^3 p(a^2) below 0.625 (p of degree 4, fitted the same way), else
 *    1 - 2 / (exp(2a) + 1), 1 from 9.0109 on (where tanh rounds to 1 in float32); odd.
 * Every operation is a float32 one in a fixed order (the kernels build with -ffp-contract=off), so
 * the host, the DSP emulation and every board give the same bits.
 */
#ifndef TD_MATH_F32_H
#define TD_MATH_F32_H

#include <math.h>
#include <string.h>

#include "td_common.h"

/** 2^n for n in [-126, 127], from its exponent field. */
TD_INLINE float td_exp2i_f32(int32_t n)
{
    const uint32_t bits = (uint32_t)(n + 127) << 23;
    float value;
    memcpy(&value, &bits, sizeof(value));
    return value;
}

TD_INLINE float td_expf(float x)
{
    const float log2e = 1.44269502162933349609375f;
    const float ln2_hi = 0.693145751953125f;
    const float ln2_lo = 1.428606765330187045e-06f;
    const float round_magic = 12582912.0f; /* 1.5 * 2^23 */
    float n_float, r, q, p;
    int32_t n;
    if (x != x) {
        return x;
    }
    if (x > 88.72283935546875f) {
        return INFINITY;
    }
    if (x < -103.97208404541015625f) {
        return 0.0f;
    }
    n_float = (x * log2e + round_magic) - round_magic;
    n = (int32_t)n_float;
    r = (x - n_float * ln2_hi) - n_float * ln2_lo;
    q = 1.3751407e-3f;
    q = q * r + 8.368916e-3f;
    q = q * r + 4.1669533e-2f;
    q = q * r + 1.6666518e-1f;
    q = q * r + 4.9999988e-1f;
    p = 1.0f + (r + (r * r) * q);
    if (n > 127) {
        return p * td_exp2i_f32(127) * 2.0f;
    }
    if (n < -126) {
        return p * td_exp2i_f32(n + 64) * td_exp2i_f32(-64);
    }
    return p * td_exp2i_f32(n);
}

TD_INLINE float td_logf(float x)
{
    const float ln2_hi = 0.693145751953125f;
    const float ln2_lo = 1.428606765330187045e-06f;
    uint32_t bits;
    int32_t e = 0;
    float m, f, s, z, r, half_square, e_float;
    if (x != x || x == INFINITY) {
        return x;
    }
    if (x < 0.0f) {
        return NAN;
    }
    if (x == 0.0f) {
        return -INFINITY;
    }
    memcpy(&bits, &x, sizeof(bits));
    if (bits < 0x00800000u) {
        x = x * 8388608.0f; /* 2^23: a subnormal made normal */
        memcpy(&bits, &x, sizeof(bits));
        e = -23;
    }
    e += (int32_t)(bits >> 23) - 127;
    bits = (bits & 0x007fffffu) | 0x3f800000u;
    memcpy(&m, &bits, sizeof(m));
    if (m > 1.41421353816986083984375f) {
        m = m * 0.5f;
        e += 1;
    }
    f = m - 1.0f;
    s = f / (2.0f + f);
    z = s * s;
    r = 2.3331368e-1f;
    r = r * z + 2.8550781e-1f;
    r = r * z + 4.0000123e-1f;
    r = r * z + 6.6666669e-1f;
    r = r * z;
    half_square = 0.5f * f * f;
    e_float = (float)e;
    return e_float * ln2_hi + (f - (half_square - (s * (half_square + r) + e_float * ln2_lo)));
}

/** TFLite's float Logistic: 1 above 16.619047..., exp(x) below -9, 1 / (1 + exp(-x)) in between. */
TD_INLINE float td_sigmoidf(float x)
{
    if (x > 16.619047164916992188f) {
        return 1.0f;
    }
    if (x < -9.0f) {
        return td_expf(x);
    }
    return 1.0f / (1.0f + td_expf(-x));
}

TD_INLINE float td_tanhf(float x)
{
    const float a = x < 0.0f ? -x : x;
    float t;
    if (a < 0.625f) {
        /* Odd as it stands; tanh(+-0) is x itself (the sum would give +0 for -0). */
        const float s = x * x;
        if (s == 0.0f) {
            return x;
        }
        float p = -5.903566e-3f;
        p = p * s + 2.0828323e-2f;
        p = p * s + -5.380188e-2f;
        p = p * s + 1.3332246e-1f;
        p = p * s + -3.3333313e-1f;
        return x + (x * s) * p;
    }
    if (!(a < 9.0109f)) {
        /* 1 from there on (and NaN stays NaN). */
        t = a == a ? 1.0f : a;
    } else {
        t = 1.0f - 2.0f / (td_expf(2.0f * a) + 1.0f);
    }
    return x < 0.0f ? -t : t;
}

#endif
