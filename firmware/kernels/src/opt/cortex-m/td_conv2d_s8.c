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
 *    then 1/3), so four input bytes become two words with one load and two SXTAB16 (each
 *    extends two bytes and adds the offset).
 *    With C_in a multiple of four every run of channels starts a group and is expanded straight
 *    from the input (a 1x1 convolution's pixel in one run); otherwise the patch is first
 *    gathered as bytes (the input zero point standing for padded taps) and expanded after.
 *  - Each filter reads its weights once for the four pixels: per four k one weight load, two
 *    SXTB16, two four-word column loads (LDM) and eight SMLAD (16 multiply-accumulates, 14
 *    instructions with the loop's; six pixels with double-word loads took 22 for 24, and left a
 *    row of 32 or 16 pixels with a partial block). Weight rows whose length is not a multiple
 *    of four are copied zero-padded once per call.
 *  - Bias, multiplier and shifts are prepared once per call per output channel
 *    (td_conv_requant), the output offset folded into the fast form's rounding: an output then
 *    costs SMMLAR and four more instructions.
 *  - On the target the filter loop of a full block runs in assembly (td_conv_block_asm; the
 *    fast and the wide requantization), its outputs saturated to int8; a narrower activation
 *    range (ReLU and friends with an output zero point above -128) is applied to the block's
 *    outputs after, four bytes at a time (td_conv_clamp_block). Channels in the exact
 *    requantization (rare) are redone in C, and so is a last, partial block (td_conv_block,
 *    whose dot product is the same loop; its writes stay inside the output, which may lie over
 *    the input).
 * Grouped convolutions take the portable path. One to three output channels (filter rows of at
 * least 8 bytes, patches of at least 32, 16 output pixels or more) can take the few-channel path
 * instead (td_conv2d_s8_few.c, the generator's choice): there the widened patch would serve one to
 * three filters only.
 *
 * Scratch (get_buffer_size): the requantization table, the four columns and, when C_in % 4 != 0,
 * the gathered patch and (L % 4 != 0) the padded weight rows; on the few-channel path besides its
 * widened weights (its patch in the columns' place). Without the DSP extension this
 * file compiles to the portable kernel, which needs none.
 */
#include "../../conv/td_conv2d_s8_reference.h"
#include "td_dsp.h"
#include "td_conv2d_s8_dsp.h"

#if TD_KERNELS_DSP

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    /* Enough for the few-channel path too where it may run (td_conv2d_s8_few.c, whose entry's scratch is sized
     * by this function). */
    return td_conv_takes_few(filter_dims) ? td_conv_few_buffer_size(filter_dims)
                                          : td_conv_block_buffer_size(filter_dims);
}

/*
 * TD_DOT_COLUMNS(weights, columns, columns_end, acc): the GEMM inner loop of the convolution,
 * one int8 weight row against the four int16 im2col columns of a block, interleaved by groups of
 * four k ([group][column][k0, k2, k1, k3], 8 words per group), into acc[0..3]. Per group: one
 * weight load, two SXTB16, four LDRD and eight SMLAD. `weights` and `columns` are advanced past
 * the groups; columns_end must be reachable from columns (at least one group). In assembly on
 * the target (the C form's partial blocks and exact channels); the C twin (host emulation, other
 * compilers) is the same sums.
 */
#if TD_DSP_ASM
#define TD_DOT_ASM_PIXEL(acc, offset)                                                                   \
    "ldrd    %[a], %[b], [%[cp], #" offset "]\n\t"                                                        \
    "smlad   %[" acc "], %[e], %[a], %[" acc "]\n\t"                                                      \
    "smlad   %[" acc "], %[w], %[b], %[" acc "]\n\t"
#define TD_DOT_COLUMNS(weights, columns, columns_end, acc)                                               \
    do {                                                                                                 \
        uint32_t td_weights_, td_even_, td_column_a_, td_column_b_;                                     \
        __asm__("1:\n\t"                                                                                 \
                "ldr     %[w], [%[wp]], #4\n\t"                                                          \
                "sxtb16  %[e], %[w]\n\t"                                                                 \
                "sxtb16  %[w], %[w], ror #8\n\t"                                                         \
                TD_DOT_ASM_PIXEL("s1", "8")                                                              \
                TD_DOT_ASM_PIXEL("s2", "16")                                                             \
                TD_DOT_ASM_PIXEL("s3", "24")                                                             \
                "ldrd    %[a], %[b], [%[cp]], #" TD_CONV_GROUP_BYTES_ASM "\n\t"                          \
                "smlad   %[s0], %[e], %[a], %[s0]\n\t"                                                   \
                "smlad   %[s0], %[w], %[b], %[s0]\n\t"                                                   \
                "cmp     %[cp], %[end]\n\t"                                                              \
                "bne     1b"                                                                             \
                : [s0] "+r"((acc)[0]), [s1] "+r"((acc)[1]), [s2] "+r"((acc)[2]), [s3] "+r"((acc)[3]),      \
                  [wp] "+r"(weights), [cp] "+r"(columns), [w] "=&r"(td_weights_), [e] "=&r"(td_even_),    \
                  [a] "=&r"(td_column_a_), [b] "=&r"(td_column_b_)                                       \
                : [end] "r"(columns_end), "m"(*(const int8_t(*)[])(weights)),                            \
                  "m"(*(const td_word(*)[])(columns))                                                     \
                : "cc");                                                                                \
    } while (0)
#else
#define TD_DOT_COLUMNS(weights, columns, columns_end, acc)                                               \
    do {                                                                                                 \
        do {                                                                                             \
            const uint32_t td_four_ = td_read_u32(weights);                                              \
            const uint32_t td_even_ = td_sxtb16(td_four_);                                               \
            const uint32_t td_odd_ = td_sxtb16_ror8(td_four_);                                           \
            int32_t td_pixel_;                                                                           \
            for (td_pixel_ = 0; td_pixel_ < TD_CONV_PIXELS; ++td_pixel_) {                               \
                (acc)[td_pixel_] = td_smlad(td_odd_, (columns)[2 * td_pixel_ + 1],                        \
                                            td_smlad(td_even_, (columns)[2 * td_pixel_], (acc)[td_pixel_])); \
            }                                                                                            \
            (weights) += 4;                                                                              \
            (columns) += TD_CONV_GROUP_WORDS;                                                            \
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
    if (values == values_end) {
        return k;
    }
#if TD_DSP_ASM
    {
        /* 6 instructions per four values: SXTAB16 extends two bytes and adds the offsets in one
         * (the same lane-wise wrapping sums as SXTB16 then SADD16; the compiler's loop takes 10). */
        uint32_t four, odd;
        __asm__ volatile("1:\n\t"
                         "ldr     %[f], [%[v]], #4\n\t"
                         "sxtab16 %[o], %[off], %[f], ror #8\n\t"
                         "sxtab16 %[f], %[off], %[f]\n\t"
                         "strd    %[f], %[o], [%[w]], #" TD_CONV_GROUP_BYTES_ASM "\n\t"
                         "cmp     %[v], %[end]\n\t"
                         "bne     1b"
                         : [v] "+r"(values), [w] "+r"(words), [f] "=&r"(four), [o] "=&r"(odd)
                         : [end] "r"(values_end), [off] "r"(offsets)
                         : "cc", "memory");
    }
#else
    for (; values != values_end; values += 4, words += TD_CONV_GROUP_WORDS) {
        const uint32_t four = td_read_u32(values);
        words[0] = td_sadd16(td_sxtb16(four), offsets);
        words[1] = td_sadd16(td_sxtb16_ror8(four), offsets);
    }
#endif
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
        /* Inside the image: K_h contiguous rows of K_w * C_in bytes, copied a word at a time.
         * The k past the length hold whatever was there: their weights are zero. */
        const int32_t row_step = params->dilation.h * input_dims->w * channels;
        const int8_t *row = input + ((batch * input_dims->h + in_y_origin) * input_dims->w + in_x_origin) * channels;
        for (ky = 0; ky < filter_dims->h; ++ky, row += row_step) {
            bytes = td_copy_bytes(bytes, row, row_length);
        }
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

/** One filter row (`groups` groups of four weights) against the four columns of a block, each sum started at its bias. */
TD_NOINLINE static void td_conv_filter_dot(const int8_t *weights,
                                           int32_t groups,
                                           const td_word *block,
                                           int32_t bias,
                                           int32_t *sums)
{
    const td_word *columns = block;
    const td_word *const columns_end = block + groups * TD_CONV_GROUP_WORDS;
    int32_t acc[TD_CONV_PIXELS];
    int32_t pixel;
    for (pixel = 0; pixel < TD_CONV_PIXELS; ++pixel) {
        acc[pixel] = bias;
    }
    TD_DOT_COLUMNS(weights, columns, columns_end, acc);
    for (pixel = 0; pixel < TD_CONV_PIXELS; ++pixel) {
        sums[pixel] = acc[pixel];
    }
}

/**
 * One filter row against the first column of a block only (a last block of one pixel: the
 * four-column loop would spend four columns' work on it): per four groups four weight loads (the
 * filter may be unaligned: no LDM), then per group two SXTB16, one LDRD and two SMLAD (27
 * instructions per 16 MACs with the loop's; 13 per 4 useful ones in the four-column loop). Groups
 * past a multiple of four first, in C.
 */
TD_NOINLINE static int32_t td_conv_filter_dot1(const int8_t *weights, int32_t groups, const td_word *block, int32_t acc)
{
    const td_word *columns = block;
    const td_word *const columns_end = block + groups * TD_CONV_GROUP_WORDS;
    for (; (groups & 3) != 0; --groups, weights += 4, columns += TD_CONV_GROUP_WORDS) {
        const uint32_t four = td_read_u32(weights);
        acc = td_smlad(td_sxtb16_ror8(four), columns[1], td_smlad(td_sxtb16(four), columns[0], acc));
    }
    if (columns == columns_end) {
        return acc;
    }
#if TD_DSP_ASM
    {
        uint32_t w0, w1, w2, w3, even, a, b;
#define TD_DOT1_GROUP(w, offset)                                                                   \
    "sxtb16  %[e], %[" w "]\n\t"                                                                   \
    "ldrd    %[a], %[b], [%[cp], #" offset "]\n\t"                                                 \
    "sxtb16  %[" w "], %[" w "], ror #8\n\t"                                                         \
    "smlad   %[acc], %[e], %[a], %[acc]\n\t"                                                       \
    "smlad   %[acc], %[" w "], %[b], %[acc]\n\t"
        __asm__("1:\n\t"
                "ldr     %[w0], [%[wp]], #16\n\t"
                "ldr     %[w1], [%[wp], #-12]\n\t"
                "ldr     %[w2], [%[wp], #-8]\n\t"
                "ldr     %[w3], [%[wp], #-4]\n\t"
                TD_DOT1_GROUP("w0", "0")
                TD_DOT1_GROUP("w1", "32")
                TD_DOT1_GROUP("w2", "64")
                TD_DOT1_GROUP("w3", "96")
                "add     %[cp], %[cp], #128\n\t"
                "cmp     %[cp], %[end]\n\t"
                "bne     1b"
                : [acc] "+r"(acc), [wp] "+r"(weights), [cp] "+r"(columns), [w0] "=&r"(w0), [w1] "=&r"(w1),
                  [w2] "=&r"(w2), [w3] "=&r"(w3), [e] "=&r"(even), [a] "=&r"(a), [b] "=&r"(b)
                : [end] "r"(columns_end), "m"(*(const int8_t(*)[])(weights)), "m"(*(const td_word(*)[])(columns))
                : "cc");
#undef TD_DOT1_GROUP
    }
#else
    for (; columns != columns_end; weights += 4, columns += TD_CONV_GROUP_WORDS) {
        const uint32_t four = td_read_u32(weights);
        acc = td_smlad(td_sxtb16_ror8(four), columns[1], td_smlad(td_sxtb16(four), columns[0], acc));
    }
#endif
    return acc;
}

/**
 * The C form of a block's filter loop: every output channel of the block's first `pixels`
 * (1..4) pixels, whose columns are in `block`, or with `exact_only` the channels in the exact
 * requantization (td_conv_block_asm computes those with the fast form's formula: redone here;
 * near-empty filters have tiny scales, so large shifts: rare). `output` points at the first pixel's
 * first channel. On the target: partial blocks and the exact channels; the whole loop elsewhere.
 */
TD_NOINLINE static void td_conv_block(const td_conv_params *params,
                                      const td_channel_requant *requants,
                                      const int8_t *weights,
                                      int32_t groups,
                                      int32_t output_c,
                                      const td_word *block,
                                      int32_t pixels,
                                      int8_t *output,
                                      int exact_only)
{
    int32_t out_c;
    for (out_c = 0; out_c < output_c; ++out_c, weights += 4 * groups) {
        const td_channel_requant *requant = &requants[out_c];
        int32_t values[TD_CONV_PIXELS];
        int32_t pixel;
        if (exact_only && requant->right_shift != 0) {
            continue;
        }
        if (pixels == 1) {
            values[0] = td_conv_filter_dot1(weights, groups, block, requant->bias);
        } else {
            td_conv_filter_dot(weights, groups, block, requant->bias, values);
        }
        for (pixel = 0; pixel < pixels; ++pixel) {
            output[pixel * output_c + out_c] = td_conv_output(params, requant, values[pixel]);
        }
    }
}

/*
 * td_conv_block_asm(requants, weights, block, block_end, output, output_end, output_c,
 * output_offset): every output channel of a block of four pixels, saturated to int8, in the fast
 * requantization (the output offset folded into its rounding) or the wide one (`output_offset`
 * added after its shift); channels with the exact one get the fast formula's wrong values, which
 * td_conv_block then overwrites. Weight rows of a multiple of four bytes (zero-padded when the
 * filter's are not). The filter loop in assembly: fourteen registers, four of them accumulators
 * and four (r2-r5, ascending for LDM) the columns of two pixels, so a group of four k against the
 * four columns is one weight load, two SXTB16, two LDM of four words and eight SMLAD (13
 * instructions per 16 multiply-accumulates; six pixels with LDRD took 21 per 24); the loop
 * takes two groups a turn (an odd count starts at the second). The requantization pointer, the
 * output pointer and the loop's constants live in a small array (`state`). Per filter besides:
 * the bias into four accumulators, then per output SMMLAR and four more (td_requant_fast, SSAT)
 * and a byte store, about 44 in all.
 */
#if TD_DSP_ASM
#define TD_CONV_HAS_BLOCK_ASM 1
#define TD_CONV_ASM_FINISH(acc)                                                                    \
    "lsl     %[" acc "], %[" acc "], #1\n\t"                                                       \
    "add     %[e], %[c3], %[" acc "], asr #31\n\t"                                                 \
    "smmlar  %[" acc "], %[" acc "], %[c1], %[e]\n\t"                                              \
    "asr     %[" acc "], %[" acc "], %[c2]\n\t"
/* One group of four k against the four columns (two pixels per LDM). */
#define TD_CONV_ASM_GROUP                                                                          \
    "ldr     %[w], [%[wp]], #4\n\t"                                                                  \
    "sxtb16  %[e], %[w]\n\t"                                                                         \
    "sxtb16  %[w], %[w], ror #8\n\t"                                                                 \
    "ldmia   %[cp]!, {%[c0], %[c1], %[c2], %[c3]}\n\t"                                               \
    "smlad   %[a0], %[e], %[c0], %[a0]\n\t"                                                          \
    "smlad   %[a0], %[w], %[c1], %[a0]\n\t"                                                          \
    "smlad   %[a1], %[e], %[c2], %[a1]\n\t"                                                          \
    "smlad   %[a1], %[w], %[c3], %[a1]\n\t"                                                          \
    "ldmia   %[cp]!, {%[c0], %[c1], %[c2], %[c3]}\n\t"                                               \
    "smlad   %[a2], %[e], %[c0], %[a2]\n\t"                                                          \
    "smlad   %[a2], %[w], %[c1], %[a2]\n\t"                                                          \
    "smlad   %[a3], %[e], %[c2], %[a3]\n\t"                                                          \
    "smlad   %[a3], %[w], %[c3], %[a3]\n\t"
#define TD_CONV_ASM_SATURATE(acc) "ssat    %[" acc "], #8, %[" acc "]\n\t"
#define TD_CONV_ASM_FINISH_WIDE(acc)                                                               \
    "mov     %[w], #0x40000000\n\t"                                                                 \
    "mov     %[e], #0\n\t"                                                                          \
    "smlal   %[w], %[e], %[" acc "], %[c1]\n\t"                                                     \
    "lsl     %[e], %[e], #1\n\t"                                                                    \
    "orr     %[e], %[e], %[w], lsr #31\n\t"                                                         \
    "add     %[e], %[e], %[" acc "], asr #31\n\t"                                                   \
    "add     %[e], %[e], %[c3]\n\t"                                                                 \
    "asr     %[e], %[e], %[c2]\n\t"                                                                 \
    "add     %[e], %[e], %[c0]\n\t"                                                                 \
    "ssat    %[" acc "], #8, %[e]\n\t"

/** td_conv_block_asm's state (byte offsets 0, 4, ... in the assembly): the first two words advance per filter. */
enum {
    TD_CONV_STATE_REQUANT,
    TD_CONV_STATE_OUTPUT,
    TD_CONV_STATE_OUTPUT_C,
    TD_CONV_STATE_OUTPUT_END,
    TD_CONV_STATE_BLOCK,
    TD_CONV_STATE_BLOCK_END,
    /* Added to the wide form's outputs (the fast form has it folded into its rounding). */
    TD_CONV_STATE_OUTPUT_OFFSET,
    /* Nonzero when the groups of four k are odd (the loop, two groups a turn, then starts at its
     * second); the assembly replaces it with the loop's entry address. */
    TD_CONV_STATE_ODD,
    TD_CONV_STATE_WORDS
};

static void td_conv_block_asm(const td_channel_requant *requants,
                              const int8_t *weights,
                              const td_word *block,
                              const td_word *block_end,
                              int8_t *output,
                              int8_t *output_end,
                              int32_t output_c,
                              int32_t output_offset)
{
    uintptr_t state[TD_CONV_STATE_WORDS];
    int32_t acc0, acc1, acc2, acc3;
    uint32_t columns, end, word, even;
    /* LDM fills its registers in ascending order: the four column words are pinned. */
    register uint32_t column0 __asm__("r2");
    register uint32_t column1 __asm__("r3");
    register uint32_t column2 __asm__("r4");
    register uint32_t column3 __asm__("r5");
    state[TD_CONV_STATE_REQUANT] = (uintptr_t)requants;
    state[TD_CONV_STATE_OUTPUT] = (uintptr_t)output;
    state[TD_CONV_STATE_OUTPUT_C] = (uintptr_t)output_c;
    state[TD_CONV_STATE_OUTPUT_END] = (uintptr_t)output_end;
    state[TD_CONV_STATE_BLOCK] = (uintptr_t)block;
    state[TD_CONV_STATE_BLOCK_END] = (uintptr_t)block_end;
    state[TD_CONV_STATE_OUTPUT_OFFSET] = (uintptr_t)output_offset;
    state[TD_CONV_STATE_ODD] = (uintptr_t)(((block_end - block) / TD_CONV_GROUP_WORDS) & 1);
    __asm__ volatile(/* The loop's entry, by the parity of the groups, in place of the flag. */
                     "ldr     %[w], [%[k], #28]\n\t"
                     "adr.w   %[e], 1f\n\t"
                     "cmp     %[w], #0\n\t"
                     "it      ne\n\t"
                     "adrne.w %[e], 3f\n\t"
                     "str     %[e], [%[k], #28]\n\t"
                     "2:\n\t"
                     "ldr     %[a0], [%[k]]\n\t"
                     "ldr     %[a0], [%[a0]]\n\t"
                     "mov     %[a1], %[a0]\n\t"
                     "mov     %[a2], %[a0]\n\t"
                     "mov     %[a3], %[a0]\n\t"
                     "ldrd    %[cp], %[end], [%[k], #16]\n\t"
                     "ldr     %[w], [%[k], #28]\n\t"
                     "mov     pc, %[w]\n\t"
                     "1:\n\t"
                     TD_CONV_ASM_GROUP
                     "3:\n\t"
                     TD_CONV_ASM_GROUP
                     "cmp     %[cp], %[end]\n\t"
                     "bne     1b\n\t"
                     /* The channel's bias (unused here), multiplier, right shift and rounding. */
                     "ldr     %[cp], [%[k]]\n\t"
                     "ldmia   %[cp]!, {%[c0], %[c1], %[c2], %[c3]}\n\t"
                     "str     %[cp], [%[k]]\n\t"
                     "tst     %[c2], #32\n\t" /* TD_REQUANT_WIDE */
                     "bne     6f\n\t"
                     TD_CONV_ASM_FINISH("a0")
                     TD_CONV_ASM_FINISH("a1")
                     TD_CONV_ASM_FINISH("a2")
                     TD_CONV_ASM_FINISH("a3")
                     TD_CONV_ASM_SATURATE("a0")
                     TD_CONV_ASM_SATURATE("a1")
                     TD_CONV_ASM_SATURATE("a2")
                     TD_CONV_ASM_SATURATE("a3")
                     "4:\n\t"
                     "ldrd    %[cp], %[c0], [%[k], #4]\n\t"
                     "strb    %[a1], [%[cp], %[c0]]\n\t"
                     "add     %[end], %[cp], %[c0], lsl #1\n\t"
                     "strb    %[a2], [%[end]]\n\t"
                     "strb    %[a3], [%[end], %[c0]]\n\t"
                     "strb    %[a0], [%[cp]], #1\n\t"
                     "ldr     %[end], [%[k], #12]\n\t"
                     "str     %[cp], [%[k], #4]\n\t"
                     "cmp     %[cp], %[end]\n\t"
                     "bne     2b\n\t"
                     "b       7f\n\t"
                     "6:\n\t" /* the wide form: the output offset added after the shift */
                     "ldr     %[c0], [%[k], #24]\n\t"
                     "and     %[c2], %[c2], #31\n\t"
                     TD_CONV_ASM_FINISH_WIDE("a0")
                     TD_CONV_ASM_FINISH_WIDE("a1")
                     TD_CONV_ASM_FINISH_WIDE("a2")
                     TD_CONV_ASM_FINISH_WIDE("a3")
                     "b       4b\n\t"
                     "7:"
                     : [wp] "+r"(weights), [a0] "=&r"(acc0), [a1] "=&r"(acc1), [a2] "=&r"(acc2),
                       [a3] "=&r"(acc3), [cp] "=&r"(columns), [end] "=&r"(end), [w] "=&r"(word),
                       [e] "=&r"(even), [c0] "=&r"(column0), [c1] "=&r"(column1), [c2] "=&r"(column2),
                       [c3] "=&r"(column3)
                     : [k] "r"(state)
                     : "cc", "memory");
}

#else
#define TD_CONV_HAS_BLOCK_ASM 0

#endif

#if TD_CONV_HAS_BLOCK_ASM
/**
 * A narrower activation range than int8's on `bytes` (a multiple of four) outputs that td_conv_block_asm saturated
 * to int8 only: four at a time with SSUB8 + SEL against the range's ends in every byte (out of line: the block
 * loop keeps its registers). Clamping the
 * int8-saturated value gives the clamp of the unsaturated one (the range lies inside int8's): 2.5 instructions an
 * output, where the C form of the block (td_conv_block) spends ~20 on each.
 */
TD_NOINLINE static void td_conv_clamp_block(int8_t *output, int32_t bytes, const td_activation *activation)
{
    const uint32_t low = (uint32_t)(uint8_t)(int8_t)td_clamp_i32(activation->min, -128, 127) * 0x01010101u;
    const uint32_t high = (uint32_t)(uint8_t)(int8_t)td_clamp_i32(activation->max, -128, 127) * 0x01010101u;
    int8_t *const end = output + bytes;
    for (; output != end; output += 4) {
        const uint32_t four = td_min_s8x4(td_max_s8x4(td_read_u32(output), low), high);
        memcpy(output, &four, sizeof(four));
    }
}
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
    int32_t exact_channels = 0;
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
        requants[out_c] = td_conv_requant(bias != NULL ? bias[out_c] : 0, quant->multiplier[out_c], quant->shift[out_c],
                                          params->output_offset, length);
        exact_channels += requants[out_c].right_shift == 0;
    }
    if (length != padded_length) {
        /* Weight rows zero-padded to whole groups of four (the columns hold 0 there too); L % 4 != 0
         * implies C_in % 4 != 0, so they come after the gathered patch. */
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
        for (column = 0; column < count; ++column) {
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
        if (count == TD_CONV_PIXELS) {
            td_conv_block_asm(requants, weights, block, block + groups * TD_CONV_GROUP_WORDS, block_output,
                              block_output + output_c, output_c, params->output_offset);
            if (params->activation.min > -128 || params->activation.max < 127) {
                td_conv_clamp_block(block_output, TD_CONV_PIXELS * output_c, &params->activation);
            }
            if (exact_channels > 0) {
                td_conv_block(params, requants, weights, groups, output_c, block, TD_CONV_PIXELS, block_output, 1);
            }
            continue;
        }
#endif
        td_conv_block(params, requants, weights, groups, output_c, block, count, block_output, 0);
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
