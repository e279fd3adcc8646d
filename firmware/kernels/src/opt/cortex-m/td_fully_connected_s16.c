/*
 * FULLY_CONNECTED, 16x8, Cortex-M DSP variant: four weight rows at a time against one input row.
 * Each group of four inputs is loaded as two words and interleaved once (td_s16_dsp.h), then
 * every row adds it in with one weight word, SXTB16 twice and SMLAD twice. The int32 sums cover
 * at most TD_S16_CHUNK inputs and are carried in 64 bits between chunks, so any depth is exact.
 * Leftover rows go one at a time, leftover inputs (depth % 4) through a zero-padded weight word.
 * Same bits as the portable kernel; needs no scratch.
 */
#include "../../internal/td_s16.h"
#include "td_s16_dsp.h"

/** Inputs per int32 partial sum: a multiple of four within TD_S16_MAX_TERMS. */
#define TD_S16_CHUNK 508

int32_t td_fully_connected_s16_get_buffer_size(int32_t input_depth, int32_t output_depth)
{
    (void)input_depth;
    (void)output_depth;
    return 0;
}

#if TD_KERNELS_DSP

/*
 * TD_S16_DOT_FOUR_ROWS(values, values_end, weights0, weights2, row_size, acc0 … acc3): four weight
 * rows (int8, row_size apart: rows 0 and 1 from weights0, rows 2 and 3 from weights2) against one
 * int16 input row, four values per step from `values` to values_end (at least one step). Per
 * step: two input loads and PKHBT / PKHTB shared by the rows, then per row one load, two SXTB16
 * and two SMLAD (26 instructions per 16 multiply-accumulates). The pointers are advanced. In
 * assembly on the target (thirteen registers, which the compiler spills); the C twin is the same
 * sums.
 */
#if TD_DSP_ASM
#define TD_S16_DOT_FOUR_ROWS(values, values_end, weights0, weights2, row_size, acc0, acc1, acc2, acc3)       \
    do {                                                                                                 \
        uint32_t td_even_, td_odd_, td_weights_, td_weights_even_;                                       \
        __asm__("1:\n\t"                                                                                 \
                "ldr     %[w], [%[vp]], #4\n\t"                                                          \
                "ldr     %[we], [%[vp]], #4\n\t"                                                         \
                "pkhbt   %[x], %[w], %[we], lsl #16\n\t"                                                 \
                "pkhtb   %[xo], %[we], %[w], asr #16\n\t"                                                \
                "ldr     %[w], [%[w0], %[rs]]\n\t"                                                       \
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
                : [end] "r"(values_end), [rs] "r"(row_size)                                                 \
                : "cc", "memory");                                                                      \
    } while (0)
#else
#define TD_S16_DOT_FOUR_ROWS(values, values_end, weights0, weights2, row_size, acc0, acc1, acc2, acc3)       \
    do {                                                                                                 \
        do {                                                                                             \
            uint32_t td_even_, td_odd_;                                                                  \
            td_s16_interleave(td_read_u32(values), td_read_u32((values) + 2), &td_even_, &td_odd_);       \
            (acc0) = td_s16_mac4(td_read_u32(weights0), td_even_, td_odd_, (acc0));                       \
            (acc1) = td_s16_mac4(td_read_u32((weights0) + (row_size)), td_even_, td_odd_, (acc1));        \
            (acc2) = td_s16_mac4(td_read_u32(weights2), td_even_, td_odd_, (acc2));                       \
            (acc3) = td_s16_mac4(td_read_u32((weights2) + (row_size)), td_even_, td_odd_, (acc3));        \
            (values) += 4;                                                                               \
            (weights0) += 4;                                                                             \
            (weights2) += 4;                                                                             \
        } while ((values) != (values_end));                                                              \
    } while (0)
#endif

/** Σ rows[r][k] · x[k] over k in [0, count) for `rows_count` (1 or 4) rows `stride` apart, into sums. */
static TD_NOINLINE void td_fc_s16_rows(const int16_t *x,
                                       const int8_t *w,
                                       int32_t stride,
                                       int32_t count,
                                       int32_t rows_count,
                                       int32_t sums[4])
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const int16_t *end = x + (count & ~3);
    if (rows_count == 4) {
        const int8_t *w2 = w + 2 * stride;
        const int8_t *w1, *w3;
        if (x != end) {
            TD_S16_DOT_FOUR_ROWS(x, end, w, w2, stride, a0, a1, a2, a3);
        }
        w1 = w + stride;
        w3 = w2 + stride;
        if (count % 4 != 0) {
            const int32_t rest = count % 4;
            int16_t tail[4] = {0, 0, 0, 0};
            uint32_t words[2], even, odd;
            memcpy(tail, x, (size_t)rest * sizeof(int16_t));
            memcpy(words, tail, sizeof(words));
            td_s16_interleave(words[0], words[1], &even, &odd);
            a0 = td_s16_mac4(td_s16_tail_weights(w, rest), even, odd, a0);
            a1 = td_s16_mac4(td_s16_tail_weights(w1, rest), even, odd, a1);
            a2 = td_s16_mac4(td_s16_tail_weights(w2, rest), even, odd, a2);
            a3 = td_s16_mac4(td_s16_tail_weights(w3, rest), even, odd, a3);
        }
    } else {
        for (; x < end; x += 4, w += 4) {
            uint32_t even, odd;
            td_s16_interleave(td_read_u32(x), td_read_u32(x + 2), &even, &odd);
            a0 = td_s16_mac4(td_read_u32(w), even, odd, a0);
        }
        if (count % 4 != 0) {
            const int32_t rest = count % 4;
            int32_t k;
            for (k = 0; k < rest; ++k) {
                a0 += (int32_t)w[k] * (int32_t)x[k];
            }
        }
    }
    sums[0] = a0;
    sums[1] = a1;
    sums[2] = a2;
    sums[3] = a3;
}

#endif

td_status td_fully_connected_s16(const td_context *ctx,
                                 const td_fc_params_s16 *params,
                                 const td_per_channel_quant *quant,
                                 int32_t batches,
                                 int32_t input_depth,
                                 int32_t output_depth,
                                 const int16_t *input,
                                 const int8_t *filter,
                                 const int64_t *bias,
                                 int16_t *output)
{
    int32_t batch, out_c;
    (void)ctx;
    for (batch = 0; batch < batches; ++batch) {
        const int16_t *input_row = input + batch * input_depth;
        for (out_c = 0; out_c < output_depth;) {
#if TD_KERNELS_DSP
            const int32_t rows = output_depth - out_c >= 4 ? 4 : 1;
            int64_t acc[4] = {0, 0, 0, 0};
            int32_t start, r;
            for (start = 0; start < input_depth; start += TD_S16_CHUNK) {
                const int32_t count = input_depth - start < TD_S16_CHUNK ? input_depth - start : TD_S16_CHUNK;
                int32_t sums[4];
                td_fc_s16_rows(input_row + start, filter + out_c * input_depth + start, input_depth, count, rows, sums);
                for (r = 0; r < rows; ++r) {
                    acc[r] += sums[r];
                }
            }
#else
            const int32_t rows = 1;
            int64_t acc[1] = {0};
            int32_t d, r;
            for (d = 0; d < input_depth; ++d) {
                acc[0] += (int32_t)filter[out_c * input_depth + d] * (int32_t)input_row[d];
            }
#endif
            for (r = 0; r < rows; ++r, ++out_c) {
                output[batch * output_depth + out_c] = td_requantize_s16_output(
                    acc[r], bias, out_c, params->wide, quant->multiplier[out_c], quant->shift[out_c], &params->activation);
            }
        }
    }
    return TD_OK;
}
