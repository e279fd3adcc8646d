/*
 * TinyDeploy kernel library, internal: the inner runs of the blocked float32 kernels
 * (td_conv2d_f32_packed, td_fully_connected_f32_packed, the FPU td_depthwise_conv2d_f32, td_lstm_f32
 * and td_gru_f32).
 *
 * Every run adds products to accumulators one after the other, each accumulator in the order of
 * its own reference loop, with a separate multiply and add (no fused multiply-add): the sums
 * are bit-identical with the reference kernels'. Only the number of accumulators a loaded value
 * serves changes.
 *
 * On a core with a single-precision FPU (__ARM_FP bit 2: Cortex-M4F, M7, M33 with FPU, M55) the
 * runs are Thumb-2 assembly: one VLDM fetches the packed weights of four output channels (or the
 * eight channels of a depthwise tap), the accumulators stay in FPU registers between runs. Any
 * other target compiles the same runs in C.
 */
#ifndef TD_F32_RUNS_H
#define TD_F32_RUNS_H

#include "td_common.h"
#include "td_fc_f32.h"

#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__thumb2__)
#define TD_F32_RUNS_ASM 1
#else
#define TD_F32_RUNS_ASM 0
#endif

/** Four accumulators. */
typedef struct {
    float a0, a1, a2, a3;
} td_f32_acc4;

/** Eight accumulators. */
typedef struct {
    float a0, a1, a2, a3, a4, a5, a6, a7;
} td_f32_acc8;

/**
 * acc_j += x[i] * w[4 * i + j] for i = 0 .. n - 1 in order; returns the advanced pointers
 * through *x and *w (n may be 0).
 */
static inline void td_f32_run_broadcast4(td_f32_acc4 *acc, const float **x, const float **w, int32_t n)
{
#if TD_F32_RUNS_ASM
    float a0 = acc->a0, a1 = acc->a1, a2 = acc->a2, a3 = acc->a3;
    const float *xp = *x;
    const float *wp = *w;
    int32_t pairs;
    /* An odd first value alone, then pairs: two inputs and eight weights per two VLDM. */
    __asm__ volatile(
        "lsrs     %[pairs], %[n], #1\n\t"
        "bcc      1f\n\t"
        "vldmia   %[x]!, {s0}\n\t"
        "vldmia   %[w]!, {s8-s11}\n\t"
        "vmul.f32 s2, s0, s8\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s0, s9\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s0, s10\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s0, s11\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "1:\n\t"
        "cmp      %[pairs], #0\n\t"
        "beq      3f\n\t"
        "2:\n\t"
        "vldmia   %[x]!, {s0-s1}\n\t"
        "vldmia   %[w]!, {s8-s15}\n\t"
        "vmul.f32 s2, s0, s8\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s0, s9\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s0, s10\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s0, s11\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "vmul.f32 s2, s1, s12\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s1, s13\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s1, s14\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s1, s15\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "subs     %[pairs], %[pairs], #1\n\t"
        "bne      2b\n\t"
        "3:\n\t"
        : [x] "+r"(xp), [w] "+r"(wp), [pairs] "=&r"(pairs), [a0] "+t"(a0), [a1] "+t"(a1), [a2] "+t"(a2), [a3] "+t"(a3)
        : [n] "r"(n)
        : "s0", "s1", "s2", "s3", "s4", "s5", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "cc", "memory");
    acc->a0 = a0;
    acc->a1 = a1;
    acc->a2 = a2;
    acc->a3 = a3;
    *x = xp;
    *w = wp;
#else
    const float *xp = *x;
    const float *wp = *w;
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float value = xp[i];
        acc->a0 += value * wp[0];
        acc->a1 += value * wp[1];
        acc->a2 += value * wp[2];
        acc->a3 += value * wp[3];
        wp += 4;
    }
    *x = xp + n;
    *w = wp;
#endif
}

/**
 * acc_j += x[i] * w[8 * i + j] for i = 0 .. n - 1 in order (eight output channels per input
 * value); returns the advanced pointers through *x and *w (n may be 0).
 */
static inline void td_f32_run_broadcast8(td_f32_acc8 *acc, const float **x, const float **w, int32_t n)
{
#if TD_F32_RUNS_ASM
    float a0 = acc->a0, a1 = acc->a1, a2 = acc->a2, a3 = acc->a3, a4 = acc->a4, a5 = acc->a5, a6 = acc->a6, a7 = acc->a7;
    const float *xp = *x;
    const float *wp = *w;
    int32_t pairs;
    /* An odd first value alone, then pairs: two inputs and sixteen weights per two VLDM. */
    __asm__ volatile(
        "lsrs     %[pairs], %[n], #1\n\t"
        "bcc      1f\n\t"
        "vldmia   %[x]!, {s0}\n\t"
        "vldmia   %[w]!, {s8-s15}\n\t"
        "vmul.f32 s2, s0, s8\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s0, s9\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s0, s10\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s0, s11\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "vmul.f32 s2, s0, s12\n\t"
        "vadd.f32 %[a4], %[a4], s2\n\t"
        "vmul.f32 s3, s0, s13\n\t"
        "vadd.f32 %[a5], %[a5], s3\n\t"
        "vmul.f32 s4, s0, s14\n\t"
        "vadd.f32 %[a6], %[a6], s4\n\t"
        "vmul.f32 s5, s0, s15\n\t"
        "vadd.f32 %[a7], %[a7], s5\n\t"
        "1:\n\t"
        "cmp      %[pairs], #0\n\t"
        "beq      3f\n\t"
        "2:\n\t"
        "vldmia   %[x]!, {s0-s1}\n\t"
        "vldmia   %[w]!, {s8-s23}\n\t"
        "vmul.f32 s2, s0, s8\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s0, s9\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s0, s10\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s0, s11\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "vmul.f32 s2, s0, s12\n\t"
        "vadd.f32 %[a4], %[a4], s2\n\t"
        "vmul.f32 s3, s0, s13\n\t"
        "vadd.f32 %[a5], %[a5], s3\n\t"
        "vmul.f32 s4, s0, s14\n\t"
        "vadd.f32 %[a6], %[a6], s4\n\t"
        "vmul.f32 s5, s0, s15\n\t"
        "vadd.f32 %[a7], %[a7], s5\n\t"
        "vmul.f32 s2, s1, s16\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s1, s17\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s1, s18\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s1, s19\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "vmul.f32 s2, s1, s20\n\t"
        "vadd.f32 %[a4], %[a4], s2\n\t"
        "vmul.f32 s3, s1, s21\n\t"
        "vadd.f32 %[a5], %[a5], s3\n\t"
        "vmul.f32 s4, s1, s22\n\t"
        "vadd.f32 %[a6], %[a6], s4\n\t"
        "vmul.f32 s5, s1, s23\n\t"
        "vadd.f32 %[a7], %[a7], s5\n\t"
        "subs     %[pairs], %[pairs], #1\n\t"
        "bne      2b\n\t"
        "3:\n\t"
        : [x] "+r"(xp), [w] "+r"(wp), [pairs] "=&r"(pairs), [a0] "+t"(a0), [a1] "+t"(a1), [a2] "+t"(a2), [a3] "+t"(a3), [a4] "+t"(a4),
          [a5] "+t"(a5), [a6] "+t"(a6), [a7] "+t"(a7)
        : [n] "r"(n)
        : "s0", "s1", "s2", "s3", "s4", "s5", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20",
          "s21", "s22", "s23", "cc", "memory");
    acc->a0 = a0;
    acc->a1 = a1;
    acc->a2 = a2;
    acc->a3 = a3;
    acc->a4 = a4;
    acc->a5 = a5;
    acc->a6 = a6;
    acc->a7 = a7;
    *x = xp;
    *w = wp;
#else
    const float *xp = *x;
    const float *wp = *w;
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float value = xp[i];
        acc->a0 += value * wp[0];
        acc->a1 += value * wp[1];
        acc->a2 += value * wp[2];
        acc->a3 += value * wp[3];
        acc->a4 += value * wp[4];
        acc->a5 += value * wp[5];
        acc->a6 += value * wp[6];
        acc->a7 += value * wp[7];
        wp += 8;
    }
    *x = xp + n;
    *w = wp;
#endif
}

/**
 * Four rows of weights where they lie (no packing): acc_j += x[i] * w_j[i] for i = 0 .. n - 1 in
 * order, each input value loaded once for the four rows.
 */
static inline void td_f32_run_rows4(td_f32_acc4 *acc, const float *x, const float *w0, const float *w1, const float *w2, const float *w3, int32_t n)
{
#if TD_F32_RUNS_ASM
    float a0 = acc->a0, a1 = acc->a1, a2 = acc->a2, a3 = acc->a3;
    int32_t pairs;
    __asm__ volatile(
        "lsrs     %[pairs], %[n], #1\n\t"
        "bcc      1f\n\t"
        "vldmia   %[x]!, {s0}\n\t"
        "vldmia   %[w0]!, {s8}\n\t"
        "vldmia   %[w1]!, {s10}\n\t"
        "vldmia   %[w2]!, {s12}\n\t"
        "vldmia   %[w3]!, {s14}\n\t"
        "vmul.f32 s2, s0, s8\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s0, s10\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s0, s12\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s0, s14\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "1:\n\t"
        "cmp      %[pairs], #0\n\t"
        "beq      3f\n\t"
        "2:\n\t"
        "vldmia   %[x]!, {s0-s1}\n\t"
        "vldmia   %[w0]!, {s8-s9}\n\t"
        "vldmia   %[w1]!, {s10-s11}\n\t"
        "vldmia   %[w2]!, {s12-s13}\n\t"
        "vldmia   %[w3]!, {s14-s15}\n\t"
        "vmul.f32 s2, s0, s8\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s0, s10\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s0, s12\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s0, s14\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "vmul.f32 s2, s1, s9\n\t"
        "vadd.f32 %[a0], %[a0], s2\n\t"
        "vmul.f32 s3, s1, s11\n\t"
        "vadd.f32 %[a1], %[a1], s3\n\t"
        "vmul.f32 s4, s1, s13\n\t"
        "vadd.f32 %[a2], %[a2], s4\n\t"
        "vmul.f32 s5, s1, s15\n\t"
        "vadd.f32 %[a3], %[a3], s5\n\t"
        "subs     %[pairs], %[pairs], #1\n\t"
        "bne      2b\n\t"
        "3:\n\t"
        : [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3), [pairs] "=&r"(pairs), [a0] "+t"(a0), [a1] "+t"(a1),
          [a2] "+t"(a2), [a3] "+t"(a3)
        : [n] "r"(n)
        : "s0", "s1", "s2", "s3", "s4", "s5", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "cc", "memory");
    acc->a0 = a0;
    acc->a1 = a1;
    acc->a2 = a2;
    acc->a3 = a3;
#else
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float value = x[i];
        acc->a0 += value * w0[i];
        acc->a1 += value * w1[i];
        acc->a2 += value * w2[i];
        acc->a3 += value * w3[i];
    }
#endif
}

/**
 * The float recurrent kernels' fully connected product (td_f32_fc, td_fc_f32.h) four weight rows at a
 * time where the weights lie (td_f32_run_rows4: each input value loaded once for four sums), leftover
 * rows one by one: the same sums in the same order, bit-identical.
 */
static inline void td_f32_fc_rows4(const float *values,
                                   const float *weights,
                                   const float *bias,
                                   int32_t rows,
                                   int32_t depth,
                                   int32_t units,
                                   float *result)
{
    int32_t row, unit;
    for (row = 0; row < rows; ++row) {
        const float *vector = values + row * depth;
        for (unit = 0; unit + 4 <= units; unit += 4) {
            const float *w = weights + unit * depth;
            td_f32_acc4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
            td_f32_run_rows4(&acc, vector, w, w + depth, w + 2 * depth, w + 3 * depth, depth);
            *result++ = td_f32_biased(acc.a0, bias, unit);
            *result++ = td_f32_biased(acc.a1, bias, unit + 1);
            *result++ = td_f32_biased(acc.a2, bias, unit + 2);
            *result++ = td_f32_biased(acc.a3, bias, unit + 3);
        }
        for (; unit < units; ++unit) {
            *result++ = td_f32_biased(td_f32_dot(0.0f, vector, weights + unit * depth, depth), bias, unit);
        }
    }
}

/**
 * Depthwise taps of eight channels: for t = 0 .. taps - 1 in order,
 * acc_j += x[t * x_step + j] * w[t * w_step + j] (taps may be 0; steps in floats).
 */
static inline void td_f32_run_lanes8(td_f32_acc8 *acc, const float *x, int32_t x_step, const float *w, int32_t w_step, int32_t taps)
{
#if TD_F32_RUNS_ASM
    float a0 = acc->a0, a1 = acc->a1, a2 = acc->a2, a3 = acc->a3, a4 = acc->a4, a5 = acc->a5, a6 = acc->a6, a7 = acc->a7;
    const int32_t x_bytes = x_step * 4;
    const int32_t w_bytes = w_step * 4;
    if (taps > 0) {
        __asm__ volatile(
            "1:\n\t"
            "vldmia   %[x], {s0-s7}\n\t"
            "vldmia   %[w], {s8-s15}\n\t"
            "add      %[x], %[x], %[xs]\n\t"
            "add      %[w], %[w], %[ws]\n\t"
            "vmul.f32 s0, s0, s8\n\t"
            "vadd.f32 %[a0], %[a0], s0\n\t"
            "vmul.f32 s1, s1, s9\n\t"
            "vadd.f32 %[a1], %[a1], s1\n\t"
            "vmul.f32 s2, s2, s10\n\t"
            "vadd.f32 %[a2], %[a2], s2\n\t"
            "vmul.f32 s3, s3, s11\n\t"
            "vadd.f32 %[a3], %[a3], s3\n\t"
            "vmul.f32 s4, s4, s12\n\t"
            "vadd.f32 %[a4], %[a4], s4\n\t"
            "vmul.f32 s5, s5, s13\n\t"
            "vadd.f32 %[a5], %[a5], s5\n\t"
            "vmul.f32 s6, s6, s14\n\t"
            "vadd.f32 %[a6], %[a6], s6\n\t"
            "vmul.f32 s7, s7, s15\n\t"
            "vadd.f32 %[a7], %[a7], s7\n\t"
            "subs     %[n], %[n], #1\n\t"
            "bne      1b\n\t"
            : [x] "+r"(x), [w] "+r"(w), [n] "+r"(taps), [a0] "+t"(a0), [a1] "+t"(a1), [a2] "+t"(a2), [a3] "+t"(a3), [a4] "+t"(a4),
              [a5] "+t"(a5), [a6] "+t"(a6), [a7] "+t"(a7)
            : [xs] "r"(x_bytes), [ws] "r"(w_bytes)
            : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "cc", "memory");
    }
    acc->a0 = a0;
    acc->a1 = a1;
    acc->a2 = a2;
    acc->a3 = a3;
    acc->a4 = a4;
    acc->a5 = a5;
    acc->a6 = a6;
    acc->a7 = a7;
#else
    int32_t t;
    for (t = 0; t < taps; ++t) {
        acc->a0 += x[0] * w[0];
        acc->a1 += x[1] * w[1];
        acc->a2 += x[2] * w[2];
        acc->a3 += x[3] * w[3];
        acc->a4 += x[4] * w[4];
        acc->a5 += x[5] * w[5];
        acc->a6 += x[6] * w[6];
        acc->a7 += x[7] * w[7];
        x += x_step;
        w += w_step;
    }
#endif
}

/** Depthwise taps of four channels, as td_f32_run_lanes8. */
static inline void td_f32_run_lanes4(td_f32_acc4 *acc, const float *x, int32_t x_step, const float *w, int32_t w_step, int32_t taps)
{
#if TD_F32_RUNS_ASM
    float a0 = acc->a0, a1 = acc->a1, a2 = acc->a2, a3 = acc->a3;
    const int32_t x_bytes = x_step * 4;
    const int32_t w_bytes = w_step * 4;
    if (taps > 0) {
        __asm__ volatile(
            "1:\n\t"
            "vldmia   %[x], {s0-s3}\n\t"
            "vldmia   %[w], {s8-s11}\n\t"
            "add      %[x], %[x], %[xs]\n\t"
            "add      %[w], %[w], %[ws]\n\t"
            "vmul.f32 s0, s0, s8\n\t"
            "vadd.f32 %[a0], %[a0], s0\n\t"
            "vmul.f32 s1, s1, s9\n\t"
            "vadd.f32 %[a1], %[a1], s1\n\t"
            "vmul.f32 s2, s2, s10\n\t"
            "vadd.f32 %[a2], %[a2], s2\n\t"
            "vmul.f32 s3, s3, s11\n\t"
            "vadd.f32 %[a3], %[a3], s3\n\t"
            "subs     %[n], %[n], #1\n\t"
            "bne      1b\n\t"
            : [x] "+r"(x), [w] "+r"(w), [n] "+r"(taps), [a0] "+t"(a0), [a1] "+t"(a1), [a2] "+t"(a2), [a3] "+t"(a3)
            : [xs] "r"(x_bytes), [ws] "r"(w_bytes)
            : "s0", "s1", "s2", "s3", "s8", "s9", "s10", "s11", "cc", "memory");
    }
    acc->a0 = a0;
    acc->a1 = a1;
    acc->a2 = a2;
    acc->a3 = a3;
#else
    int32_t t;
    for (t = 0; t < taps; ++t) {
        acc->a0 += x[0] * w[0];
        acc->a1 += x[1] * w[1];
        acc->a2 += x[2] * w[2];
        acc->a3 += x[3] * w[3];
        x += x_step;
        w += w_step;
    }
#endif
}

/**
 * The taps [*first, *end) of a window of `taps` taps starting at `origin` with `dilation` that
 * fall inside [0, size): the border split from the interior once per output pixel, so the
 * runs test no tap.
 */
static inline void td_f32_tap_range(int32_t origin, int32_t dilation, int32_t size, int32_t taps, int32_t *first, int32_t *end)
{
    int32_t k0 = 0;
    int32_t k1 = taps;
    while (k0 < taps && origin + dilation * k0 < 0) {
        ++k0;
    }
    while (k1 > k0 && origin + dilation * (k1 - 1) >= size) {
        --k1;
    }
    *first = k0;
    *end = k1;
}

#endif /* TD_F32_RUNS_H */
