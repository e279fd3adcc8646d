/*
 * CONV_2D, int8, Cortex-M DSP variant. Overrides src/conv/td_conv2d_s8.c by name and gives the
 * same bits as the portable kernel (integer sums do not depend on their order).
 *
 * A GEMM over im2col columns (CMSIS-NN's arm_convolve_s8 works the same way), one filter
 * against four output pixels per step:
 *  - The patches of four output pixels become int16 columns, input offset added, padded taps
 *    as 0 (what the reference's skipped taps contribute), the patch length L rounded up to a
 *    multiple of four. The columns are interleaved by groups of four k, [group][pixel][4], each
 *    group stored (k0, k2, k1, k3): the lanes SXTB16 extracts from a weight word (bytes 0/2,
 *    then 1/3), so four input bytes become two words with one load, two SXTB16 and two SADD16.
 *    With C_in a multiple of four every run of channels starts a group and is expanded straight
 *    from the input (1x1 convolutions four pixels at a time); otherwise the patch is first
 *    gathered as bytes (the input zero point standing for padded taps) and expanded after.
 *  - Each filter reads its weights once for the four pixels: per four k one weight load, two
 *    SXTB16, four double-word column loads and eight SMLAD (16 multiply-accumulates). Weight
 *    rows whose length is not a multiple of four are copied zero-padded once per call.
 *  - Bias, multiplier and shifts are prepared once per call per output channel
 *    (td_channel_requant, td_dsp.h): an output then costs SMMLAR and four more instructions.
 *  - With every channel in the fast requantization and the activation the full int8 range (the
 *    usual case), the filter loop of a block runs in assembly (td_conv_block_asm).
 * Grouped convolutions take the portable path.
 *
 * Scratch (get_buffer_size): the requantization table, the four columns, the gathered patch
 * and, when L % 4 != 0, the padded weight rows. Without the DSP extension this file compiles
 * to the portable kernel, which needs none.
 */
#include "../../conv/td_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** Output pixels per im2col block. */
#define TD_CONV_PIXELS 4
/** Words of one group of four k in a block: two per pixel. */
#define TD_CONV_GROUP_WORDS (TD_CONV_PIXELS * 2)

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    const int32_t length = filter_dims->c * filter_dims->h * filter_dims->w;
    const int32_t groups = (length + 3) / 4;
    (void)input_dims;
    return filter_dims->n * (int32_t)sizeof(td_channel_requant) +
           groups * (TD_CONV_GROUP_WORDS * (int32_t)sizeof(uint32_t) + 4) +
           ((length & 3) != 0 ? filter_dims->n * groups * 4 : 0);
}

/*
 * TD_DOT_FOUR_COLUMNS(weights, columns, columns_end, acc0, acc1, acc2, acc3): the GEMM inner loop
 * of the convolution, one int8 weight row against four int16 im2col columns interleaved by
 * groups of four k ([group][column][k0, k2, k1, k3], 8 words per group). Per group: one weight
 * load, two SXTB16, four LDRD and eight SMLAD. `weights` and `columns` are advanced past the
 * groups; columns_end must be reachable from columns (at least one group). Written in assembly
 * on the target because the compiler spills this loop (23 instructions per group instead of
 * 17); the C twin (host emulation, other compilers) is the same sums.
 */
#if TD_DSP_ASM
#define TD_DOT_FOUR_COLUMNS(weights, columns, columns_end, acc0, acc1, acc2, acc3)                        \
    do {                                                                                                 \
        uint32_t td_weights_, td_even_, td_column_a_, td_column_b_;                                     \
        __asm__("1:\n\t"                                                                                 \
                "ldr     %[w], [%[wp]], #4\n\t"                                                          \
                "ldrd    %[a], %[b], [%[cp]], #32\n\t"                                                   \
                "sxtb16  %[e], %[w]\n\t"                                                                 \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                "smlad   %[s0], %[e], %[a], %[s0]\n\t"                                                   \
                "smlad   %[s0], %[w], %[b], %[s0]\n\t"                                                   \
                "ldrd    %[a], %[b], [%[cp], #-24]\n\t"                                                  \
                "smlad   %[s1], %[e], %[a], %[s1]\n\t"                                                   \
                "smlad   %[s1], %[w], %[b], %[s1]\n\t"                                                   \
                "ldrd    %[a], %[b], [%[cp], #-16]\n\t"                                                  \
                "smlad   %[s2], %[e], %[a], %[s2]\n\t"                                                   \
                "smlad   %[s2], %[w], %[b], %[s2]\n\t"                                                   \
                "ldrd    %[a], %[b], [%[cp], #-8]\n\t"                                                   \
                "smlad   %[s3], %[e], %[a], %[s3]\n\t"                                                   \
                "smlad   %[s3], %[w], %[b], %[s3]\n\t"                                                   \
                "cmp     %[cp], %[end]\n\t"                                                              \
                "bne     1b"                                                                             \
                : [s0] "+r"(acc0), [s1] "+r"(acc1), [s2] "+r"(acc2), [s3] "+r"(acc3), [wp] "+r"(weights),    \
                  [cp] "+r"(columns), [w] "=&r"(td_weights_), [e] "=&r"(td_even_), [a] "=&r"(td_column_a_), \
                  [b] "=&r"(td_column_b_)                                                                \
                : [end] "r"(columns_end), "m"(*(const int8_t(*)[])(weights)),                            \
                  "m"(*(const td_word(*)[])(columns))                                                     \
                : "cc");                                                                                \
    } while (0)
#else
#define TD_DOT_FOUR_COLUMNS(weights, columns, columns_end, acc0, acc1, acc2, acc3)                        \
    do {                                                                                                 \
        do {                                                                                             \
            const uint32_t td_four_ = td_read_u32(weights);                                              \
            const uint32_t td_even_ = td_sxtb16(td_four_);                                               \
            const uint32_t td_odd_ = td_sxtb16_ror8(td_four_);                                           \
            (acc0) = td_smlad(td_odd_, (columns)[1], td_smlad(td_even_, (columns)[0], (acc0)));          \
            (acc1) = td_smlad(td_odd_, (columns)[3], td_smlad(td_even_, (columns)[2], (acc1)));          \
            (acc2) = td_smlad(td_odd_, (columns)[5], td_smlad(td_even_, (columns)[4], (acc2)));          \
            (acc3) = td_smlad(td_odd_, (columns)[7], td_smlad(td_even_, (columns)[6], (acc3)));          \
            (weights) += 4;                                                                              \
            (columns) += 8;                                                                              \
        } while ((columns) != (columns_end));                                                            \
    } while (0)
#endif

/** The words of patch index k (a multiple of four) of column `pixel` in a block. */
TD_INLINE td_word *td_column_words(td_word *block, int32_t pixel, int32_t k)
{
    return block + (k >> 2) * TD_CONV_GROUP_WORDS + pixel * 2;
}

/** `count` (a multiple of four) input values + offset into one column from patch index k (a multiple of four). */
static int32_t td_column_values(td_word *block,
                                int32_t pixel,
                                int32_t k,
                                const int8_t *values,
                                int32_t count,
                                uint32_t offsets)
{
    td_word *words = td_column_words(block, pixel, k);
    const int8_t *const values_end = values + count;
    for (; values != values_end; values += 4, words += TD_CONV_GROUP_WORDS) {
        const uint32_t four = td_read_u32(values);
        words[0] = td_sadd16(td_sxtb16(four), offsets);
        words[1] = td_sadd16(td_sxtb16_ror8(four), offsets);
    }
    return k + count;
}

/** `count` (a multiple of four) zeros into one column from patch index k (a multiple of four). */
static int32_t td_column_zeros(td_word *block, int32_t pixel, int32_t k, int32_t count)
{
    td_word *words = td_column_words(block, pixel, k);
    int32_t group;
    for (group = 0; group < count; group += 4, words += TD_CONV_GROUP_WORDS) {
        words[0] = 0;
        words[1] = 0;
    }
    return k + count;
}

/** The columns of four consecutive pixels of a 1x1 convolution (stride 1, no padding), C_in % 4 == 0. */
static void td_pointwise_columns(const int8_t *values, int32_t channels, uint32_t offsets, td_word *block)
{
    const int8_t *const values_end = values + channels;
    td_word *words = block;
    for (; values != values_end; values += 4, words += TD_CONV_GROUP_WORDS) {
        const uint32_t four0 = td_read_u32(values);
        const uint32_t four1 = td_read_u32(values + channels);
        const uint32_t four2 = td_read_u32(values + 2 * channels);
        const uint32_t four3 = td_read_u32(values + 3 * channels);
        words[0] = td_sadd16(td_sxtb16(four0), offsets);
        words[1] = td_sadd16(td_sxtb16_ror8(four0), offsets);
        words[2] = td_sadd16(td_sxtb16(four1), offsets);
        words[3] = td_sadd16(td_sxtb16_ror8(four1), offsets);
        words[4] = td_sadd16(td_sxtb16(four2), offsets);
        words[5] = td_sadd16(td_sxtb16_ror8(four2), offsets);
        words[6] = td_sadd16(td_sxtb16(four3), offsets);
        words[7] = td_sadd16(td_sxtb16_ror8(four3), offsets);
    }
}

/** The patch of output pixel (batch, out_y, out_x) into column `pixel`, when C_in % 4 == 0. */
static void td_conv_column(const td_conv_params *params,
                           const td_dims *input_dims,
                           const int8_t *input,
                           const td_dims *filter_dims,
                           int32_t batch,
                           int32_t out_y,
                           int32_t out_x,
                           uint32_t offsets,
                           td_word *block,
                           int32_t pixel)
{
    const int32_t channels = input_dims->c;
    const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
    const int32_t row_length = filter_dims->w * channels;
    int32_t kx_start, kx_end, ky, kx;
    int32_t k = 0;
    td_tap_range(in_x_origin, input_dims->w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
    for (ky = 0; ky < filter_dims->h; ++ky) {
        const int32_t in_y = in_y_origin + params->dilation.h * ky;
        const int8_t *row;
        if (in_y < 0 || in_y >= input_dims->h) {
            k = td_column_zeros(block, pixel, k, row_length);
            continue;
        }
        row = input + ((batch * input_dims->h + in_y) * input_dims->w + in_x_origin) * channels;
        k = td_column_zeros(block, pixel, k, kx_start * channels);
        if (params->dilation.w == 1) {
            k = td_column_values(block, pixel, k, row + kx_start * channels, (kx_end - kx_start) * channels, offsets);
        } else {
            for (kx = kx_start; kx < kx_end; ++kx) {
                k = td_column_values(block, pixel, k, row + params->dilation.w * kx * channels, channels, offsets);
            }
        }
        k = td_column_zeros(block, pixel, k, (filter_dims->w - kx_end) * channels);
    }
}

/** `count` bytes from `values` to `bytes`, a word at a time where it can (Cortex-M4 loads and stores unaligned words). */
TD_INLINE int8_t *td_copy_bytes(int8_t *bytes, const int8_t *values, int32_t count)
{
    for (; count >= 4; count -= 4, bytes += 4, values += 4) {
        const uint32_t four = td_read_u32(values);
        memcpy(bytes, &four, sizeof(four));
    }
    for (; count > 0; --count) {
        *bytes++ = *values++;
    }
    return bytes;
}

/** `count` copies of `value` (padded taps: only at the image's edges, so usually none). */
TD_INLINE int8_t *td_fill_bytes(int8_t *bytes, int8_t value, int32_t count)
{
    if (count > 0) {
        memset(bytes, value, (size_t)count);
        bytes += count;
    }
    return bytes;
}

/**
 * The patch of output pixel (batch, out_y, out_x) as int8 bytes in patch order, for C_in % 4
 * != 0 (its runs of channels do not start on a group of four k). Padded taps and the k beyond
 * the length hold the input zero point, which the expansion turns into 0.
 */
static void td_conv_patch_bytes(const td_conv_params *params,
                                const td_dims *input_dims,
                                const int8_t *input,
                                const td_dims *filter_dims,
                                int32_t batch,
                                int32_t out_y,
                                int32_t out_x,
                                int32_t padded_length,
                                int8_t *patch)
{
    const int32_t channels = input_dims->c;
    const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
    const int32_t row_length = filter_dims->w * channels;
    const int8_t pad = (int8_t)(-params->input_offset);
    int8_t *bytes = patch;
    int32_t kx_start, kx_end, ky, kx;
    if (params->dilation.w == 1 && in_x_origin >= 0 && in_x_origin + filter_dims->w <= input_dims->w &&
        in_y_origin >= 0 && in_y_origin + params->dilation.h * (filter_dims->h - 1) < input_dims->h) {
        /* Inside the image: K_h contiguous rows of K_w * C_in bytes. */
        const int32_t row_step = params->dilation.h * input_dims->w * channels;
        const int8_t *row = input + ((batch * input_dims->h + in_y_origin) * input_dims->w + in_x_origin) * channels;
        for (ky = 0; ky < filter_dims->h; ++ky, row += row_step) {
            bytes = td_copy_bytes(bytes, row, row_length);
        }
        td_fill_bytes(bytes, pad, padded_length - (int32_t)(bytes - patch));
        return;
    }
    td_tap_range(in_x_origin, input_dims->w, filter_dims->w, params->dilation.w, &kx_start, &kx_end);
    for (ky = 0; ky < filter_dims->h; ++ky) {
        const int32_t in_y = in_y_origin + params->dilation.h * ky;
        const int8_t *row;
        if (in_y < 0 || in_y >= input_dims->h) {
            bytes = td_fill_bytes(bytes, pad, row_length);
            continue;
        }
        row = input + ((batch * input_dims->h + in_y) * input_dims->w + in_x_origin) * channels;
        bytes = td_fill_bytes(bytes, pad, kx_start * channels);
        if (params->dilation.w == 1) {
            bytes = td_copy_bytes(bytes, row + kx_start * channels, (kx_end - kx_start) * channels);
        } else {
            for (kx = kx_start; kx < kx_end; ++kx) {
                bytes = td_copy_bytes(bytes, row + params->dilation.w * kx * channels, channels);
            }
        }
        bytes = td_fill_bytes(bytes, pad, (filter_dims->w - kx_end) * channels);
    }
    td_fill_bytes(bytes, pad, padded_length - (int32_t)(bytes - patch));
}

/** Requantization, output offset and activation of one accumulator, either form (kept out of line). */
TD_NOINLINE static int8_t td_conv_output(const td_conv_params *params, const td_channel_requant *requant, int32_t acc)
{
    const int32_t value = td_requant_channel(acc, requant, params->output_offset);
    return (int8_t)td_clamp_i32(value, params->activation.min, params->activation.max);
}

/** Four accumulators: one filter against the four columns of a block. */
typedef struct {
    int32_t pixel0;
    int32_t pixel1;
    int32_t pixel2;
    int32_t pixel3;
} td_conv_sums;

/** One filter row (`groups` groups of four weights) against the four columns, started at its bias. */
TD_INLINE td_conv_sums td_conv_filter_dot(const int8_t *weights, int32_t groups, const td_word *block, int32_t bias)
{
    const td_word *columns = block;
    const td_word *const columns_end = block + groups * TD_CONV_GROUP_WORDS;
    td_conv_sums sums;
    sums.pixel0 = sums.pixel1 = sums.pixel2 = sums.pixel3 = bias;
    TD_DOT_FOUR_COLUMNS(weights, columns, columns_end, sums.pixel0, sums.pixel1, sums.pixel2, sums.pixel3);
    return sums;
}

/**
 * Every output channel of a block of `pixels` (1..4) output pixels whose columns are in
 * `block` (unused columns zero); output points at the first pixel's first channel. The C
 * form of the filter loop: partial blocks, and any block when td_conv_block_asm does not apply.
 */
static void td_conv_block(const td_conv_params *params,
                          const td_channel_requant *requants,
                          const int8_t *weights,
                          int32_t groups,
                          int32_t output_c,
                          const td_word *block,
                          int32_t pixels,
                          int8_t *output)
{
    const int32_t output_offset = params->output_offset;
    const int32_t min = params->activation.min;
    const int32_t max = params->activation.max;
    int32_t out_c;
    for (out_c = 0; out_c < output_c; ++out_c, weights += 4 * groups) {
        const td_channel_requant *requant = &requants[out_c];
        const td_conv_sums sums = td_conv_filter_dot(weights, groups, block, requant->bias);
        const int32_t values[TD_CONV_PIXELS] = {sums.pixel0, sums.pixel1, sums.pixel2, sums.pixel3};
        int32_t pixel;
        for (pixel = 0; pixel < pixels; ++pixel) {
            output[pixel * output_c + out_c] =
                requant->right_shift != 0 && (requant->right_shift & TD_REQUANT_WIDE) == 0
                    ? (int8_t)td_clamp_i32(td_requant_fast(values[pixel], requant->multiplier, requant->right_shift,
                                                           requant->rounding) +
                                               output_offset,
                                           min, max)
                    : td_conv_output(params, requant, values[pixel]);
        }
    }
}

/*
 * td_conv_block_asm(requants, weights, block, block_end, output, output_end, output_c,
 * output_offset): every
 * output channel of a full block of four pixels with the full int8 range, in the fast or the
 * wide requantization (channels with the exact one get the fast formula's wrong values, which
 * td_conv_exact_channels then overwrites), weight rows of a multiple of four bytes
 * (zero-padded when the filter's are not). The filter loop in assembly (fourteen registers; its four constants are read from
 * a small array): per filter 44 instructions besides the 17 per group of four k, that is the
 * bias into four accumulators, TD_DOT_FOUR_COLUMNS's loop, then per output SMMLAR and five
 * more (td_requant_fast, the output offset, SSAT) and a byte store.
 */
#if TD_DSP_ASM
#define TD_CONV_HAS_BLOCK_ASM 1
#define TD_CONV_ASM_FINISH(acc)                                                                    \
    "lsl     %[" acc "], %[" acc "], #1\n\t"                                                       \
    "add     %[cp], %[ca], %[" acc "], asr #31\n\t"                                                \
    "smmlar  %[" acc "], %[" acc "], %[w], %[cp]\n\t"                                              \
    "asr     %[" acc "], %[" acc "], %[e]\n\t"                                                     \
    "add     %[" acc "], %[" acc "], %[cb]\n\t"                                                    \
    "ssat    %[" acc "], #8, %[" acc "]\n\t"
#define TD_CONV_ASM_FINISH_WIDE(acc)                                                               \
    "mov     %[cp], #0x40000000\n\t"                                                                \
    "mov     %[end], #0\n\t"                                                                        \
    "smlal   %[cp], %[end], %[" acc "], %[w]\n\t"                                                   \
    "lsl     %[end], %[end], #1\n\t"                                                                \
    "orr     %[end], %[end], %[cp], lsr #31\n\t"                                                    \
    "add     %[end], %[end], %[" acc "], asr #31\n\t"                                               \
    "add     %[end], %[end], %[ca]\n\t"                                                             \
    "asr     %[end], %[end], %[e]\n\t"                                                              \
    "add     %[end], %[end], %[cb]\n\t"                                                             \
    "ssat    %[" acc "], #8, %[end]\n\t"
#define TD_CONV_ASM_PIXEL(acc, offset)                                                             \
    "ldrd    %[ca], %[cb], [%[cp], #" offset "]\n\t"                                                \
    "smlad   %[" acc "], %[e], %[ca], %[" acc "]\n\t"                                               \
    "smlad   %[" acc "], %[w], %[cb], %[" acc "]\n\t"

static void td_conv_block_asm(const td_channel_requant *requants,
                              const int8_t *weights,
                              const td_word *block,
                              const td_word *block_end,
                              int8_t *output,
                              int8_t *output_end,
                              int32_t output_c,
                              int32_t output_offset)
{
    /* The loop's constants, read from memory so that the loop fits in the registers. */
    const uintptr_t constants[5] = {(uintptr_t)output_c, (uintptr_t)output_end, (uintptr_t)block,
                                    (uintptr_t)block_end, (uintptr_t)output_offset};
    int32_t acc0, acc1, acc2, acc3;
    uint32_t columns, end, word, even, column_a, column_b;
    __asm__ volatile("2:\n\t"
                     "ldr     %[a0], [%[rq]]\n\t"
                     "mov     %[a1], %[a0]\n\t"
                     "mov     %[a2], %[a0]\n\t"
                     "mov     %[a3], %[a0]\n\t"
                     "ldrd    %[cp], %[end], [%[k], #8]\n\t"
                     "1:\n\t"
                     "ldr     %[w], [%[wp]], #4\n\t"
                     "sxtb16  %[e], %[w]\n\t"
                     "sxtb16  %[w], %[w], ror #8\n\t"
                     TD_CONV_ASM_PIXEL("a1", "8")
                     TD_CONV_ASM_PIXEL("a2", "16")
                     TD_CONV_ASM_PIXEL("a3", "24")
                     "ldrd    %[ca], %[cb], [%[cp]], #32\n\t"
                     "smlad   %[a0], %[e], %[ca], %[a0]\n\t"
                     "smlad   %[a0], %[w], %[cb], %[a0]\n\t"
                     "cmp     %[cp], %[end]\n\t"
                     "bne     1b\n\t"
                     "ldrd    %[w], %[e], [%[rq], #4]\n\t"
                     "ldr     %[ca], [%[rq], #12]\n\t"
                     "ldr     %[cb], [%[k], #16]\n\t"
                     "tst     %[e], #32\n\t" /* TD_REQUANT_WIDE */
                     "bne     3f\n\t"
                     TD_CONV_ASM_FINISH("a0")
                     TD_CONV_ASM_FINISH("a1")
                     TD_CONV_ASM_FINISH("a2")
                     TD_CONV_ASM_FINISH("a3")
                     "4:\n\t"
                     "ldr     %[cb], [%[k]]\n\t"
                     "strb    %[a0], [%[out]]\n\t"
                     "strb    %[a1], [%[out], %[cb]]\n\t"
                     "add     %[end], %[out], %[cb], lsl #1\n\t"
                     "strb    %[a2], [%[end]]\n\t"
                     "strb    %[a3], [%[end], %[cb]]\n\t"
                     "add     %[out], %[out], #1\n\t"
                     "add     %[rq], %[rq], #16\n\t"
                     "ldr     %[end], [%[k], #4]\n\t"
                     "cmp     %[out], %[end]\n\t"
                     "bne     2b\n\t"
                     "b       5f\n\t"
                     "3:\n\t" /* the wide form */
                     "and     %[e], %[e], #31\n\t"
                     TD_CONV_ASM_FINISH_WIDE("a0")
                     TD_CONV_ASM_FINISH_WIDE("a1")
                     TD_CONV_ASM_FINISH_WIDE("a2")
                     TD_CONV_ASM_FINISH_WIDE("a3")
                     "b       4b\n\t"
                     "5:"
                     : [rq] "+r"(requants), [wp] "+r"(weights), [out] "+r"(output), [a0] "=&r"(acc0),
                       [a1] "=&r"(acc1), [a2] "=&r"(acc2), [a3] "=&r"(acc3), [cp] "=&r"(columns),
                       [end] "=&r"(end), [w] "=&r"(word), [e] "=&r"(even), [ca] "=&r"(column_a),
                       [cb] "=&r"(column_b)
                     : [k] "r"(constants)
                     : "cc", "memory");
}

/**
 * The outputs of a full block for the channels with the exact requantization, which
 * td_conv_block_asm computes with the fast form's formula regardless: recomputed here over
 * them (few channels of a few layers: near-empty filters have tiny scales, so large shifts).
 */
TD_NOINLINE static void td_conv_exact_channels(const td_conv_params *params,
                                               const td_channel_requant *requants,
                                               const int8_t *weights,
                                               int32_t groups,
                                               int32_t output_c,
                                               const td_word *block,
                                               int8_t *output)
{
    int32_t out_c;
    for (out_c = 0; out_c < output_c; ++out_c) {
        const td_channel_requant *requant = &requants[out_c];
        if (requant->right_shift == 0) {
            const td_conv_sums sums = td_conv_filter_dot(weights + out_c * 4 * groups, groups, block, requant->bias);
            output[out_c] = td_conv_output(params, requant, sums.pixel0);
            output[output_c + out_c] = td_conv_output(params, requant, sums.pixel1);
            output[2 * output_c + out_c] = td_conv_output(params, requant, sums.pixel2);
            output[3 * output_c + out_c] = td_conv_output(params, requant, sums.pixel3);
        }
    }
}
#else
#define TD_CONV_HAS_BLOCK_ASM 0
#endif

td_status td_conv2d_s8(const td_context *ctx,
                       const td_conv_params *params,
                       const td_per_channel_quant *quant,
                       const td_dims *input_dims,
                       const int8_t *input,
                       const td_dims *filter_dims,
                       const int8_t *filter,
                       const int32_t *bias,
                       const td_dims *output_dims,
                       int8_t *output)
{
    const int32_t length = filter_dims->c * filter_dims->h * filter_dims->w;
    const int32_t padded_length = (length + 3) & ~3;
    const int32_t groups = padded_length >> 2;
    const int32_t output_c = output_dims->c;
    const int32_t pixels = output_dims->n * output_dims->h * output_dims->w;
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    const int pointwise = filter_dims->h == 1 && filter_dims->w == 1 && params->stride.h == 1 &&
                          params->stride.w == 1 && params->padding.h == 0 && params->padding.w == 0;
    /* Runs of channels that do not start on a group of four k are gathered as bytes first. */
    const int gathered = (input_dims->c & 3) != 0;
#if TD_CONV_HAS_BLOCK_ASM
    const int full_block_asm = params->activation.min == -128 && params->activation.max == 127;
    int32_t exact_channels = 0;
#endif
    const int8_t *weights = filter;
    td_channel_requant *requants;
    td_word *block;
    int8_t *patch;
    int32_t pixel, out_c, column;
    int32_t batch = 0, out_y = 0, out_x = 0;

    if (input_dims->c != filter_dims->c) {
        return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                      output);
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_conv2d_s8_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    requants = (td_channel_requant *)ctx->buf;
    block = (td_word *)(void *)(requants + output_c);
    patch = (int8_t *)(void *)(block + groups * TD_CONV_GROUP_WORDS);
    for (out_c = 0; out_c < output_c; ++out_c) {
        requants[out_c] =
            td_channel_requant_of(bias != NULL ? bias[out_c] : 0, quant->multiplier[out_c], quant->shift[out_c], length);
#if TD_CONV_HAS_BLOCK_ASM
        exact_channels += requants[out_c].right_shift == 0;
#endif
    }
    if (length != padded_length) {
        /* Weight rows zero-padded to whole groups of four (the columns hold 0 there too). */
        int8_t *const padded = patch + padded_length;
        for (out_c = 0; out_c < output_c; ++out_c) {
            memcpy(padded + out_c * padded_length, filter + out_c * length, (size_t)length);
            memset(padded + out_c * padded_length + length, 0, (size_t)(padded_length - length));
        }
        weights = padded;
    }

    for (pixel = 0; pixel < pixels; pixel += TD_CONV_PIXELS) {
        const int32_t count = td_min_i32(TD_CONV_PIXELS, pixels - pixel);
        int8_t *const block_output = output + pixel * output_c;
        column = 0;
        if (pointwise && !gathered && count == TD_CONV_PIXELS) {
            td_pointwise_columns(input + pixel * length, length, offsets, block);
            column = TD_CONV_PIXELS;
        }
        for (; column < count; ++column) {
            if (pointwise && !gathered) {
                td_column_values(block, column, 0, input + (pixel + column) * length, length, offsets);
                continue;
            }
            if (gathered) {
                td_conv_patch_bytes(params, input_dims, input, filter_dims, batch, out_y, out_x, padded_length, patch);
                td_column_values(block, column, 0, patch, padded_length, offsets);
            } else {
                td_conv_column(params, input_dims, input, filter_dims, batch, out_y, out_x, offsets, block, column);
            }
            if (++out_x == output_dims->w) {
                out_x = 0;
                if (++out_y == output_dims->h) {
                    out_y = 0;
                    ++batch;
                }
            }
        }
        for (; column < TD_CONV_PIXELS; ++column) {
            td_column_zeros(block, column, 0, padded_length);
        }
#if TD_CONV_HAS_BLOCK_ASM
        if (full_block_asm && count == TD_CONV_PIXELS) {
            td_conv_block_asm(requants, weights, block, block + groups * TD_CONV_GROUP_WORDS, block_output,
                              block_output + output_c, output_c, params->output_offset);
            if (exact_channels > 0) {
                td_conv_exact_channels(params, requants, weights, groups, output_c, block, block_output);
            }
            continue;
        }
#endif
        td_conv_block(params, requants, weights, groups, output_c, block, count, block_output);
    }
    return TD_OK;
}

#else /* no DSP extension: the portable kernel */

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

td_status td_conv2d_s8(const td_context *ctx,
                       const td_conv_params *params,
                       const td_per_channel_quant *quant,
                       const td_dims *input_dims,
                       const int8_t *input,
                       const td_dims *filter_dims,
                       const int8_t *filter,
                       const int32_t *bias,
                       const td_dims *output_dims,
                       int8_t *output)
{
    return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                  output);
}

#endif
