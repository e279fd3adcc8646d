/*
 * TinyDeploy kernel library, internal (Cortex-M DSP): four int8 weight rows against one int8
 * input row, four inputs per step, shared by the FULLY_CONNECTED and SVDF kernels.
 */
#ifndef TD_FOUR_ROWS_DSP_H
#define TD_FOUR_ROWS_DSP_H

#include "td_dsp.h"

#if TD_KERNELS_DSP

/*
 * TD_DOT_FOUR_ROWS(values, values_end, weights0, weights2, row_size, offsets, acc0, acc1, acc2,
 * acc3): four weight rows (int8, row_size bytes apart: rows 0 and 1 from weights0, rows 2 and 3
 * from weights2) against one input row (int8, plus the input offset given in both int16 lanes
 * of `offsets`), four values per step from `values` to values_end (at least one step). Per step:
 * one input load, two SXTB16 and two SADD16 shared by the rows, then per row one load, two
 * SXTB16 and two SMLAD. `values`, weights0 and weights2 are advanced. In assembly on the target
 * (fourteen registers, which the compiler does not manage without spilling); the C twin is the
 * same sums.
 */
#if TD_DSP_ASM
#define TD_DOT_FOUR_ROWS(values, values_end, weights0, weights2, row_size, offsets, acc0, acc1, acc2, acc3) \
    do {                                                                                                 \
        uint32_t td_even_, td_odd_, td_weights_, td_weights_even_;                                       \
        __asm__("1:\n\t"                                                                                 \
                "ldr     %[x], [%[vp]], #4\n\t"                                                          \
                "ldr     %[w], [%[w0], %[rs]]\n\t"                                                       \
                "sxtb16  %[xo], %[x], ror #8\n\t"                                                        \
                "sxtb16  %[x], %[x]\n\t"                                                                 \
                "sadd16  %[x], %[x], %[off]\n\t"                                                         \
                "sadd16  %[xo], %[xo], %[off]\n\t"                                                       \
                "sxtb16  %[we], %[w]\n\t"                                                                \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s1], %[we], %[x], %[s1]\n\t"                                                  \
                "smlad   %[s1], %[w], %[xo], %[s1]\n\t"                                                  \
                "ldr     %[w], [%[w0]], #4\n\t"                                                          \
                "sxtb16  %[we], %[w]\n\t"                                                                \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s0], %[we], %[x], %[s0]\n\t"                                                  \
                "smlad   %[s0], %[w], %[xo], %[s0]\n\t"                                                  \
                "ldr     %[w], [%[w2], %[rs]]\n\t"                                                       \
                "sxtb16  %[we], %[w]\n\t"                                                                \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s3], %[we], %[x], %[s3]\n\t"                                                  \
                "smlad   %[s3], %[w], %[xo], %[s3]\n\t"                                                  \
                "ldr     %[w], [%[w2]], #4\n\t"                                                          \
                "sxtb16  %[we], %[w]\n\t"                                                                \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s2], %[we], %[x], %[s2]\n\t"                                                  \
                "smlad   %[s2], %[w], %[xo], %[s2]\n\t"                                                  \
                "cmp     %[vp], %[end]\n\t"                                                              \
                "bne     1b"                                                                             \
                : [s0] "+r"(acc0), [s1] "+r"(acc1), [s2] "+r"(acc2), [s3] "+r"(acc3), [vp] "+r"(values),     \
                  [w0] "+r"(weights0), [w2] "+r"(weights2), [x] "=&r"(td_even_), [xo] "=&r"(td_odd_),         \
                  [w] "=&r"(td_weights_), [we] "=&r"(td_weights_even_)                                     \
                : [end] "r"(values_end), [rs] "r"(row_size), [off] "r"(offsets)                           \
                : "cc", "memory");                                                                      \
    } while (0)
/* The same without the input offset (the generator folded it into the bias): two SADD16 fewer per step. */
#define TD_DOT_FOUR_ROWS_NO_OFFSET(values, values_end, weights0, weights2, row_size, acc0, acc1, acc2, acc3) \
    do {                                                                                                 \
        uint32_t td_even_, td_odd_, td_weights_, td_weights_even_;                                       \
        __asm__("1:\n\t"                                                                                 \
                "ldr     %[x], [%[vp]], #4\n\t"                                                          \
                "ldr     %[w], [%[w0], %[rs]]\n\t"                                                       \
                "sxtb16  %[xo], %[x], ror #8\n\t"                                                        \
                "sxtb16  %[x], %[x]\n\t"                                                                 \
                "sxtb16  %[we], %[w]\n\t"                                                                \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s1], %[we], %[x], %[s1]\n\t"                                                  \
                "smlad   %[s1], %[w], %[xo], %[s1]\n\t"                                                  \
                "ldr     %[w], [%[w0]], #4\n\t"                                                          \
                "sxtb16  %[we], %[w]\n\t"                                                                \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s0], %[we], %[x], %[s0]\n\t"                                                  \
                "smlad   %[s0], %[w], %[xo], %[s0]\n\t"                                                  \
                "ldr     %[w], [%[w2], %[rs]]\n\t"                                                       \
                "sxtb16  %[we], %[w]\n\t"                                                                \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s3], %[we], %[x], %[s3]\n\t"                                                  \
                "smlad   %[s3], %[w], %[xo], %[s3]\n\t"                                                  \
                "ldr     %[w], [%[w2]], #4\n\t"                                                          \
                "sxtb16  %[we], %[w]\n\t"                                                                \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s2], %[we], %[x], %[s2]\n\t"                                                  \
                "smlad   %[s2], %[w], %[xo], %[s2]\n\t"                                                  \
                "cmp     %[vp], %[end]\n\t"                                                              \
                "bne     1b"                                                                             \
                : [s0] "+r"(acc0), [s1] "+r"(acc1), [s2] "+r"(acc2), [s3] "+r"(acc3), [vp] "+r"(values),     \
                  [w0] "+r"(weights0), [w2] "+r"(weights2), [x] "=&r"(td_even_), [xo] "=&r"(td_odd_),         \
                  [w] "=&r"(td_weights_), [we] "=&r"(td_weights_even_)                                     \
                : [end] "r"(values_end), [rs] "r"(row_size)                           \
                : "cc", "memory");                                                                      \
    } while (0)
#else
#define TD_DOT_FOUR_ROWS(values, values_end, weights0, weights2, row_size, offsets, acc0, acc1, acc2, acc3) \
    do {                                                                                                 \
        do {                                                                                             \
            const uint32_t td_four_ = td_read_u32(values);                                               \
            const uint32_t td_even_ = td_sadd16(td_sxtb16(td_four_), (offsets));                        \
            const uint32_t td_odd_ = td_sadd16(td_sxtb16_ror8(td_four_), (offsets));                    \
            const uint32_t td_row0_ = td_read_u32(weights0);                                             \
            const uint32_t td_row1_ = td_read_u32((weights0) + (row_size));                              \
            const uint32_t td_row2_ = td_read_u32(weights2);                                             \
            const uint32_t td_row3_ = td_read_u32((weights2) + (row_size));                              \
            (acc0) = td_smlad(td_sxtb16_ror8(td_row0_), td_odd_, td_smlad(td_sxtb16(td_row0_), td_even_, (acc0))); \
            (acc1) = td_smlad(td_sxtb16_ror8(td_row1_), td_odd_, td_smlad(td_sxtb16(td_row1_), td_even_, (acc1))); \
            (acc2) = td_smlad(td_sxtb16_ror8(td_row2_), td_odd_, td_smlad(td_sxtb16(td_row2_), td_even_, (acc2))); \
            (acc3) = td_smlad(td_sxtb16_ror8(td_row3_), td_odd_, td_smlad(td_sxtb16(td_row3_), td_even_, (acc3))); \
            (values) += 4;                                                                               \
            (weights0) += 4;                                                                             \
            (weights2) += 4;                                                                             \
        } while ((values) != (values_end));                                                              \
    } while (0)
#define TD_DOT_FOUR_ROWS_NO_OFFSET(values, values_end, weights0, weights2, row_size, acc0, acc1, acc2, acc3) \
    TD_DOT_FOUR_ROWS(values, values_end, weights0, weights2, row_size, 0u, acc0, acc1, acc2, acc3)
#endif

#endif /* TD_KERNELS_DSP */

#endif /* TD_FOUR_ROWS_DSP_H */
