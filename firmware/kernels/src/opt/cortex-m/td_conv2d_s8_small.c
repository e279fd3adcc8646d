/*
 * CONV_2D, int8, small patches, Cortex-M DSP variant (overrides src/conv/td_conv2d_s8_small.c by
 * name; the same bits as the reference). Where a convolution has few MACs per output (a 3x3
 * window over one input channel: 9; a 1x1 over eight channels: 8), the im2col GEMM of
 * td_conv2d_s8 pays its gathering and its fixed per-filter cost per block of four pixels on
 * every handful of MACs. Here a pixel's whole patch, as int16 pairs with the input offset added
 * (padding as 0), stays in registers while every filter runs against it; per filter one record:
 *     [2 * bias, the weights doubled as int16 pairs, multiplier, rounding, right shift, min, max]
 * The doubled weights make the sum 2 * acc, which is what the fast requantization's SMMLAR takes
 * (td_dsp.h: SMMLAR(2 * acc, m, rounding + (acc >> 31)) >> right, the output offset folded into
 * the rounding): per filter two LDM, one SMLAD per two taps, then ADD, SMMLAR, ASR, SSAT and a
 * byte store (a narrower clamp adds two SSUB16/SEL pairs), two filters per loop turn.
 *  - One input channel, 3x3 (td_small_row_3x3*): each output row's three input rows are widened
 *    to int16 once; a pixel's nine taps are five words, (t0 t1) (t2 t3) (t4 t5) (t6 t7) (t8 -),
 *    loaded at halfword offsets from the rows (the second one packed by PKHBT), so a filter is
 *    five SMLAD; a whole output row is one assembly call.
 *  - 1x1 over eight channels, stride 1 (td_small_pointwise8*): a pixel's eight bytes are two
 *    loads and four SXTAB16 (offset added), lanes (c0 c2) (c1 c3) (c4 c6) (c5 c7), the weights
 *    stored in that order; the whole tensor is one assembly call.
 *  - Other windows (up to 32 weight words by filter rows: 5x5 of one channel, 3x3 of three;
 *    td_small_chunks*): each output row's input rows widened once per band of rows, a pixel's
 *    patch rows copied into the scratch, and every filter runs a ladder of two LDM and four SMLAD
 *    per four words, entered where it leaves the patch's.
 *  - Windows of at most 8 such words (the _regs entries, td_small_regs_*): per output row each
 *    pixel parity's patch words laid out so that a pixel's are contiguous, one LDM into registers
 *    per pixel, and per filter a straight line of LDM and SMLAD (td_small_regs_rows); four filters
 *    or more over at most six words (td_small_regs_quad_*) and the 1x1 over one to four channels
 *    (td_small_pointwise4_*) clamp and store four filters' bytes at once (SSUB8, SEL, one STR).
 *  - One to four filters over filter rows of at most 16 words (the _few entries, td_small_few_*): a pixel's patch read
 *    in place from the widened rows, per word one LDR (at any halfword), one load of the filters' weights
 *    (interleaved by word) and an SMLAD per filter; per filter row a jump into a ladder of such steps.
 * All need every channel in the fast form with its offset folded (right shift 1-21, |acc| <
 * 2^30: the generator only chooses this kernel then); anything else on the target runs the
 * reference loop. The host (and compilers without GNU asm) runs the same records in C
 * (td_small_pixel: the patch gathered per pixel; undoubled when a channel is not fast).
 *
 * Scratch (get_buffer_size): a record per output channel (W + 6 words, W = ceil(K_h K_w C_in / 2))
 * and, for one input channel, K_h int16 rows of W_in + 2 K_w values (rounded down to even).
 */
#include "../../conv/td_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** The most weight words of a filter (eight groups of four in the general loop; td_small_pixel's patch on the stack). */
#define TD_SMALL_MAX_WORDS 32
/** The most patch words the _regs entries hold in registers (td_small_regs_*). */
#define TD_SMALL_REGS_MAX_WORDS 8

/**
 * How a filter's taps (patch order ky, kx, channel) lie in its weight words and in a pixel's patch:
 * in order (3x3 one channel: five words); by groups of four (c0 c2) (c1 c3), what SXTAB16 and its
 * ROR #8 make of four bytes (1x1 over a multiple of four channels); or by filter rows of
 * ceil(K_w C_in / 2) words, a row's odd last lane zero-weighted, the rows rounded up to whole
 * groups of four words (any other shape: the general loop); or the by-rows words ordered by
 * column, word j of every row before word j + 1 (word j K_h + ky: the _regs entries' patch arrays).
 */
enum { TD_SMALL_IN_ORDER, TD_SMALL_PERMUTED, TD_SMALL_BY_ROWS, TD_SMALL_BY_COLUMNS };

TD_INLINE int32_t td_small_round4(int32_t words) { return (words + 3) & ~3; }

/** Words of one filter row in the by-rows layout. */
TD_INLINE int32_t td_small_row_words(const td_dims *filter_dims) { return (filter_dims->w * filter_dims->c + 1) / 2; }

TD_INLINE int td_small_layout(const td_dims *filter_dims, int pointwise8, int pointwise4)
{
    const int32_t taps = filter_dims->h * filter_dims->w * filter_dims->c;
    if (filter_dims->c == 1 && filter_dims->h == 3 && filter_dims->w == 3) {
        return TD_SMALL_IN_ORDER;
    }
    /* Permuted only where an entry's loops take 1x1 windows (a constant there), so that the others do not carry it. */
    return filter_dims->h == 1 && filter_dims->w == 1 && ((pointwise8 && (taps & 3) == 0) || (pointwise4 && taps <= 4))
               ? TD_SMALL_PERMUTED
               : TD_SMALL_BY_ROWS;
}

/** Weight words of a filter in its layout. */
TD_INLINE int32_t td_small_words(const td_dims *filter_dims, int layout)
{
    const int32_t taps = filter_dims->h * filter_dims->w * filter_dims->c;
    if (layout == TD_SMALL_PERMUTED) {
        return ((taps + 3) >> 2) * 2; /* whole groups of four (c0 c2) (c1 c3), the lanes past C_in zero */
    }
    return layout == TD_SMALL_BY_ROWS ? td_small_round4(filter_dims->h * td_small_row_words(filter_dims)) : (taps + 1) / 2;
}

/** Values of one widened row in the scratch (enough for any padding of a window that fits). */
TD_INLINE int32_t td_small_row_values(const td_dims *input_dims, const td_dims *filter_dims)
{
    return ((input_dims->w + 2 * filter_dims->w) * filter_dims->c + 1) & ~1;
}

/** Widened rows in the scratch: a band of output rows widens its 3 K_h + 3 input rows at once (3x3 at stride 1: ten output rows). */
TD_INLINE int32_t td_small_band_rows(const td_dims *filter_dims) { return 3 * filter_dims->h + 3; }

/**
 * The lane of tap k (patch order: ky, kx, channel) in the records and patches: in order for one
 * channel, else by groups of four (c0 c2) (c1 c3) when the taps are a multiple of four (what
 * SXTAB16 and its ROR #8 make of four bytes), else by rows.
 */
TD_INLINE int32_t td_small_lane(int32_t k, int layout, int32_t row_taps, int32_t row_words)
{
    if (layout == TD_SMALL_PERMUTED) {
        return (k & ~3) | ((k & 1) << 1) | ((k >> 1) & 1);
    }
    return layout == TD_SMALL_BY_ROWS ? (k / row_taps) * 2 * row_words + k % row_taps : k;
}

/** The lane of tap k in the by-columns layout of `height` filter rows (its own loop, so the others' stays as it was). */
TD_INLINE int32_t td_small_lane_by_columns(int32_t k, int32_t row_taps, int32_t height)
{
    return 2 * ((k % row_taps) / 2 * height + k / row_taps) + (k % row_taps) % 2;
}

/** A filter's record: the bias, `words` weight words, then the tail. */
enum { TD_SMALL_BIAS, TD_SMALL_WEIGHTS };
enum { TD_SMALL_MULTIPLIER, TD_SMALL_ROUNDING, TD_SMALL_RIGHT_SHIFT, TD_SMALL_MIN, TD_SMALL_MAX, TD_SMALL_TAIL };

TD_INLINE int32_t td_small_record_words(int32_t words) { return 1 + words + TD_SMALL_TAIL; }

/** The _regs loops' record tail: multiplier, rounding and right shift (the clamp comes with their state). */
#define TD_SMALL_REGS_TAIL 3

int32_t td_conv2d_s8_small_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    /* Records sized for either layout; a patch and a band of widened rows unless 1x1. */
    const int32_t words = td_small_words(filter_dims, TD_SMALL_BY_ROWS) > td_small_words(filter_dims, TD_SMALL_IN_ORDER)
                              ? td_small_words(filter_dims, TD_SMALL_BY_ROWS)
                              : td_small_words(filter_dims, TD_SMALL_IN_ORDER);
    const int32_t patch_and_rows =
        filter_dims->h * filter_dims->w > 1
            ? words * 4 + td_small_band_rows(filter_dims) * td_small_row_values(input_dims, filter_dims) * 2
            : 0;
    return filter_dims->n * td_small_record_words(words) * 4 + patch_and_rows;
}

#if !TD_DSP_ASM
/* The C form (the host and other compilers; on the target the loops below, the rest the reference). */
/**
 * One sum requantized and clamped, from the tail of its record: `doubled` sums (2 * acc, every
 * channel fast and folded) by SMMLAR alone, else acc by the channel's form.
 */
TD_NOINLINE static int8_t td_small_output(const int32_t *tail, int32_t acc, int32_t output_offset, int doubled)
{
    int32_t value;
    if (doubled) {
        value = td_smmlar(acc, tail[TD_SMALL_MULTIPLIER], tail[TD_SMALL_ROUNDING] + (acc >> 31)) >>
                tail[TD_SMALL_RIGHT_SHIFT];
    } else if (tail[TD_SMALL_RIGHT_SHIFT] != 0) {
        value = td_requant_fast(acc, tail[TD_SMALL_MULTIPLIER], tail[TD_SMALL_RIGHT_SHIFT], tail[TD_SMALL_ROUNDING]);
    } else {
        value = td_multiply_by_quantized_multiplier(acc, tail[TD_SMALL_MULTIPLIER], tail[TD_SMALL_ROUNDING]) +
                output_offset;
    }
    return (int8_t)td_clamp_i32(value, tail[TD_SMALL_MIN], tail[TD_SMALL_MAX]);
}

/**
 * The C form, any shape without dilation: the patch of output pixel (batch, out_y, out_x)
 * gathered into lanes (0 for padded taps), then every filter against it.
 */
TD_NOINLINE static void td_small_pixel(const td_conv_params *params,
                                       const td_dims *input_dims,
                                       const int8_t *input,
                                       const td_dims *filter_dims,
                                       const int32_t *records,
                                       const int32_t *records_end,
                                       int32_t words,
                                       int layout,
                                       int doubled,
                                       int32_t batch,
                                       int32_t out_y,
                                       int32_t out_x,
                                       int8_t *output)
{
    int16_t lanes[2 * TD_SMALL_MAX_WORDS];
    uint32_t patch[TD_SMALL_MAX_WORDS];
    const int32_t channels = input_dims->c;
    const int32_t row_taps = filter_dims->w * channels;
    const int32_t row_words = td_small_row_words(filter_dims);
    const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
    const int32_t in_x_origin = out_x * params->stride.w - params->padding.w;
    int32_t ky, kx, c, i;
    int32_t k = 0;
    memset(lanes, 0, (size_t)words * 4);
    for (ky = 0; ky < filter_dims->h; ++ky) {
        const int32_t in_y = in_y_origin + ky * params->dilation.h;
        for (kx = 0; kx < filter_dims->w; ++kx) {
            const int32_t in_x = in_x_origin + kx * params->dilation.w;
            const int inside = in_y >= 0 && in_y < input_dims->h && in_x >= 0 && in_x < input_dims->w;
            for (c = 0; c < channels; ++c, ++k) {
                lanes[layout == TD_SMALL_BY_COLUMNS ? td_small_lane_by_columns(k, row_taps, filter_dims->h)
                                                    : td_small_lane(k, layout, row_taps, row_words)] =
                    inside ? (int16_t)(input[((batch * input_dims->h + in_y) * input_dims->w + in_x) * channels + c] +
                                       params->input_offset)
                           : 0;
            }
        }
    }
    for (i = 0; i < words; ++i) {
        patch[i] = td_pack16(lanes[2 * i], lanes[2 * i + 1]);
    }
    while (records != records_end) {
        int32_t acc = records[TD_SMALL_BIAS];
        const int32_t *weights = records + TD_SMALL_WEIGHTS;
        for (i = 0; i < words; ++i) {
            acc = td_smlad(patch[i], (uint32_t)weights[i], acc);
        }
        records = weights + words;
        *output++ = td_small_output(records, acc, params->output_offset, doubled);
        records += TD_SMALL_TAIL;
    }
}

#endif

#if TD_DSP_ASM
#define TD_SMALL_HAS_ASM 1
/*
 * The filter loops' requantization tail: r0 the doubled sum, r1-r3 multiplier, rounding and right
 * shift, r9 and lr the clamp's min and max; the output byte stored at out, which advances.
 */
#define TD_SMALL_REQUANT                                                                           \
    "add     r2, r2, r0, asr #31\n\t"                                                              \
    "smmlar  r0, r0, r1, r2\n\t"                                                                   \
    "asr     r0, r0, r3\n\t"                                                                       \
    "ssat    r0, #8, r0\n\t"
/* A narrower clamp: per lane max(x, min) then min(x, max) by SSUB16's GE flags and SEL (the byte stored is lane 0's). */
#define TD_SMALL_CLAMP_FULL ""
/* A clamp whose maximum is 127 (ReLU): SSAT gave that end, max(x, min) alone. */
#define TD_SMALL_CLAMP_MIN                                                                         \
    "ssub16  r1, r0, r9\n\t"                                                                       \
    "sel     r0, r0, r9\n\t"
#define TD_SMALL_CLAMP_RANGE                                                                       \
    "ssub16  r1, r0, r9\n\t"                                                                       \
    "sel     r0, r0, r9\n\t"                                                                       \
    "ssub16  r1, lr, r0\n\t"                                                                       \
    "sel     r0, r0, lr\n\t"
/* A 3x3 one-channel filter: five weight words against p0-p4. */
#define TD_SMALL_FILTER5(clamp)                                                                    \
    "ldmia   %[rp]!, {r0, r1, r2, r3, r9, lr}\n\t"                                                 \
    "smlad   r0, %[p0], r1, r0\n\t"                                                                \
    "smlad   r0, %[p1], r2, r0\n\t"                                                                \
    "smlad   r0, %[p2], r3, r0\n\t"                                                                \
    "smlad   r0, %[p3], r9, r0\n\t"                                                                \
    "smlad   r0, %[p4], lr, r0\n\t"                                                                \
    "ldmia   %[rp]!, {r1, r2, r3, r9, lr}\n\t"                                                     \
    TD_SMALL_REQUANT clamp                                                                         \
    "strb    r0, [%[out]], #1\n\t"
/* A 1x1 eight-channel filter: four weight words against p0-p3. */
#define TD_SMALL_FILTER4(clamp)                                                                    \
    "ldmia   %[rp]!, {r0, r1, r2, r3, lr}\n\t"                                                     \
    "smlad   r0, %[p0], r1, r0\n\t"                                                                \
    "smlad   r0, %[p1], r2, r0\n\t"                                                                \
    "smlad   r0, %[p2], r3, r0\n\t"                                                                \
    "smlad   r0, %[p3], lr, r0\n\t"                                                                \
    "ldmia   %[rp]!, {r1, r2, r3, r9, lr}\n\t"                                                     \
    TD_SMALL_REQUANT clamp                                                                         \
    "strb    r0, [%[out]], #1\n\t"
/*
 * The loops run four filters a turn (labels 1, 3, 6, 7); their entry (state word
 * TD_SMALL_STATE_ENTRY: the number of filters modulo four, which start that many filters before
 * the turn's end) is replaced by that address with the Thumb bit (LDR PC). The loop ends at the
 * records' end (r12).
 */
#define TD_SMALL_ENTRY                                                                             \
    "ldr     r1, [r0, #24]\n\t"                                                                    \
    "adr.w   r2, 1f\n\t"                                                                           \
    "cmp     r1, #1\n\t"                                                                           \
    "it      eq\n\t"                                                                               \
    "adreq.w r2, 7f\n\t"                                                                           \
    "cmp     r1, #2\n\t"                                                                           \
    "it      eq\n\t"                                                                               \
    "adreq.w r2, 6f\n\t"                                                                           \
    "cmp     r1, #3\n\t"                                                                           \
    "it      eq\n\t"                                                                               \
    "adreq.w r2, 3f\n\t"                                                                           \
    "orr     r2, r2, #1\n\t"                                                                       \
    "str     r2, [r0, #24]\n\t"
/** The assembly loops' state, byte offsets 0, 4, ... in the assembly. */
enum { TD_SMALL_STATE_START, TD_SMALL_STATE_STEP, TD_SMALL_STATE_ROW_STEP, TD_SMALL_STATE_END,
       TD_SMALL_STATE_RECORDS, TD_SMALL_STATE_RECORDS_END, TD_SMALL_STATE_ENTRY, TD_SMALL_STATE_WORDS };

/*
 * One output row of a 3x3 one-channel convolution: state START the first pixel's patch in the
 * widened rows (bytes), STEP the pixel stride (bytes), ROW_STEP the rows' distance (bytes), END
 * the START past the row's last pixel. Per pixel: six loads and a PKHBT, then every filter.
 */
#define TD_SMALL_ROW_3X3(name, clamp)                                                              \
    TD_NOINLINE static void name(uintptr_t *state, int8_t *output)                                 \
    {                                                                                              \
        register uintptr_t *st __asm__("r0") = state;                                              \
        register uint32_t p0 __asm__("r4");                                                        \
        register uint32_t p1 __asm__("r5");                                                        \
        register uint32_t p2 __asm__("r6");                                                        \
        register uint32_t p3 __asm__("r7");                                                        \
        register uint32_t p4 __asm__("r8");                                                        \
        register const int32_t *rp __asm__("r10");                                                 \
        register int8_t *out __asm__("r11") = output;                                              \
        register int8_t *end __asm__("r12");                                                       \
        __asm__ volatile("push    {r0}\n\t"                                                        \
                         TD_SMALL_ENTRY                                                            \
                         "ldr     r1, [r0]\n\t"                                                    \
                         "ldr     r3, [r0, #8]\n\t"                                                \
                         "ldr     %[end], [r0, #20]\n\t"                                           \
                         "b       5f\n\t"                                                          \
                         "1:\n\t"                                                                  \
                         TD_SMALL_FILTER5(clamp)                                                   \
                         "3:\n\t"                                                                  \
                         TD_SMALL_FILTER5(clamp)                                                   \
                         "6:\n\t"                                                                  \
                         TD_SMALL_FILTER5(clamp)                                                   \
                         "7:\n\t"                                                                  \
                         TD_SMALL_FILTER5(clamp)                                                   \
                         "cmp     %[rp], %[end]\n\t"                                               \
                         "bne     1b\n\t"                                                          \
                         /* The next pixel: its patch start, its records from the first. */         \
                         "ldr     r0, [sp]\n\t"                                                    \
                         "ldmia   r0, {r1, r2, r3, lr}\n\t"                                        \
                         "add     r1, r1, r2\n\t"                                                  \
                         "cmp     r1, lr\n\t"                                                      \
                         "beq     2f\n\t"                                                          \
                         "str     r1, [r0]\n\t"                                                    \
                         "5:\n\t"                                                                  \
                         "ldr     %[rp], [r0, #16]\n\t"                                            \
                         "ldr     %[p0], [r1]\n\t"                                                 \
                         "ldr     r2, [r1, #4]\n\t"                                                \
                         "add     r1, r1, r3\n\t"                                                  \
                         "ldr     lr, [r1]\n\t"                                                    \
                         "ldr     %[p2], [r1, #2]\n\t"                                             \
                         "pkhbt   %[p1], r2, lr, lsl #16\n\t"                                      \
                         "add     r1, r1, r3\n\t"                                                  \
                         "ldr     %[p3], [r1]\n\t"                                                 \
                         "ldr     %[p4], [r1, #4]\n\t"                                             \
                         "ldr     pc, [r0, #24]\n\t"                                               \
                         "2:\n\t"                                                                  \
                         "pop     {r0}"                                                            \
                         : [st] "+r"(st), [out] "+r"(out), [rp] "=r"(rp), [end] "=r"(end),          \
                           [p0] "=r"(p0), [p1] "=r"(p1), [p2] "=r"(p2), [p3] "=r"(p3), [p4] "=r"(p4) \
                         :                                                                         \
                         : "r1", "r2", "r3", "r9", "lr", "cc", "memory");                          \
    }
TD_SMALL_ROW_3X3(td_small_row_3x3_full, TD_SMALL_CLAMP_FULL)
TD_SMALL_ROW_3X3(td_small_row_3x3_range, TD_SMALL_CLAMP_RANGE)
TD_SMALL_ROW_3X3(td_small_row_3x3_min, TD_SMALL_CLAMP_MIN)

/*
 * A whole 1x1 eight-channel convolution at stride 1: state START the input (bytes), END its end,
 * ROW_STEP the input offset in both lanes. Per pixel: two loads, four SXTAB16, then every filter.
 */
#define TD_SMALL_POINTWISE8(name, clamp)                                                           \
    TD_NOINLINE static void name(uintptr_t *state, int8_t *output)                                 \
    {                                                                                              \
        register uintptr_t *st __asm__("r0") = state;                                              \
        register uint32_t p0 __asm__("r4");                                                        \
        register uint32_t p1 __asm__("r5");                                                        \
        register uint32_t p2 __asm__("r6");                                                        \
        register uint32_t p3 __asm__("r7");                                                        \
        register const int32_t *rp __asm__("r10");                                                 \
        register int8_t *out __asm__("r11") = output;                                              \
        register int8_t *end __asm__("r12");                                                       \
        __asm__ volatile("push    {r0}\n\t"                                                        \
                         TD_SMALL_ENTRY                                                            \
                         "ldr     %[end], [r0, #20]\n\t"                                           \
                         "b       5f\n\t"                                                          \
                         "1:\n\t"                                                                  \
                         TD_SMALL_FILTER4(clamp)                                                   \
                         "3:\n\t"                                                                  \
                         TD_SMALL_FILTER4(clamp)                                                   \
                         "6:\n\t"                                                                  \
                         TD_SMALL_FILTER4(clamp)                                                   \
                         "7:\n\t"                                                                  \
                         TD_SMALL_FILTER4(clamp)                                                   \
                         "cmp     %[rp], %[end]\n\t"                                               \
                         "bne     1b\n\t"                                                          \
                         "ldr     r0, [sp]\n\t"                                                    \
                         "5:\n\t"                                                                  \
                         "ldr     r1, [r0]\n\t"                                                    \
                         "ldrd    r2, r3, [r0, #8]\n\t"                                            \
                         "cmp     r1, r3\n\t"                                                      \
                         "beq     2f\n\t"                                                          \
                         "ldr     lr, [r1, #4]\n\t"                                                \
                         "ldr     r3, [r1], #8\n\t"                                                \
                         "str     r1, [r0]\n\t"                                                    \
                         "sxtab16 %[p0], r2, r3\n\t"                                               \
                         "sxtab16 %[p1], r2, r3, ror #8\n\t"                                       \
                         "sxtab16 %[p2], r2, lr\n\t"                                               \
                         "sxtab16 %[p3], r2, lr, ror #8\n\t"                                       \
                         "ldr     %[rp], [r0, #16]\n\t"                                            \
                         "ldr     pc, [r0, #24]\n\t"                                               \
                         "2:\n\t"                                                                  \
                         "pop     {r0}"                                                            \
                         : [st] "+r"(st), [out] "+r"(out), [rp] "=r"(rp), [end] "=r"(end),          \
                           [p0] "=r"(p0), [p1] "=r"(p1), [p2] "=r"(p2), [p3] "=r"(p3)               \
                         :                                                                         \
                         : "r1", "r2", "r3", "r8", "r9", "lr", "cc", "memory");                    \
    }
TD_SMALL_POINTWISE8(td_small_pointwise8_full, TD_SMALL_CLAMP_FULL)
TD_SMALL_POINTWISE8(td_small_pointwise8_range, TD_SMALL_CLAMP_RANGE)
TD_SMALL_POINTWISE8(td_small_pointwise8_min, TD_SMALL_CLAMP_MIN)

/*
 * A run of pixels of a 1x1 convolution over one to four channels (the whole tensor at stride 1, an
 * output row otherwise): state (TD_PW4_*) START the first pixel (bytes), STEP stride * C_in, OFFSETS
 * the input offset in both lanes, END the START past the last pixel, the records and the end of their
 * whole groups of four, the group count (then the loop's entry), the rest (C_out mod 4, then its
 * entry), and the clamp's min and max in every byte. Per pixel one load of four bytes (those past
 * C_in are the next pixel's: zero weights) and two SXTAB16, then every filter (two SMLAD): each
 * record [bias, two weight words, multiplier, rounding, right shift] one LDM, and four filters' bytes
 * gathered into a word (BFI), clamped together (SSUB8 and SEL) and stored by one STR; the rest one
 * byte each. The caller keeps the last load inside the input (td_small_conv).
 */
#define TD_SMALL_PW4_DOT                                                                           \
    "ldmia   r10!, {r0, r1, r2, r3, r6, r7}\n\t"                                                   \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "smlad   r0, r5, r2, r0\n\t"                                                                   \
    "add     r6, r6, r0, asr #31\n\t"                                                              \
    "smmlar  r0, r0, r3, r6\n\t"                                                                   \
    "asr     r0, r0, r7\n\t"
#define TD_SMALL_PW4_QUAD(clamp)                                                                   \
    TD_SMALL_PW4_DOT                                                                               \
    "ssat    r8, #8, r0\n\t"                                                                       \
    TD_SMALL_PW4_DOT                                                                               \
    "ssat    r0, #8, r0\n\t"                                                                       \
    "bfi     r8, r0, #8, #8\n\t"                                                                   \
    TD_SMALL_PW4_DOT                                                                               \
    "ssat    r0, #8, r0\n\t"                                                                       \
    "bfi     r8, r0, #16, #8\n\t"                                                                  \
    TD_SMALL_PW4_DOT                                                                               \
    "ssat    r0, #8, r0\n\t"                                                                       \
    "bfi     r8, r0, #24, #8\n\t"                                                                  \
    clamp                                                                                          \
    "str     r8, [r11], #4\n\t"
#define TD_SMALL_PW4_SINGLE(clamp)                                                                 \
    TD_SMALL_PW4_DOT                                                                               \
    "ssat    r8, #8, r0\n\t"                                                                       \
    clamp                                                                                          \
    "strb    r8, [r11], #1\n\t"
/* The clamps of r8's bytes (r9 the minimum and lr the maximum in every byte). */
#define TD_SMALL_PW4_CLAMP_FULL ""
#define TD_SMALL_PW4_CLAMP_MIN                                                                     \
    "ssub8   r0, r8, r9\n\t"                                                                       \
    "sel     r8, r8, r9\n\t"
#define TD_SMALL_PW4_CLAMP_RANGE                                                                   \
    TD_SMALL_PW4_CLAMP_MIN                                                                         \
    "ssub8   r0, lr, r8\n\t"                                                                       \
    "sel     r8, r8, lr\n\t"
/** td_small_pointwise4_*'s state, byte offsets 0, 4, ... in the assembly. */
enum { TD_PW4_START, TD_PW4_STEP, TD_PW4_OFFSETS, TD_PW4_END, TD_PW4_RECORDS, TD_PW4_GROUPS_END, TD_PW4_GROUPS,
       TD_PW4_REST, TD_PW4_MIN, TD_PW4_MAX, TD_PW4_STATE_WORDS };
#define TD_SMALL_POINTWISE4(name, clamp)                                                           \
    TD_NOINLINE static void name(uintptr_t *state, int8_t *output)                                 \
    {                                                                                              \
        register uintptr_t *st __asm__("r0") = state;                                              \
        register int8_t *out __asm__("r11") = output;                                              \
        __asm__ volatile(/* The rest's entry (8: none) into REST, the groups' (or the rest's) into GROUPS. */ \
                         "ldrd    r1, r2, [r0, #24]\n\t"                                           \
                         "adr.w   r3, 8f\n\t"                                                      \
                         "cmp     r2, #1\n\t"                                                      \
                         "it      eq\n\t"                                                          \
                         "adreq.w r3, 7f\n\t"                                                      \
                         "cmp     r2, #2\n\t"                                                      \
                         "it      eq\n\t"                                                          \
                         "adreq.w r3, 6f\n\t"                                                      \
                         "cmp     r2, #3\n\t"                                                      \
                         "it      eq\n\t"                                                          \
                         "adreq.w r3, 3f\n\t"                                                      \
                         "orr     r3, r3, #1\n\t"                                                  \
                         "adr.w   r2, 1f\n\t"                                                      \
                         "orr     r2, r2, #1\n\t"                                                  \
                         "cmp     r1, #0\n\t"                                                      \
                         "it      eq\n\t"                                                          \
                         "moveq   r2, r3\n\t"                                                      \
                         "strd    r2, r3, [r0, #24]\n\t"                                           \
                         "push    {r0, r3}\n\t"                                                    \
                         "ldrd    r9, lr, [r0, #32]\n\t"                                           \
                         "ldr     r12, [r0, #20]\n\t"                                              \
                         "b       5f\n\t"                                                          \
                         "1:\n\t"                                                                  \
                         TD_SMALL_PW4_QUAD(clamp)                                                  \
                         "cmp     r10, r12\n\t"                                                    \
                         "bne     1b\n\t"                                                          \
                         "ldr     pc, [sp, #4]\n\t"                                                \
                         "3:\n\t"                                                                  \
                         TD_SMALL_PW4_SINGLE(clamp)                                                \
                         "6:\n\t"                                                                  \
                         TD_SMALL_PW4_SINGLE(clamp)                                                \
                         "7:\n\t"                                                                  \
                         TD_SMALL_PW4_SINGLE(clamp)                                                \
                         "8:\n\t"                                                                  \
                         "5:\n\t"                                                                  \
                         "ldr     r0, [sp]\n\t"                                                    \
                         "ldmia   r0, {r1, r2, r3, r6}\n\t"                                        \
                         "cmp     r1, r6\n\t"                                                      \
                         "beq     2f\n\t"                                                          \
                         "ldr     r7, [r1]\n\t"                                                    \
                         "add     r1, r1, r2\n\t"                                                  \
                         "str     r1, [r0]\n\t"                                                    \
                         "sxtab16 r4, r3, r7\n\t"                                                  \
                         "sxtab16 r5, r3, r7, ror #8\n\t"                                          \
                         "ldr     r10, [r0, #16]\n\t"                                              \
                         "ldr     pc, [r0, #24]\n\t"                                               \
                         "2:\n\t"                                                                  \
                         "pop     {r0, r3}"                                                        \
                         : [st] "+r"(st), [out] "+r"(out)                                          \
                         :                                                                         \
                         : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "lr", \
                           "cc", "memory");                                                        \
    }
TD_SMALL_POINTWISE4(td_small_pointwise4_full, TD_SMALL_PW4_CLAMP_FULL)
TD_SMALL_POINTWISE4(td_small_pointwise4_range, TD_SMALL_PW4_CLAMP_RANGE)
TD_SMALL_POINTWISE4(td_small_pointwise4_min, TD_SMALL_PW4_CLAMP_MIN)

/*
 * Every filter against a patch of 4 * chunks words (1-8 chunks) in the scratch, by-rows layout:
 * state[0] the records, [1] their end, [2] the patch, [3] the chunks, [4] 0 (then the entry). Per filter the bias, a jump
 * into a ladder of eight chunks (each two LDM of four words and four SMLAD) at the one that leaves
 * `chunks` of them, then the requantization: 11 + 6 * chunks instructions.
 */
#define TD_SMALL_CHUNK                                                                             \
    "ldmia.w r9!, {r1, r2, r3, r4}\n\t"                                                            \
    "ldmia.w r10!, {r5, r6, r7, r8}\n\t"                                                           \
    "smlad   r0, r1, r5, r0\n\t"                                                                   \
    "smlad   r0, r2, r6, r0\n\t"                                                                   \
    "smlad   r0, r3, r7, r0\n\t"                                                                   \
    "smlad   r0, r4, r8, r0\n\t"
#define TD_SMALL_CLAMP_RANGE_R4R5                                                                  \
    "ssub16  r1, r0, r4\n\t"                                                                       \
    "sel     r0, r0, r4\n\t"                                                                       \
    "ssub16  r1, r5, r0\n\t"                                                                       \
    "sel     r0, r0, r5\n\t"
#define TD_SMALL_CLAMP_MIN_R4                                                                      \
    "ssub16  r1, r0, r4\n\t"                                                                       \
    "sel     r0, r0, r4\n\t"
#define TD_SMALL_CHUNKS(name, clamp)                                                               \
    TD_NOINLINE static void name(const uintptr_t *state, int8_t *output)                           \
    {                                                                                              \
        register const uintptr_t *st __asm__("r0") = state;                                        \
        register int8_t *out __asm__("r11") = output;                                              \
        __asm__ volatile(/* The ladder's entry, computed on the first call into state[4]. */         \
                         "ldr     r3, [r0, #16]\n\t"                                               \
                         "cbnz    r3, 2f\n\t"                                                      \
                         "ldr     r1, [r0, #12]\n\t"                                               \
                         "adr.w   r2, 8f\n\t"                                                      \
                         "adr.w   r3, 9f\n\t"                                                      \
                         "sub     r4, r3, r2\n\t"                                                  \
                         "mul     r4, r4, r1\n\t"                                                  \
                         "sub     r3, r3, r4\n\t"                                                  \
                         "orr     r3, r3, #1\n\t"                                                  \
                         "str     r3, [r0, #16]\n\t"                                               \
                         "2:\n\t"                                                                  \
                         "push    {r0, r3}\n\t"                                                    \
                         "ldmia   r0, {r10, r12, lr}\n\t"                                          \
                         "1:\n\t"                                                                  \
                         "mov     r9, lr\n\t"                                                      \
                         "ldr     r0, [r10], #4\n\t"                                               \
                         "ldr     pc, [sp, #4]\n\t"                                                \
                         TD_SMALL_CHUNK TD_SMALL_CHUNK TD_SMALL_CHUNK TD_SMALL_CHUNK               \
                         TD_SMALL_CHUNK TD_SMALL_CHUNK TD_SMALL_CHUNK                              \
                         "8:\n\t"                                                                  \
                         TD_SMALL_CHUNK                                                            \
                         "9:\n\t"                                                                  \
                         "ldmia   r10!, {r1, r2, r3, r4, r5}\n\t"                                  \
                         TD_SMALL_REQUANT clamp                                                    \
                         "strb    r0, [%[out]], #1\n\t"                                            \
                         "cmp     r10, r12\n\t"                                                    \
                         "bne     1b\n\t"                                                          \
                         "pop     {r0, r3}"                                                        \
                         : [st] "+r"(st), [out] "+r"(out)                                          \
                         :                                                                         \
                         : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "lr", \
                           "cc", "memory");                                                        \
    }
TD_SMALL_CHUNKS(td_small_chunks_full, TD_SMALL_CLAMP_FULL)
TD_SMALL_CHUNKS(td_small_chunks_range, TD_SMALL_CLAMP_RANGE_R4R5)
TD_SMALL_CHUNKS(td_small_chunks_min, TD_SMALL_CLAMP_MIN_R4)

/*
 * The _regs entries' loops: every filter against a patch of W = 1-8 words held in registers
 * (windows whose filter rows make at most TD_SMALL_REGS_MAX_WORDS words, such as 1x5, 7x1, 4x3
 * or 2x5 of one channel, or 1x3 of five; the by-columns layout, td_small_regs_rows). Per pixel one
 * LDM of its patch (r4-r9, and r12, lr for W of 7 or 8), then per filter ceil(W / 3) loads (the
 * first takes the bias), W SMLAD and the tail: LDM of multiplier, rounding and right shift (the
 * records end there), the requantization, the clamp (its min and max kept in registers where the
 * patch leaves room, else loaded from the stack), the store: 5 + W + ceil(W / 3) instructions and
 * the clamp's, where the chunk ladder takes 11 + 6 ceil(W / 4). Two filters a turn; the turn ends
 * at the records' end, in r12 for W <= 6, else on the stack.
 */
#define TD_SMALL_REGS_W1                                                                           \
    "ldmia   r10!, {r0, r1}\n\t"                                                                   \
    "smlad   r0, r4, r1, r0\n\t"
#define TD_SMALL_REGS_W2                                                                           \
    "ldmia   r10!, {r0, r1, r2}\n\t"                                                               \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "smlad   r0, r5, r2, r0\n\t"
#define TD_SMALL_REGS_W3                                                                           \
    "ldmia   r10!, {r0, r1, r2, r3}\n\t"                                                           \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "smlad   r0, r5, r2, r0\n\t"                                                                   \
    "smlad   r0, r6, r3, r0\n\t"
#define TD_SMALL_REGS_W4                                                                           \
    TD_SMALL_REGS_W3                                                                               \
    "ldr     r1, [r10], #4\n\t"                                                                    \
    "smlad   r0, r7, r1, r0\n\t"
#define TD_SMALL_REGS_W5                                                                           \
    TD_SMALL_REGS_W3                                                                               \
    "ldmia   r10!, {r1, r2}\n\t"                                                                   \
    "smlad   r0, r7, r1, r0\n\t"                                                                   \
    "smlad   r0, r8, r2, r0\n\t"
#define TD_SMALL_REGS_W6                                                                           \
    TD_SMALL_REGS_W3                                                                               \
    "ldmia   r10!, {r1, r2, r3}\n\t"                                                               \
    "smlad   r0, r7, r1, r0\n\t"                                                                   \
    "smlad   r0, r8, r2, r0\n\t"                                                                   \
    "smlad   r0, r9, r3, r0\n\t"
#define TD_SMALL_REGS_W7                                                                           \
    TD_SMALL_REGS_W6                                                                               \
    "ldr     r1, [r10], #4\n\t"                                                                    \
    "smlad   r0, r12, r1, r0\n\t"
#define TD_SMALL_REGS_W8                                                                           \
    TD_SMALL_REGS_W6                                                                               \
    "ldmia   r10!, {r1, r2}\n\t"                                                                   \
    "smlad   r0, r12, r1, r0\n\t"                                                                  \
    "smlad   r0, lr, r2, r0\n\t"
/*
 * The tails (requantization, clamp, store), the clamp's min and max from the loop's state: in r9 and lr where the patch
 * leaves them free (the range for W <= 5, the minimum for W <= 6), else from the stack.
 */
#define TD_SMALL_REGS_REQUANT                                                                      \
    "ldmia   r10!, {r1, r2, r3}\n\t"                                                               \
    TD_SMALL_REQUANT
#define TD_SMALL_REGS_TAIL_FULL TD_SMALL_REGS_REQUANT "strb    r0, [r11], #1\n\t"
#define TD_SMALL_REGS_TAIL_MIN_LR                                                                  \
    TD_SMALL_REGS_REQUANT                                                                          \
    "ssub16  r1, r0, lr\n\t"                                                                       \
    "sel     r0, r0, lr\n\t"                                                                       \
    "strb    r0, [r11], #1\n\t"
#define TD_SMALL_REGS_TAIL_MIN_STACK                                                               \
    TD_SMALL_REGS_REQUANT                                                                          \
    "ldr     r2, [sp, #8]\n\t"                                                                     \
    "ssub16  r1, r0, r2\n\t"                                                                       \
    "sel     r0, r0, r2\n\t"                                                                       \
    "strb    r0, [r11], #1\n\t"
#define TD_SMALL_REGS_TAIL_RANGE_R9_LR                                                             \
    TD_SMALL_REGS_REQUANT                                                                          \
    "ssub16  r1, r0, r9\n\t"                                                                       \
    "sel     r0, r0, r9\n\t"                                                                       \
    "ssub16  r1, lr, r0\n\t"                                                                       \
    "sel     r0, r0, lr\n\t"                                                                       \
    "strb    r0, [r11], #1\n\t"
#define TD_SMALL_REGS_TAIL_RANGE_STACK                                                             \
    TD_SMALL_REGS_REQUANT                                                                          \
    "ldrd    r2, r3, [sp, #8]\n\t"                                                                 \
    "ssub16  r1, r0, r2\n\t"                                                                       \
    "sel     r0, r0, r2\n\t"                                                                       \
    "ssub16  r1, r3, r0\n\t"                                                                       \
    "sel     r0, r0, r3\n\t"                                                                       \
    "strb    r0, [r11], #1\n\t"
/* What the forms keep in registers for a row: nothing, the minimum in lr, min and max in r9 and lr. */
#define TD_SMALL_REGS_KEEP_NONE ""
#define TD_SMALL_REGS_KEEP_MIN "ldr     lr, [sp, #8]\n\t"
#define TD_SMALL_REGS_KEEP_RANGE "ldrd    r9, lr, [sp, #8]\n\t"
/** The row loop's state (byte offsets 0, 4, ... in the assembly). */
enum { TD_REGS_RECORDS, TD_REGS_RECORDS_END, TD_REGS_PATCH, TD_REGS_NEXT_PATCH, TD_REGS_STEP, TD_REGS_OUTPUT_END,
       TD_REGS_INDEX, TD_REGS_ENTRY, TD_REGS_MIN, TD_REGS_MAX, TD_REGS_STATE_WORDS };
/* A row's end: the next pixel (7W) until the output reaches the row's end (state word 5), then out. */
#define TD_SMALL_ROW_END(w)                                                                        \
    "ldr     r0, [sp]\n\t"                                                                         \
    "ldr     r1, [r0, #20]\n\t"                                                                    \
    "cmp     r11, r1\n\t"                                                                          \
    "bne     7" #w "b\n\t"                                                                         \
    "b       99f\n\t"
/*
 * One output row for a patch of W words, W in the numeric labels: 4W / 5W the entries for an even
 * / odd filter count (they store the filter loop's entry, 2W or its second filter 3W), 7W a pixel:
 * its patch (PATCH, which then takes NEXT_PATCH and NEXT_PATCH takes PATCH + STEP: pixels alternate
 * between the two parities' patch arrays), its records from the first, into the filter loop.
 * `stacked` (W of 7 or 8): r12 and lr hold patch words, the records' end is read from the stack.
 */
#define TD_SMALL_REGS_ROW(w, filter, tail, keep, load, load_records, end_records)                  \
    "4" #w ":\n\t"                                                                                 \
    "adr.w   r1, 2" #w "f\n\t"                                                                     \
    "b       6" #w "f\n\t"                                                                         \
    "5" #w ":\n\t"                                                                                 \
    "adr.w   r1, 3" #w "f\n\t"                                                                     \
    "6" #w ":\n\t"                                                                                 \
    "orr     r1, r1, #1\n\t"                                                                       \
    "str     r1, [r0, #28]\n\t"                                                                    \
    keep                                                                                           \
    "7" #w ":\n\t"                                                                                 \
    "ldrd    r1, r2, [r0, #8]\n\t"                                                                 \
    "ldr     r3, [r0, #16]\n\t"                                                                    \
    "add     r3, r1, r3\n\t"                                                                       \
    "strd    r2, r3, [r0, #8]\n\t"                                                                 \
    load load_records                                                                              \
    "ldr     pc, [r0, #28]\n\t"                                                                    \
    "2" #w ":\n\t" filter tail                                                                     \
    "3" #w ":\n\t" filter tail                                                                     \
    end_records                                                                                    \
    "bne     2" #w "b\n\t"                                                                         \
    TD_SMALL_ROW_END(w)
/* W <= 6: the records' end in r12. */
/* A pixel's patch: five words (r9 left to the clamp), six, or eight. */
#define TD_SMALL_REGS_LOAD5 "ldmia   r1, {r4, r5, r6, r7, r8}\n\t"
#define TD_SMALL_REGS_LOAD6 "ldmia   r1, {r4, r5, r6, r7, r8, r9}\n\t"
#define TD_SMALL_REGS_LOAD8 TD_SMALL_REGS_LOAD6 "ldrd    r12, lr, [r1, #24]\n\t"
#define TD_SMALL_REGS_ROW_R12(w, filter, tail, keep, load)                                         \
    TD_SMALL_REGS_ROW(w, filter, tail, keep, load, "ldrd    r10, r12, [r0]\n\t", "cmp     r10, r12\n\t")
/* W of 7 or 8: r12 and lr hold patch words; the records' end is on the stack. */
#define TD_SMALL_REGS_ROW_STACKED(w, filter, tail)                                                 \
    TD_SMALL_REGS_ROW(w, filter, tail, "", TD_SMALL_REGS_LOAD8, "ldr     r10, [r0]\n\t",           \
                      "ldr     r1, [sp, #4]\n\t"                                                   \
                      "cmp     r10, r1\n\t")
/*
 * One output row: state (TD_REGS_*) the records and their end, the first two pixels' patches, the
 * step of a pixel's patch two pixels on, the row's output end, and the loop's index 2 (W - 1) +
 * (filters odd); ENTRY is set here.
 */
#define TD_SMALL_REGS(name, tail5, tail6, tail8, keep5, keep6)                                     \
    TD_NOINLINE static void name(uintptr_t *state, int8_t *output)                                 \
    {                                                                                              \
        register uintptr_t *st __asm__("r0") = state;                                              \
        register int8_t *out __asm__("r11") = output;                                              \
        __asm__ volatile("ldr     r1, [r0, #4]\n\t"                                                \
                         "ldrd    r2, r3, [r0, #32]\n\t"                                           \
                         "push    {r0, r1, r2, r3}\n\t"                                            \
                         "ldr     r3, [r0, #24]\n\t"                                               \
                         "tbh     [pc, r3, lsl #1]\n\t"                                            \
                         "10:\n\t"                                                                 \
                         ".hword  (41f - 10b) / 2, (51f - 10b) / 2\n\t"                            \
                         ".hword  (42f - 10b) / 2, (52f - 10b) / 2\n\t"                            \
                         ".hword  (43f - 10b) / 2, (53f - 10b) / 2\n\t"                            \
                         ".hword  (44f - 10b) / 2, (54f - 10b) / 2\n\t"                            \
                         ".hword  (45f - 10b) / 2, (55f - 10b) / 2\n\t"                            \
                         ".hword  (46f - 10b) / 2, (56f - 10b) / 2\n\t"                            \
                         ".hword  (47f - 10b) / 2, (57f - 10b) / 2\n\t"                            \
                         ".hword  (48f - 10b) / 2, (58f - 10b) / 2\n\t"                            \
                         TD_SMALL_REGS_ROW_R12(1, TD_SMALL_REGS_W1, tail5, keep5, TD_SMALL_REGS_LOAD5) \
                         TD_SMALL_REGS_ROW_R12(2, TD_SMALL_REGS_W2, tail5, keep5, TD_SMALL_REGS_LOAD5) \
                         TD_SMALL_REGS_ROW_R12(3, TD_SMALL_REGS_W3, tail5, keep5, TD_SMALL_REGS_LOAD5) \
                         TD_SMALL_REGS_ROW_R12(4, TD_SMALL_REGS_W4, tail5, keep5, TD_SMALL_REGS_LOAD5) \
                         TD_SMALL_REGS_ROW_R12(5, TD_SMALL_REGS_W5, tail5, keep5, TD_SMALL_REGS_LOAD5) \
                         TD_SMALL_REGS_ROW_R12(6, TD_SMALL_REGS_W6, tail6, keep6, TD_SMALL_REGS_LOAD6) \
                         TD_SMALL_REGS_ROW_STACKED(7, TD_SMALL_REGS_W7, tail8)                     \
                         TD_SMALL_REGS_ROW_STACKED(8, TD_SMALL_REGS_W8, tail8)                     \
                         "99:\n\t"                                                                 \
                         "add     sp, sp, #16"                                                     \
                         : [st] "+r"(st), [out] "+r"(out)                                          \
                         :                                                                         \
                         : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "lr", \
                           "cc", "memory");                                                        \
    }
TD_SMALL_REGS(td_small_regs_full, TD_SMALL_REGS_TAIL_FULL, TD_SMALL_REGS_TAIL_FULL, TD_SMALL_REGS_TAIL_FULL,
              TD_SMALL_REGS_KEEP_NONE, TD_SMALL_REGS_KEEP_NONE)
TD_SMALL_REGS(td_small_regs_range, TD_SMALL_REGS_TAIL_RANGE_R9_LR, TD_SMALL_REGS_TAIL_RANGE_STACK,
              TD_SMALL_REGS_TAIL_RANGE_STACK, TD_SMALL_REGS_KEEP_RANGE, TD_SMALL_REGS_KEEP_NONE)
TD_SMALL_REGS(td_small_regs_min, TD_SMALL_REGS_TAIL_MIN_LR, TD_SMALL_REGS_TAIL_MIN_LR, TD_SMALL_REGS_TAIL_MIN_STACK,
              TD_SMALL_REGS_KEEP_MIN, TD_SMALL_REGS_KEEP_MIN)

/*
 * The _regs loops for four filters or more over a patch of W = 1-6 words (td_small_regs_quad_*): per filter
 * its whole record [bias, W weights, multiplier, rounding, right shift] in one LDM where W <= 3 (two for 4 and 5,
 * three for 6: the patch in r4-r(3 + W) leaves the rest), W SMLAD, the requantization and SSAT; four filters' bytes
 * gathered into lr (BFI), clamped together (SSUB8 and SEL against the min and max in every byte, from the stack) and
 * stored by one STR, the C_out mod 4 filters after them one byte each: 5 + W + the loads, and per four filters the
 * BFI, the clamp, the store and the loop, where the two-filter loop takes 6 + W + ceil(W / 3) and a clamp per filter.
 * Each leaves the requantized sum in r0 (not yet saturated).
 */
#define TD_SMALL_QUAD_DOT1                                                                         \
    "ldmia   r10!, {r0, r1, r2, r3, r5}\n\t"                                                       \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "add     r3, r3, r0, asr #31\n\t"                                                              \
    "smmlar  r0, r0, r2, r3\n\t"                                                                   \
    "asr     r0, r0, r5\n\t"
#define TD_SMALL_QUAD_DOT2                                                                         \
    "ldmia   r10!, {r0, r1, r2, r3, r6, r7}\n\t"                                                   \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "smlad   r0, r5, r2, r0\n\t"                                                                   \
    "add     r6, r6, r0, asr #31\n\t"                                                              \
    "smmlar  r0, r0, r3, r6\n\t"                                                                   \
    "asr     r0, r0, r7\n\t"
#define TD_SMALL_QUAD_DOT3                                                                         \
    "ldmia   r10!, {r0, r1, r2, r3, r7, r8, r9}\n\t"                                               \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "smlad   r0, r5, r2, r0\n\t"                                                                   \
    "smlad   r0, r6, r3, r0\n\t"                                                                   \
    "add     r8, r8, r0, asr #31\n\t"                                                              \
    "smmlar  r0, r0, r7, r8\n\t"                                                                   \
    "asr     r0, r0, r9\n\t"
#define TD_SMALL_QUAD_DOT4                                                                         \
    "ldmia   r10!, {r0, r1, r2, r3, r8, r9}\n\t"                                                   \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "smlad   r0, r5, r2, r0\n\t"                                                                   \
    "smlad   r0, r6, r3, r0\n\t"                                                                   \
    "smlad   r0, r7, r8, r0\n\t"                                                                   \
    "ldmia   r10!, {r1, r2}\n\t"                                                                   \
    "add     r1, r1, r0, asr #31\n\t"                                                              \
    "smmlar  r0, r0, r9, r1\n\t"                                                                   \
    "asr     r0, r0, r2\n\t"
#define TD_SMALL_QUAD_DOT5                                                                         \
    "ldmia   r10!, {r0, r1, r2, r3, r9}\n\t"                                                       \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "smlad   r0, r5, r2, r0\n\t"                                                                   \
    "smlad   r0, r6, r3, r0\n\t"                                                                   \
    "smlad   r0, r7, r9, r0\n\t"                                                                   \
    "ldmia   r10!, {r1, r2, r3, r9}\n\t"                                                           \
    "smlad   r0, r8, r1, r0\n\t"                                                                   \
    "add     r3, r3, r0, asr #31\n\t"                                                              \
    "smmlar  r0, r0, r2, r3\n\t"                                                                   \
    "asr     r0, r0, r9\n\t"
#define TD_SMALL_QUAD_DOT6_8(last)                                                                 \
    "ldmia   r10!, {r0, r1, r2, r3}\n\t"                                                           \
    "smlad   r0, r4, r1, r0\n\t"                                                                   \
    "smlad   r0, r5, r2, r0\n\t"                                                                   \
    "smlad   r0, r6, r3, r0\n\t"                                                                   \
    "ldmia   r10!, {r1, r2, r3}\n\t"                                                               \
    "smlad   r0, r7, r1, r0\n\t"                                                                   \
    "smlad   r0, r8, r2, r0\n\t"                                                                   \
    "smlad   r0, r9, r3, r0\n\t"                                                                   \
    last                                                                                           \
    "ldmia   r10!, {r1, r2, r3}\n\t"                                                               \
    "add     r2, r2, r0, asr #31\n\t"                                                              \
    "smmlar  r0, r0, r1, r2\n\t"                                                                   \
    "asr     r0, r0, r3\n\t"
/* Six words (the patch in r4-r9), seven and eight (r4-r9, r12 and lr). */
#define TD_SMALL_QUAD_DOT6 TD_SMALL_QUAD_DOT6_8("")
#define TD_SMALL_QUAD_DOT7                                                                         \
    TD_SMALL_QUAD_DOT6_8("ldr     r1, [r10], #4\n\t"                                               \
                         "smlad   r0, r12, r1, r0\n\t")
#define TD_SMALL_QUAD_DOT8                                                                         \
    TD_SMALL_QUAD_DOT6_8("ldmia   r10!, {r1, r2}\n\t"                                              \
                         "smlad   r0, r12, r1, r0\n\t"                                             \
                         "smlad   r0, lr, r2, r0\n\t")
/* A pixel's patch of W words into r4-r(3 + W). */
#define TD_SMALL_QUAD_LOAD1 "ldr     r4, [r1]\n\t"
#define TD_SMALL_QUAD_LOAD2 "ldmia   r1, {r4, r5}\n\t"
#define TD_SMALL_QUAD_LOAD3 "ldmia   r1, {r4, r5, r6}\n\t"
#define TD_SMALL_QUAD_LOAD4 "ldmia   r1, {r4, r5, r6, r7}\n\t"
#define TD_SMALL_QUAD_LOAD5 "ldmia   r1, {r4, r5, r6, r7, r8}\n\t"
#define TD_SMALL_QUAD_LOAD6 "ldmia   r1, {r4, r5, r6, r7, r8, r9}\n\t"
/* The clamps of lr's bytes (the min and max in every byte at [sp, #8] and [sp, #12]). */
#define TD_SMALL_QUAD_CLAMP_FULL ""
#define TD_SMALL_QUAD_CLAMP_MIN                                                                    \
    "ldr     r1, [sp, #8]\n\t"                                                                     \
    "ssub8   r0, lr, r1\n\t"                                                                       \
    "sel     lr, lr, r1\n\t"
#define TD_SMALL_QUAD_CLAMP_RANGE                                                                  \
    "ldrd    r1, r2, [sp, #8]\n\t"                                                                 \
    "ssub8   r0, lr, r1\n\t"                                                                       \
    "sel     lr, lr, r1\n\t"                                                                       \
    "ssub8   r0, r2, lr\n\t"                                                                       \
    "sel     lr, lr, r2\n\t"
/*
 * A row's set-up, in both row forms: C_out from the records' length (W + 4 words each), its whole groups' end into
 * r12 (and `keep` after it), the entries of the groups' loop and of the rest on the stack; then 7W, a pixel's start.
 */
#define TD_SMALL_QUAD_ROW_START(w, keep)                                                           \
    "4" #w ":\n\t"                                                                                 \
    "ldrd    r3, r2, [r0]\n\t"                                                                     \
    "sub     r2, r2, r3\n\t"                                                                       \
    "mov     r1, #(16 + 4 * " #w ")\n\t"                                                         \
    "udiv    r2, r2, r1\n\t"                                                                       \
    "bic     r12, r2, #3\n\t"                                                                      \
    "mla     r12, r12, r1, r3\n\t"                                                                 \
    keep                                                                                           \
    "lsr     r1, r2, #2\n\t"                                                                       \
    "and     r2, r2, #3\n\t"                                                                       \
    "adr.w   r3, 8" #w "f\n\t"                                                                     \
    "cmp     r2, #1\n\t"                                                                           \
    "it      eq\n\t"                                                                               \
    "adreq.w r3, 6" #w "f\n\t"                                                                     \
    "cmp     r2, #2\n\t"                                                                           \
    "it      eq\n\t"                                                                               \
    "adreq.w r3, 5" #w "f\n\t"                                                                     \
    "cmp     r2, #3\n\t"                                                                           \
    "it      eq\n\t"                                                                               \
    "adreq.w r3, 3" #w "f\n\t"                                                                     \
    "orr     r3, r3, #1\n\t"                                                                       \
    "adr.w   r2, 2" #w "f\n\t"                                                                     \
    "orr     r2, r2, #1\n\t"                                                                       \
    "cmp     r1, #0\n\t"                                                                           \
    "it      eq\n\t"                                                                               \
    "moveq   r2, r3\n\t"                                                                           \
    "str     r3, [sp, #4]\n\t"                                                                     \
    "str     r2, [sp, #16]\n\t"                                                                    \
    "7" #w ":\n\t"                                                                                 \
    "ldrd    r1, r2, [r0, #8]\n\t"                                                                 \
    "ldr     r3, [r0, #16]\n\t"                                                                    \
    "add     r3, r1, r3\n\t"                                                                       \
    "strd    r2, r3, [r0, #8]\n\t"

/*
 * One output row for a patch of W words (W in the numeric labels): 4W puts the entries on the stack (at sp + 16 the
 * groups' loop 2W, or the rest's entry where there are no whole groups; at sp + 4 the rest's entry, 3W, 5W, 6W for
 * three, two, one filter or 8W for none), 7W a pixel (its patch as the two-filter loop's), 2W the groups of four
 * filters up to GROUPS_END, then the rest, 8W the row's end test.
 */
#define TD_SMALL_QUAD_ROW(w, dot, load, clamp)                                                     \
    TD_SMALL_QUAD_ROW_START(w, "")                                                                 \
    load                                                                                           \
    "ldr     r10, [r0]\n\t"                                                                        \
    "ldr     pc, [sp, #16]\n\t"                                                                    \
    "2" #w ":\n\t"                                                                                 \
    dot "ssat    lr, #8, r0\n\t"                                                                   \
    dot "ssat    r0, #8, r0\n\t"                                                                   \
    "bfi     lr, r0, #8, #8\n\t"                                                                   \
    dot "ssat    r0, #8, r0\n\t"                                                                   \
    "bfi     lr, r0, #16, #8\n\t"                                                                  \
    dot "ssat    r0, #8, r0\n\t"                                                                   \
    "bfi     lr, r0, #24, #8\n\t"                                                                  \
    clamp                                                                                          \
    "str     lr, [r11], #4\n\t"                                                                    \
    "cmp     r10, r12\n\t"                                                                         \
    "bne     2" #w "b\n\t"                                                                         \
    "ldr     pc, [sp, #4]\n\t"                                                                     \
    "3" #w ":\n\t"                                                                                 \
    dot "ssat    lr, #8, r0\n\t" clamp "strb    lr, [r11], #1\n\t"                                 \
    "5" #w ":\n\t"                                                                                 \
    dot "ssat    lr, #8, r0\n\t" clamp "strb    lr, [r11], #1\n\t"                                 \
    "6" #w ":\n\t"                                                                                 \
    dot "ssat    lr, #8, r0\n\t" clamp "strb    lr, [r11], #1\n\t"                                 \
    "8" #w ":\n\t"                                                                                 \
    TD_SMALL_ROW_END(w)
/*
 * Seven and eight words (the clamping forms only: unclamped the two-filter loop is as fast): no register left for the
 * bytes, so each filter's byte is stored, then the four reread as a word, clamped in r1 and stored again; the groups'
 * end at sp + 20.
 */
#define TD_SMALL_QUAD_REREAD_MIN                                                                   \
    "ldr     r2, [sp, #8]\n\t"                                                                     \
    "ssub8   r0, r1, r2\n\t"                                                                       \
    "sel     r1, r1, r2\n\t"
#define TD_SMALL_QUAD_REREAD_RANGE                                                                 \
    "ldrd    r2, r3, [sp, #8]\n\t"                                                                 \
    "ssub8   r0, r1, r2\n\t"                                                                       \
    "sel     r1, r1, r2\n\t"                                                                       \
    "ssub8   r0, r3, r1\n\t"                                                                       \
    "sel     r1, r1, r3\n\t"
#define TD_SMALL_QUAD_BYTE(dot) dot "ssat    r0, #8, r0\n\t" "strb    r0, [r11], #1\n\t"
#define TD_SMALL_QUAD_SINGLE(dot, clamp)                                                           \
    dot "ssat    r1, #8, r0\n\t" clamp "strb    r1, [r11], #1\n\t"
#define TD_SMALL_QUAD_ROW_STACKED(w, dot, clamp)                                                   \
    TD_SMALL_QUAD_ROW_START(w, "str     r12, [sp, #20]\n\t")                                       \
    TD_SMALL_QUAD_LOAD6                                                                            \
    "ldrd    r12, lr, [r1, #24]\n\t"                                                               \
    "ldr     r10, [r0]\n\t"                                                                        \
    "ldr     pc, [sp, #16]\n\t"                                                                    \
    "2" #w ":\n\t"                                                                                 \
    TD_SMALL_QUAD_BYTE(dot) TD_SMALL_QUAD_BYTE(dot) TD_SMALL_QUAD_BYTE(dot) TD_SMALL_QUAD_BYTE(dot) \
    "ldr     r1, [r11, #-4]\n\t"                                                                   \
    clamp                                                                                          \
    "str     r1, [r11, #-4]\n\t"                                                                   \
    "ldr     r1, [sp, #20]\n\t"                                                                    \
    "cmp     r10, r1\n\t"                                                                          \
    "bne     2" #w "b\n\t"                                                                         \
    "ldr     pc, [sp, #4]\n\t"                                                                     \
    "3" #w ":\n\t"                                                                                 \
    TD_SMALL_QUAD_SINGLE(dot, clamp)                                                               \
    "5" #w ":\n\t"                                                                                 \
    TD_SMALL_QUAD_SINGLE(dot, clamp)                                                               \
    "6" #w ":\n\t"                                                                                 \
    TD_SMALL_QUAD_SINGLE(dot, clamp)                                                               \
    "8" #w ":\n\t"                                                                                 \
    TD_SMALL_ROW_END(w)
/*
 * One output row: state (TD_REGS_*) as for td_small_regs_* (INDEX's W); the clamp's min and max put in every byte
 * (on the stack at sp + 8 and sp + 12), the groups' end in r12.
 */
#define TD_SMALL_REGS_QUAD(name, clamp, upper_table, upper_rows)                                    \
    TD_NOINLINE static void name(uintptr_t *state, int8_t *output)                                 \
    {                                                                                              \
        register uintptr_t *st __asm__("r0") = state;                                              \
        register int8_t *out __asm__("r11") = output;                                              \
        __asm__ volatile("ldrd    r2, r3, [r0, #32]\n\t"                                           \
                         "uxtb    r2, r2\n\t"                                                      \
                         "orr     r2, r2, r2, lsl #8\n\t"                                          \
                         "orr     r2, r2, r2, lsl #16\n\t"                                         \
                         "uxtb    r3, r3\n\t"                                                      \
                         "orr     r3, r3, r3, lsl #8\n\t"                                          \
                         "orr     r3, r3, r3, lsl #16\n\t"                                         \
                         "push    {r0, r1, r2, r3, r4, r5}\n\t"                                    \
                         "ldr     r3, [r0, #24]\n\t"                                               \
                         "lsr     r3, r3, #1\n\t"                                                  \
                         "tbh     [pc, r3, lsl #1]\n\t"                                            \
                         "10:\n\t"                                                                 \
                         ".hword  (41f - 10b) / 2, (42f - 10b) / 2, (43f - 10b) / 2\n\t"           \
                         ".hword  (44f - 10b) / 2, (45f - 10b) / 2\n\t"                            \
                         upper_table                                                               \
                         TD_SMALL_QUAD_ROW(1, TD_SMALL_QUAD_DOT1, TD_SMALL_QUAD_LOAD1, clamp)      \
                         TD_SMALL_QUAD_ROW(2, TD_SMALL_QUAD_DOT2, TD_SMALL_QUAD_LOAD2, clamp)      \
                         TD_SMALL_QUAD_ROW(3, TD_SMALL_QUAD_DOT3, TD_SMALL_QUAD_LOAD3, clamp)      \
                         TD_SMALL_QUAD_ROW(4, TD_SMALL_QUAD_DOT4, TD_SMALL_QUAD_LOAD4, clamp)      \
                         TD_SMALL_QUAD_ROW(5, TD_SMALL_QUAD_DOT5, TD_SMALL_QUAD_LOAD5, clamp)      \
                         upper_rows                                                                \
                         "99:\n\t"                                                                 \
                         "add     sp, sp, #24"                                                     \
                         : [st] "+r"(st), [out] "+r"(out)                                          \
                         :                                                                         \
                         : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "lr", \
                           "cc", "memory");                                                        \
    }
/* Six to eight words, the clamping forms' (td_small_conv gives the unclamped loop at most five). */
#define TD_SMALL_QUAD_UPPER_TABLE ".hword  (46f - 10b) / 2, (47f - 10b) / 2, (48f - 10b) / 2\n\t"
#define TD_SMALL_QUAD_UPPER_ROWS(clamp, reread)                                                    \
    TD_SMALL_QUAD_ROW(6, TD_SMALL_QUAD_DOT6, TD_SMALL_QUAD_LOAD6, clamp)                           \
    TD_SMALL_QUAD_ROW_STACKED(7, TD_SMALL_QUAD_DOT7, reread)                                       \
    TD_SMALL_QUAD_ROW_STACKED(8, TD_SMALL_QUAD_DOT8, reread)
TD_SMALL_REGS_QUAD(td_small_regs_quad_full, TD_SMALL_QUAD_CLAMP_FULL, "", "")
TD_SMALL_REGS_QUAD(td_small_regs_quad_range, TD_SMALL_QUAD_CLAMP_RANGE, TD_SMALL_QUAD_UPPER_TABLE,
                   TD_SMALL_QUAD_UPPER_ROWS(TD_SMALL_QUAD_CLAMP_RANGE, TD_SMALL_QUAD_REREAD_RANGE))
TD_SMALL_REGS_QUAD(td_small_regs_quad_min, TD_SMALL_QUAD_CLAMP_MIN, TD_SMALL_QUAD_UPPER_TABLE,
                   TD_SMALL_QUAD_UPPER_ROWS(TD_SMALL_QUAD_CLAMP_MIN, TD_SMALL_QUAD_REREAD_MIN))

/*
 * One to four filters (td_conv2d_s8_small_few*): every filter against a pixel's patch read in place from the widened
 * rows, no copy per pixel (the general loop's copy costs more than one to four filters' sums). The weights
 * interleaved by word, [word (ky, j)][filter], so that per patch word one LDR (at any halfword: a pixel starts
 * stride * C_in values on), one load of the F filters' weights and F SMLAD; per filter row a jump into a ladder of 16
 * such steps at the one that leaves `row_words` of them, then the row's gap. State (TD_FEW_*, byte offsets 0, 4, ...
 * in the assembly): the first pixel's patch (bytes), BACK the step from a pixel's patch past its last row to the next
 * pixel's, the row's output end, GAP the widened rows' distance less a row's words, the row's words, the weights, the
 * tails ([2 bias] per filter, then [multiplier, rounding, right shift] per filter), K_h, the clamp's min and max.
 */
enum { TD_FEW_START, TD_FEW_BACK, TD_FEW_OUTPUT_END, TD_FEW_GAP, TD_FEW_WORDS, TD_FEW_WEIGHTS, TD_FEW_TAILS, TD_FEW_ROWS,
       TD_FEW_MIN, TD_FEW_MAX, TD_FEW_STATE_WORDS };
/** The most words of a filter row the ladder takes (td_conv2d_s8_small_few: generator and kernel keep to it). */
#define TD_SMALL_FEW_MAX_ROW_WORDS 16
#define TD_SMALL_FEW_STEP1                                                                         \
    "ldr.w   r0, [r7], #4\n\t"                                                                     \
    "ldr.w   r1, [r8], #4\n\t"                                                                     \
    "smlad   r4, r0, r1, r4\n\t"
#define TD_SMALL_FEW_STEP2                                                                         \
    "ldr.w   r0, [r7], #4\n\t"                                                                     \
    "ldmia.w r8!, {r1, r2}\n\t"                                                                    \
    "smlad   r4, r0, r1, r4\n\t"                                                                   \
    "smlad   r5, r0, r2, r5\n\t"
#define TD_SMALL_FEW_STEP3                                                                         \
    "ldr.w   r0, [r7], #4\n\t"                                                                     \
    "ldmia.w r8!, {r1, r2, r3}\n\t"                                                                \
    "smlad   r4, r0, r1, r4\n\t"                                                                   \
    "smlad   r5, r0, r2, r5\n\t"                                                                   \
    "smlad   r6, r0, r3, r6\n\t"
/* A filter's requantization (its tail at lr, which advances), SSAT included. */
#define TD_SMALL_FEW_REQUANT(acc)                                                                  \
    "ldmia   lr!, {r1, r2, r3}\n\t"                                                                \
    "add     r2, r2, " acc ", asr #31\n\t"                                                         \
    "smmlar  " acc ", " acc ", r1, r2\n\t"                                                         \
    "asr     " acc ", " acc ", r3\n\t"                                                             \
    "ssat    " acc ", #8, " acc "\n\t"
/* The clamps (r1 the minimum, r2 the maximum, from the state at r0). */
#define TD_SMALL_FEW_CLAMP_FULL(acc) ""
#define TD_SMALL_FEW_CLAMP_MIN(acc)                                                                \
    "ssub16  r3, " acc ", r1\n\t"                                                                  \
    "sel     " acc ", " acc ", r1\n\t"
#define TD_SMALL_FEW_CLAMP_RANGE(acc)                                                              \
    TD_SMALL_FEW_CLAMP_MIN(acc)                                                                    \
    "ssub16  r3, r2, " acc "\n\t"                                                                  \
    "sel     " acc ", " acc ", r2\n\t"
#define TD_SMALL_FEW_LIMITS_FULL ""
#define TD_SMALL_FEW_LIMITS "ldrd    r1, r2, [r0, #32]\n\t"
#define TD_SMALL_FEW_STEPS16(step)                                                                 \
    step step step step step step step step step step step step step step step step
/*
 * One to three filters (F): the biases into r4-r(3 + F), the ladder's step (step_bytes long: the patch read at r7, the
 * weights at r8), the gap in r9, the rows left in r10, the ladder's entry in r12, the requantizations and stores.
 */
#define TD_SMALL_FEW(name, step, step_bytes, biases, requant, limits, clamp, store)                \
    TD_NOINLINE static void name(const uintptr_t *state, int8_t *output)                           \
    {                                                                                              \
        register const uintptr_t *st __asm__("r0") = state;                                        \
        register int8_t *out __asm__("r11") = output;                                              \
        __asm__ volatile("push    {r0}\n\t"                                                        \
                         "ldr     r7, [r0]\n\t"                                                    \
                         "ldrd    r9, r12, [r0, #12]\n\t"                                          \
                         "adr.w   r1, 4f\n\t"                                                      \
                         "mov     r2, #" #step_bytes "\n\t"                                        \
                         "mls     r12, r2, r12, r1\n\t"                                            \
                         "orr     r12, r12, #1\n\t"                                                \
                         "1:\n\t"                                                                  \
                         "ldrd    r8, lr, [r0, #20]\n\t"                                           \
                         "ldr     r10, [r0, #28]\n\t"                                              \
                         biases                                                                    \
                         "2:\n\t"                                                                  \
                         "bx      r12\n\t"                                                         \
                         "3:\n\t"                                                                  \
                         TD_SMALL_FEW_STEPS16(step)                                                \
                         "4:\n\t"                                                                  \
                         ".if (4b - 3b) - 16 * " #step_bytes "\n\t"                                \
                         ".error \"td_small_few: a step is not " #step_bytes " bytes\"\n\t"        \
                         ".endif\n\t"                                                              \
                         "add     r7, r7, r9\n\t"                                                  \
                         "subs    r10, r10, #1\n\t"                                                \
                         "bne     2b\n\t"                                                          \
                         requant                                                                   \
                         "ldr     r0, [sp]\n\t"                                                    \
                         limits clamp store                                                        \
                         "ldrd    r1, r2, [r0, #4]\n\t"                                            \
                         "add     r7, r7, r1\n\t"                                                  \
                         "cmp     r11, r2\n\t"                                                     \
                         "bne     1b\n\t"                                                          \
                         "pop     {r0}"                                                            \
                         : [st] "+r"(st), [out] "+r"(out)                                          \
                         :                                                                         \
                         : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "lr", \
                           "cc", "memory");                                                        \
    }
#define TD_SMALL_FEW_BIASES1 "ldr     r4, [lr], #4\n\t"
#define TD_SMALL_FEW_BIASES2 "ldmia   lr!, {r4, r5}\n\t"
#define TD_SMALL_FEW_BIASES3 "ldmia   lr!, {r4, r5, r6}\n\t"
#define TD_SMALL_FEW_REQUANT1 TD_SMALL_FEW_REQUANT("r4")
#define TD_SMALL_FEW_REQUANT2 TD_SMALL_FEW_REQUANT1 TD_SMALL_FEW_REQUANT("r5")
#define TD_SMALL_FEW_REQUANT3 TD_SMALL_FEW_REQUANT2 TD_SMALL_FEW_REQUANT("r6")
#define TD_SMALL_FEW_STORE1 "strb    r4, [r11], #1\n\t"
#define TD_SMALL_FEW_STORE2 TD_SMALL_FEW_STORE1 "strb    r5, [r11], #1\n\t"
#define TD_SMALL_FEW_STORE3 TD_SMALL_FEW_STORE2 "strb    r6, [r11], #1\n\t"
#define TD_SMALL_FEW_CLAMPS1(clamp) clamp("r4")
#define TD_SMALL_FEW_CLAMPS2(clamp) clamp("r4") clamp("r5")
#define TD_SMALL_FEW_CLAMPS3(clamp) clamp("r4") clamp("r5") clamp("r6")
/* One form's four loops (one to four filters). */
#define TD_SMALL_FEW_FORM(prefix, limits, clamp)                                                   \
    TD_SMALL_FEW(prefix##1, TD_SMALL_FEW_STEP1, 12, TD_SMALL_FEW_BIASES1, TD_SMALL_FEW_REQUANT1, limits, \
                 TD_SMALL_FEW_CLAMPS1(clamp), TD_SMALL_FEW_STORE1)                                 \
    TD_SMALL_FEW(prefix##2, TD_SMALL_FEW_STEP2, 16, TD_SMALL_FEW_BIASES2, TD_SMALL_FEW_REQUANT2, limits, \
                 TD_SMALL_FEW_CLAMPS2(clamp), TD_SMALL_FEW_STORE2)                                 \
    TD_SMALL_FEW(prefix##3, TD_SMALL_FEW_STEP3, 20, TD_SMALL_FEW_BIASES3, TD_SMALL_FEW_REQUANT3, limits, \
                 TD_SMALL_FEW_CLAMPS3(clamp), TD_SMALL_FEW_STORE3)                                 \
    TD_SMALL_FEW_QUAD(prefix##4, limits, clamp)
/*
 * Four filters: their weights in r1-r3 and r12, the sums in r4-r7, the patch read at r8, the weights at r9, the gap in
 * r10, the rows left in lr; the ladder's entry on the stack (LDR PC), the state under it.
 */
#define TD_SMALL_FEW_STEP4                                                                         \
    "ldr.w   r0, [r8], #4\n\t"                                                                     \
    "ldmia.w r9!, {r1, r2, r3, r12}\n\t"                                                           \
    "smlad   r4, r0, r1, r4\n\t"                                                                   \
    "smlad   r5, r0, r2, r5\n\t"                                                                   \
    "smlad   r6, r0, r3, r6\n\t"                                                                   \
    "smlad   r7, r0, r12, r7\n\t"
#define TD_SMALL_FEW_QUAD(name, limits, clamp)                                                     \
    TD_NOINLINE static void name(const uintptr_t *state, int8_t *output)                           \
    {                                                                                              \
        register const uintptr_t *st __asm__("r0") = state;                                        \
        register int8_t *out __asm__("r11") = output;                                              \
        __asm__ volatile("ldr     r1, [r0, #16]\n\t"                                               \
                         "adr.w   r2, 4f\n\t"                                                      \
                         "mov     r3, #24\n\t"                                                     \
                         "mls     r1, r3, r1, r2\n\t"                                              \
                         "orr     r1, r1, #1\n\t"                                                  \
                         "push    {r0, r1}\n\t"                                                    \
                         "ldr     r8, [r0]\n\t"                                                    \
                         "ldr     r10, [r0, #12]\n\t"                                              \
                         "1:\n\t"                                                                  \
                         "ldrd    r9, r1, [r0, #20]\n\t"                                           \
                         "ldr     lr, [r0, #28]\n\t"                                               \
                         "ldmia   r1, {r4, r5, r6, r7}\n\t"                                        \
                         "2:\n\t"                                                                  \
                         "ldr     pc, [sp, #4]\n\t"                                                \
                         "3:\n\t"                                                                  \
                         TD_SMALL_FEW_STEPS16(TD_SMALL_FEW_STEP4)                                  \
                         "4:\n\t"                                                                  \
                         ".if (4b - 3b) - 16 * 24\n\t"                                              \
                         ".error \"td_small_few: a step is not 24 bytes\"\n\t"                    \
                         ".endif\n\t"                                                              \
                         "add     r8, r8, r10\n\t"                                                 \
                         "subs    lr, lr, #1\n\t"                                                  \
                         "bne     2b\n\t"                                                          \
                         "ldr     r0, [sp]\n\t"                                                    \
                         "ldr     lr, [r0, #24]\n\t"                                               \
                         "add     lr, lr, #16\n\t"                                                 \
                         TD_SMALL_FEW_REQUANT("r4") TD_SMALL_FEW_REQUANT("r5")                      \
                         TD_SMALL_FEW_REQUANT("r6") TD_SMALL_FEW_REQUANT("r7")                      \
                         limits clamp("r4") clamp("r5") clamp("r6") clamp("r7")                    \
                         "strb    r4, [r11], #1\n\t"                                               \
                         "strb    r5, [r11], #1\n\t"                                               \
                         "strb    r6, [r11], #1\n\t"                                               \
                         "strb    r7, [r11], #1\n\t"                                               \
                         "ldrd    r1, r2, [r0, #4]\n\t"                                            \
                         "add     r8, r8, r1\n\t"                                                  \
                         "cmp     r11, r2\n\t"                                                     \
                         "bne     1b\n\t"                                                          \
                         "pop     {r0, r1}"                                                        \
                         : [st] "+r"(st), [out] "+r"(out)                                          \
                         :                                                                         \
                         : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "lr", \
                           "cc", "memory");                                                        \
    }
TD_SMALL_FEW_FORM(td_small_few_full, TD_SMALL_FEW_LIMITS_FULL, TD_SMALL_FEW_CLAMP_FULL)
TD_SMALL_FEW_FORM(td_small_few_range, TD_SMALL_FEW_LIMITS, TD_SMALL_FEW_CLAMP_RANGE)
TD_SMALL_FEW_FORM(td_small_few_min, TD_SMALL_FEW_LIMITS, TD_SMALL_FEW_CLAMP_MIN)
/** Each form's loops by filter count less one: an entry point references its form's table alone (td_small_few). */
typedef void (*td_small_few_loop)(const uintptr_t *, int8_t *);
static const td_small_few_loop td_small_few_full_loops[4] = {td_small_few_full1, td_small_few_full2, td_small_few_full3,
                                                             td_small_few_full4};
static const td_small_few_loop td_small_few_range_loops[4] = {td_small_few_range1, td_small_few_range2,
                                                              td_small_few_range3, td_small_few_range4};
static const td_small_few_loop td_small_few_min_loops[4] = {td_small_few_min1, td_small_few_min2, td_small_few_min3,
                                                            td_small_few_min4};

/**
 * One output row in the general loop: per pixel its K_h patch rows of `row_words` words copied
 * from the widened rows (start, then `step` values a pixel) into the patch, then every filter.
 */
TD_NOINLINE static void td_small_row_by_rows(const uintptr_t *chunks_state,
                                             const int16_t *start,
                                             int32_t pixels,
                                             int32_t step,
                                             int32_t kh,
                                             int32_t row_words,
                                             int32_t row_step,
                                             int8_t *output,
                                             int32_t output_c,
                                             void (*filters)(const uintptr_t *, int8_t *))
{
    uint32_t *const patch = (uint32_t *)chunks_state[2];
    int32_t pixel, ky, j;
    for (pixel = 0; pixel < pixels; ++pixel, start += step, output += output_c) {
        uint32_t *word = patch;
        const int16_t *row = start;
        for (ky = 0; ky < kh; ++ky, row += row_step, word += row_words) {
            switch (row_words) {
            default:
                for (j = 6; j < row_words; ++j) {
                    word[j] = td_read_u32(row + 2 * j);
                }
                /* fallthrough */
            case 6:
                word[5] = td_read_u32(row + 10);
                /* fallthrough */
            case 5:
                word[4] = td_read_u32(row + 8);
                /* fallthrough */
            case 4:
                word[3] = td_read_u32(row + 6);
                /* fallthrough */
            case 3:
                word[2] = td_read_u32(row + 4);
                /* fallthrough */
            case 2:
                word[1] = td_read_u32(row + 2);
                /* fallthrough */
            case 1:
                word[0] = td_read_u32(row);
            }
        }
        filters(chunks_state, output);
    }
}

/**
 * `count` input rows from output row out_y's first widened to int16 (input offset added, 0
 * outside the image), `channels` values per pixel.
 */
static void td_small_widen_rows(const td_conv_params *params,
                                const td_dims *input_dims,
                                const int8_t *input,
                                int32_t count,
                                int32_t batch,
                                int32_t out_y,
                                int32_t row_length,
                                int32_t row_step,
                                int16_t *rows)
{
    const int32_t channels = input_dims->c;
    const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
    const int32_t pad = params->padding.w * channels;
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    const int32_t inside_start = td_clamp_i32(pad, 0, row_length);
    const int32_t inside_end = td_clamp_i32(input_dims->w * channels + pad, inside_start, row_length);
    int32_t ky, i;
    for (ky = 0; ky < count; ++ky) {
        const int32_t in_y = in_y_origin + ky;
        int16_t *widened = rows + ky * row_step;
        const int8_t *source;
        if (in_y < 0 || in_y >= input_dims->h) {
            for (i = 0; i < row_length; ++i) {
                widened[i] = 0;
            }
            continue;
        }
        source = input + (batch * input_dims->h + in_y) * input_dims->w * channels - pad;
        for (i = 0; i < inside_start; ++i) {
            widened[i] = 0;
        }
        if (i + 4 <= inside_end) {
            /* Four values a step: SXTAB16 widens (b0, b2) and (b1, b3) with the offset, PKHBT/PKHTB put them in order. */
            const int8_t *values = source + i;
            const int8_t *const values_end = values + ((inside_end - i) & ~3);
            int16_t *target = widened + i;
            uint32_t four, odd, low;
            __asm__ volatile("1:\n\t"
                             "ldr     %[f], [%[v]], #4\n\t"
                             "sxtab16 %[o], %[off], %[f], ror #8\n\t"
                             "sxtab16 %[f], %[off], %[f]\n\t"
                             "pkhbt   %[l], %[f], %[o], lsl #16\n\t"
                             "pkhtb   %[f], %[o], %[f], asr #16\n\t"
                             "str     %[f], [%[t], #4]\n\t"
                             "str     %[l], [%[t]], #8\n\t"
                             "cmp     %[v], %[end]\n\t"
                             "bne     1b"
                             : [v] "+r"(values), [t] "+r"(target), [f] "=&r"(four), [o] "=&r"(odd), [l] "=&r"(low)
                             : [end] "r"(values_end), [off] "r"(offsets)
                             : "cc", "memory");
            i = inside_end - ((inside_end - i) & 3);
        }
        for (; i < inside_end; ++i) {
            widened[i] = (int16_t)(source[i] + params->input_offset);
        }
        for (; i < row_length; ++i) {
            widened[i] = 0;
        }
    }
}

/**
 * Every output row through a td_small_regs_* loop. Per output row, from its K_h widened input rows, a patch array per
 * class of pixels: with D the dilation across (1 unless one channel) and x0 = x * S the value a pixel's patch starts at
 * (S = stride * C_in, a multiple of D), classes x0 mod 2D = 0 and D; word (ky, j) of a pixel of class c at
 * ((x0 - c) / 2D + j) K_h + ky, the pair (row ky's values x0 + 2jD, x0 + (2j + 1) D), so that a pixel's patch is W
 * contiguous words (j, ky) — the records' weight words in that order — and one LDM. Pixels take the two classes
 * alternately when S / D is odd, class 0 alone when it is even; K_h = 1's class 0 array is the widened row itself when
 * D = 1. The scratch after the records (`space` bytes) holds the arrays, then as many widened rows as fit (bands of
 * output rows widened at once; td_conv2d_s8_small_get_buffer_size leaves room for one when (K_h - 1) D_h + 1 <= K_h +
 * 3, which the generator keeps to); the state serves td_small_regs_* and td_small_regs_quad_* alike. Returns 0 when
 * one output row's rows do not fit (nothing written).
 */
TD_NOINLINE static int td_small_regs_rows(const td_conv_params *params,
                                          const td_dims *input_dims,
                                          const int8_t *input,
                                          const td_dims *output_dims,
                                          int8_t *output,
                                          const int32_t *records,
                                          const int32_t *records_end,
                                          int32_t words,
                                          int32_t kh,
                                          int32_t row_words,
                                          int32_t row_length,
                                          int32_t row_step,
                                          int32_t space,
                                          void (*loop)(uintptr_t *, int8_t *))
{
    const int32_t output_c = output_dims->c;
    const int32_t pixel_step = params->stride.w * input_dims->c;
    const int32_t apart = params->dilation.w;
    const int32_t alternate = (pixel_step / apart) & 1;
    const int32_t last = output_dims->w - 1;
    /* The last pixel's start of each class (with S / D even every pixel is of class 0). */
    const int32_t last_first = (alternate ? (last & ~1) : last) * pixel_step;
    const int32_t last_second = alternate && last >= 1 ? ((last - 1) | 1) * pixel_step : -1;
    const int32_t count_first = last_first / (2 * apart) + row_words;
    const int32_t count_second = last_second >= 0 ? (last_second - apart) / (2 * apart) + row_words : 0;
    const int32_t span = (kh - 1) * params->dilation.h + 1;
    const int in_place = kh == 1 && apart == 1;
    uint32_t *const first = (uint32_t *)(void *)records_end;
    uint32_t *const second = first + (in_place ? 0 : count_first * kh);
    int16_t *const rows = (int16_t *)(void *)(second + count_second * kh);
    const int32_t row_bytes = row_step * 2;
    /* Past the rows, what the loop's LDM reads beyond the last patch's W words (six words, or eight for W of 7, 8). */
    const int32_t slack = 4 * ((words <= 6 ? 6 : 8) - words);
    const int32_t fit = (space - slack - (int32_t)((int8_t *)rows - (int8_t *)first)) / row_bytes;
    const int32_t band = fit >= span ? (fit - span) / params->stride.h + 1 : 0;
    uintptr_t state[TD_REGS_STATE_WORDS];
    int32_t batch, out_y, ky, i;
    if (band == 0) {
        return 0;
    }
    state[TD_REGS_RECORDS] = (uintptr_t)records;
    state[TD_REGS_RECORDS_END] = (uintptr_t)records_end;
    state[TD_REGS_INDEX] = (uintptr_t)(2 * (words - 1) + (output_c & 1));
    state[TD_REGS_MIN] = (uintptr_t)params->activation.min;
    state[TD_REGS_MAX] = (uintptr_t)params->activation.max;
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_band = out_y % band;
            const int16_t *const start = rows + in_band * params->stride.h * row_step;
            int8_t *const row_output = output + (batch * output_dims->h + out_y) * output_dims->w * output_c;
            const uint32_t *first_patch = first;
            if (in_band == 0) {
                const int32_t count = td_min_i32(band, output_dims->h - out_y);
                td_small_widen_rows(params, input_dims, input, (count - 1) * params->stride.h + span, batch, out_y,
                                    row_length, row_step, rows);
            }
            if (in_place) {
                first_patch = (const uint32_t *)(const void *)start;
            }
            for (ky = 0; ky < kh; ++ky) {
                const int16_t *const values = start + ky * params->dilation.h * row_step;
                if (apart == 1) {
                    const int16_t *value = values;
                    uint32_t *word = first + ky;
                    for (i = in_place ? count_first : 0; i < count_first; ++i, value += 2, word += kh) {
                        *word = td_read_u32(value);
                    }
                    for (i = 0, value = values + 1, word = second + ky; i < count_second; ++i, value += 2, word += kh) {
                        *word = td_read_u32(value);
                    }
                } else {
                    const int16_t *value = values;
                    uint32_t *word = first + ky;
                    for (i = 0; i < count_first; ++i, value += 2 * apart, word += kh) {
                        *word = td_pack16(value[0], value[apart]);
                    }
                    for (i = 0, value = values + apart, word = second + ky; i < count_second; ++i, value += 2 * apart, word += kh) {
                        *word = td_pack16(value[0], value[apart]);
                    }
                }
            }
            state[TD_REGS_PATCH] = (uintptr_t)first_patch;
            state[TD_REGS_NEXT_PATCH] = (uintptr_t)(alternate ? second + (pixel_step / (2 * apart)) * kh
                                                              : first_patch + (pixel_step / (2 * apart)) * kh);
            state[TD_REGS_STEP] = (uintptr_t)((pixel_step / apart) * kh * 4);
            state[TD_REGS_OUTPUT_END] = (uintptr_t)(row_output + output_dims->w * output_c);
            loop(state, row_output);
        }
    }
    return 1;
}
#else
#define TD_SMALL_HAS_ASM 0
#endif

/**
 * Every filter's record in the scratch (bias and weights doubled when every channel is fast, the
 * requantization and, with a `tail` of TD_SMALL_TAIL words, the clamp; the _regs loops take the
 * clamp from their state: TD_SMALL_REGS_TAIL words); returns whether they are doubled. One copy for
 * all entry points.
 */
TD_NOINLINE static int td_small_records(const td_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const td_dims *filter_dims,
                                        const int8_t *filter,
                                        const int32_t *bias,
                                        int32_t output_c,
                                        int32_t words,
                                        int32_t tail_words,
                                        int layout,
                                        int32_t *records)
{
    const int32_t taps = filter_dims->h * filter_dims->w * filter_dims->c;
    const int32_t row_taps = filter_dims->w * filter_dims->c;
    const int32_t row_words = td_small_row_words(filter_dims);
    const int32_t record_words = 1 + words + tail_words;
    int doubled = 1;
    int32_t out_c, k;
    /* Each tap's lane, worked out once for all filters (taps <= 2 words <= 64). */
    uint8_t lane_of[2 * TD_SMALL_MAX_WORDS];
    for (k = 0; k < taps; ++k) {
        lane_of[k] = (uint8_t)(layout == TD_SMALL_BY_COLUMNS ? td_small_lane_by_columns(k, row_taps, filter_dims->h)
                                                             : td_small_lane(k, layout, row_taps, row_words));
    }
    for (out_c = 0; out_c < output_c; ++out_c) {
        const td_channel_requant requant = td_channel_requant_folded_of(
            bias != NULL ? bias[out_c] : 0, quant->multiplier[out_c], quant->shift[out_c], params->output_offset, taps);
        doubled &= requant.right_shift != 0;
    }
    for (out_c = 0; out_c < output_c; ++out_c) {
        const int8_t *weights = filter + out_c * taps;
        int32_t *record = records + out_c * record_words;
        int32_t *tail = record + TD_SMALL_WEIGHTS + words;
        /* The weight words as int16 lanes, lane 2i the low half of word i (little-endian, as td_pack16 packs them). */
        int8_t *const lanes = (int8_t *)(void *)(record + TD_SMALL_WEIGHTS);
        const td_channel_requant requant = td_channel_requant_folded_of(
            bias != NULL ? bias[out_c] : 0, quant->multiplier[out_c], quant->shift[out_c], params->output_offset, taps);
        record[TD_SMALL_BIAS] = doubled ? 2 * requant.bias : requant.bias;
        memset(lanes, 0, (size_t)words * 4);
        for (k = 0; k < taps; ++k) {
            const int16_t weight = (int16_t)(doubled ? 2 * weights[k] : weights[k]);
            memcpy(lanes + 2 * lane_of[k], &weight, sizeof(weight));
        }
        tail[TD_SMALL_MULTIPLIER] = requant.multiplier;
        tail[TD_SMALL_ROUNDING] = requant.rounding;
        tail[TD_SMALL_RIGHT_SHIFT] = requant.right_shift;
        if (tail_words == TD_SMALL_TAIL) {
            tail[TD_SMALL_MIN] = params->activation.min;
            tail[TD_SMALL_MAX] = params->activation.max;
        }
    }
    return doubled;
}

/**
 * The loops an entry point links (td_kernels.h): the generator calls the entry of the loop its
 * shape takes, so a model links that loop alone (kinds is a constant in each entry, and the
 * function is inlined into it); td_conv2d_s8_small takes them all and the reference for the rest.
 */
enum {
    TD_SMALL_K_ROWS3X3 = 1,
    TD_SMALL_K_POINTWISE = 2,
    TD_SMALL_K_PATCH = 4,
    TD_SMALL_K_REFERENCE = 8,
    TD_SMALL_K_POINTWISE4 = 64,
    TD_SMALL_K_ALL = 15 | 64,
    /** The loop's clamping form alone (any activation range). */
    TD_SMALL_K_CLAMPED = 16,
    /** The full-range form alone (activation -128..127; anything else TD_ERROR_ARGUMENT). */
    TD_SMALL_K_FULL_ONLY = 32,
    /** The form for an activation whose maximum is 127 alone (ReLU: max(x, min) after SSAT; anything else TD_ERROR_ARGUMENT). */
    TD_SMALL_K_MIN_ONLY = 128,
    /** The patch in registers (td_small_regs_*): the by-rows layout of at most TD_SMALL_REGS_MAX_WORDS words, any window. */
    TD_SMALL_K_REGS = 256,
    /** One to four filters read in place (td_small_few): the general loop's shapes less its copy per pixel. */
    TD_SMALL_K_FEW = 512
};

/** Which clamp a loop applies: none (the whole int8 range), both ends, or the minimum alone (the maximum 127). */
enum { TD_SMALL_FORM_FULL, TD_SMALL_FORM_RANGE, TD_SMALL_FORM_MIN };

#if TD_SMALL_HAS_ASM
/**
 * `count` pixels of a 1x1 convolution over one to four channels, `step` bytes apart from `first`, through a
 * td_small_pointwise4_* loop (`state` holding the records and the clamp; `offsets` the input offset in both lanes). Each pixel's
 * load reads four bytes: a last pixel within three bytes of `input_end` is read from a copy, so that no load passes it.
 */
TD_INLINE void td_small_pointwise4_run(uintptr_t *state,
                                       const int8_t *first,
                                       int32_t count,
                                       int32_t step,
                                       int32_t channels,
                                       const int8_t *input_end,
                                       uint32_t offsets,
                                       int8_t *output,
                                       int32_t output_c,
                                       int form)
{
    const int32_t direct = first + (count - 1) * step + 4 <= input_end ? count : count - 1;
    uint32_t last = 0;
    int pass;
    for (pass = 0; pass < 2; ++pass) {
        const int8_t *const start = pass == 0 ? first : (const int8_t *)&last;
        const int32_t pixels = pass == 0 ? direct : count - direct;
        if (pixels == 0) {
            continue;
        }
        if (pass == 1) {
            memcpy(&last, first + direct * step, (size_t)channels);
        }
        state[TD_PW4_START] = (uintptr_t)start;
        state[TD_PW4_STEP] = (uintptr_t)step;
        state[TD_PW4_OFFSETS] = offsets;
        state[TD_PW4_END] = (uintptr_t)(start + pixels * step);
        state[TD_PW4_GROUPS] = (uintptr_t)(output_c >> 2);
        state[TD_PW4_REST] = (uintptr_t)(output_c & 3);
        if (form == TD_SMALL_FORM_FULL) {
            td_small_pointwise4_full(state, output + (pass == 0 ? 0 : direct * output_c));
        } else if (form == TD_SMALL_FORM_MIN) {
            td_small_pointwise4_min(state, output + (pass == 0 ? 0 : direct * output_c));
        } else {
            td_small_pointwise4_range(state, output + (pass == 0 ? 0 : direct * output_c));
        }
    }
}
#endif

#if TD_SMALL_HAS_ASM
/**
 * td_conv2d_s8_small_few*: one to four filters (td_small_few_*), each output row's pixels read in place from the
 * widened rows (bands of output rows widened at once, as the general loop's), the records interleaved by weight word
 * (td_small_few_*'s state). Needs what the general loop needs (a window of more than one tap, no dilation), every
 * channel in the fast form and filter rows of at most TD_SMALL_FEW_MAX_ROW_WORDS words; TD_ERROR_ARGUMENT otherwise
 * (the generator keeps to it).
 */
TD_NOINLINE static td_status td_small_few(const td_context *ctx,
                                          const td_conv_params *params,
                                          const td_per_channel_quant *quant,
                                          const td_dims *input_dims,
                                          const int8_t *input,
                                          const td_dims *filter_dims,
                                          const int8_t *filter,
                                          const int32_t *bias,
                                          const td_dims *output_dims,
                                          int8_t *output,
                                          const td_small_few_loop *loops)
{
    const int32_t kh = filter_dims->h;
    const int32_t channels = filter_dims->c;
    const int32_t taps = kh * filter_dims->w * channels;
    const int32_t row_taps = filter_dims->w * channels;
    const int32_t row_words = td_small_row_words(filter_dims);
    const int32_t words = td_small_words(filter_dims, TD_SMALL_BY_ROWS);
    const int32_t filters = output_dims->c;
    const int32_t stride_w = params->stride.w;
    const int32_t row_length = (output_dims->w - 1) * stride_w * channels + 2 * row_words;
    const int32_t row_step = td_small_row_values(input_dims, filter_dims);
    const int32_t band = (td_small_band_rows(filter_dims) - kh) / params->stride.h + 1;
    /* The scratch as the general loop's: the records' space (these take less), the patch's, then the rows. */
    uint32_t *const weights = (uint32_t *)ctx->buf;
    int32_t *const tails = (int32_t *)(weights + filters * kh * row_words);
    int16_t *const rows = (int16_t *)(void *)((int32_t *)ctx->buf + filters * td_small_record_words(words) + words);
    uintptr_t state[TD_FEW_STATE_WORDS];
    td_small_few_loop loop;
    int32_t out_c, k, batch, out_y;
    /* A 1x1 window has no widened rows in the scratch (td_conv2d_s8_small_get_buffer_size). */
    if (input_dims->c != channels || kh * filter_dims->w == 1 || filters < 1 || filters > 4 || words > TD_SMALL_MAX_WORDS ||
        row_words > TD_SMALL_FEW_MAX_ROW_WORDS || params->dilation.h != 1 || params->dilation.w != 1 ||
        row_length > row_step) {
        return TD_ERROR_ARGUMENT;
    }
    if (ctx->buf == NULL || ctx->size < td_conv2d_s8_small_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    memset(weights, 0, (size_t)(filters * kh * row_words) * 4);
    for (out_c = 0; out_c < filters; ++out_c) {
        const td_channel_requant requant = td_channel_requant_folded_of(
            bias != NULL ? bias[out_c] : 0, quant->multiplier[out_c], quant->shift[out_c], params->output_offset, taps);
        if (requant.right_shift == 0 || requant.right_shift > TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT) {
            return TD_ERROR_ARGUMENT;
        }
        tails[out_c] = 2 * requant.bias;
        tails[filters + 3 * out_c + 0] = requant.multiplier;
        tails[filters + 3 * out_c + 1] = requant.rounding;
        tails[filters + 3 * out_c + 2] = requant.right_shift;
        /* Tap k's lane 2j + h of word (ky, j): word index (ky row_words + j) F + out_c, half h (little-endian). */
        for (k = 0; k < taps; ++k) {
            const int32_t lane = (k / row_taps) * 2 * row_words + k % row_taps;
            const int16_t weight = (int16_t)(2 * filter[out_c * taps + k]);
            memcpy((int8_t *)(void *)(weights + (lane >> 1) * filters + out_c) + 2 * (lane & 1), &weight, sizeof(weight));
        }
    }
    loop = loops[filters - 1];
    state[TD_FEW_BACK] = (uintptr_t)((stride_w * channels - kh * row_step) * 2);
    state[TD_FEW_GAP] = (uintptr_t)((row_step - 2 * row_words) * 2);
    state[TD_FEW_WORDS] = (uintptr_t)row_words;
    state[TD_FEW_WEIGHTS] = (uintptr_t)weights;
    state[TD_FEW_TAILS] = (uintptr_t)tails;
    state[TD_FEW_ROWS] = (uintptr_t)kh;
    state[TD_FEW_MIN] = (uintptr_t)params->activation.min;
    state[TD_FEW_MAX] = (uintptr_t)params->activation.max;
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_band = out_y % band;
            int8_t *const row_output = output + (batch * output_dims->h + out_y) * output_dims->w * filters;
            if (in_band == 0) {
                td_small_widen_rows(params, input_dims, input, (td_min_i32(band, output_dims->h - out_y) - 1) * params->stride.h + kh,
                                    batch, out_y, row_length, row_step, rows);
            }
            state[TD_FEW_START] = (uintptr_t)(rows + in_band * params->stride.h * row_step);
            state[TD_FEW_OUTPUT_END] = (uintptr_t)(row_output + output_dims->w * filters);
            loop(state, row_output);
        }
    }
    return TD_OK;
}
#endif

TD_INLINE td_status td_small_conv(const td_context *ctx,
                                  const td_conv_params *params,
                                  const td_per_channel_quant *quant,
                                  const td_dims *input_dims,
                                  const int8_t *input,
                                  const td_dims *filter_dims,
                                  const int8_t *filter,
                                  const int32_t *bias,
                                  const td_dims *output_dims,
                                  int8_t *output,
                                  const unsigned kinds)
{
    const int32_t kh = filter_dims->h;
    const int32_t kw = filter_dims->w;
    const int32_t channels = filter_dims->c;
    /* The _regs entries take the by-rows layout for every window, its words not rounded to groups of four. */
    const int regs = (kinds & TD_SMALL_K_REGS) != 0;
    const int layout = regs ? TD_SMALL_BY_COLUMNS
                            : td_small_layout(filter_dims, (kinds & TD_SMALL_K_POINTWISE) != 0, (kinds & TD_SMALL_K_POINTWISE4) != 0);
    const int32_t row_words = td_small_row_words(filter_dims);
    const int32_t words = regs ? kh * row_words : td_small_words(filter_dims, layout);
    const int32_t output_c = output_dims->c;
    /* A 1x1 window over one to four channels, the td_small_pointwise4_* loops' (the records then as the _regs'). */
    const int pointwise4 = (kinds & TD_SMALL_K_POINTWISE4) && channels <= 4 && kh == 1 && kw == 1;
    /* The _regs and pointwise4 loops' records end at the right shift (their clamp is in their state); the C form's keep
     * the clamp. */
    const int32_t tail_words = (regs || pointwise4) && TD_SMALL_HAS_ASM ? TD_SMALL_REGS_TAIL : TD_SMALL_TAIL;
    const int32_t record_words = 1 + words + tail_words;
    int32_t *records;
    int32_t *records_end;
    int doubled;
    int32_t k, batch, out_y;

#if TD_SMALL_HAS_ASM
    if (kinds & TD_SMALL_K_FEW) {
        const int full_range = params->activation.min == -128 && params->activation.max == 127;
        if ((!full_range && (kinds & TD_SMALL_K_FULL_ONLY)) || (params->activation.max != 127 && (kinds & TD_SMALL_K_MIN_ONLY))) {
            return TD_ERROR_ARGUMENT;
        }
        if (ctx == NULL) {
            return TD_ERROR_SCRATCH;
        }
        return td_small_few(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                            (kinds & TD_SMALL_K_FULL_ONLY)  ? td_small_few_full_loops
                            : (kinds & TD_SMALL_K_MIN_ONLY) ? td_small_few_min_loops
                                                            : td_small_few_range_loops);
    }
#endif
    /* Dilation only in the _regs entries: across only over one channel and strides that are multiples of it. */
    if (input_dims->c != channels || words > TD_SMALL_MAX_WORDS ||
        (regs ? words > TD_SMALL_REGS_MAX_WORDS || params->dilation.h < 1 || params->dilation.w < 1 ||
                    (params->dilation.w != 1 && (channels != 1 || params->stride.w % params->dilation.w != 0))
              : params->dilation.h != 1 || params->dilation.w != 1)) {
        if (kinds & TD_SMALL_K_REFERENCE) {
            return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias,
                                          output_dims, output);
        }
        return TD_ERROR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_conv2d_s8_small_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    records = (int32_t *)ctx->buf;
    records_end = records + output_c * record_words;
    doubled = td_small_records(params, quant, filter_dims, filter, bias, output_c, words, tail_words, layout, records);

#if TD_SMALL_HAS_ASM
    if (doubled && ((params->activation.min == -128 && params->activation.max == 127) || !(kinds & TD_SMALL_K_FULL_ONLY)) &&
        (params->activation.max == 127 || !(kinds & TD_SMALL_K_MIN_ONLY))) {
        const int full_range = params->activation.min == -128 && params->activation.max == 127;
        /* The loop's clamp form: chosen here (td_conv2d_s8_small), or by the entry point, which links one. */
        const int form = (kinds & TD_SMALL_K_FULL_ONLY) ? TD_SMALL_FORM_FULL
                         : (kinds & TD_SMALL_K_MIN_ONLY) ? TD_SMALL_FORM_MIN
                         : (kinds & TD_SMALL_K_CLAMPED) ? TD_SMALL_FORM_RANGE
                         : full_range ? TD_SMALL_FORM_FULL : TD_SMALL_FORM_RANGE;
        uintptr_t state[TD_SMALL_STATE_WORDS];
        state[TD_SMALL_STATE_RECORDS] = (uintptr_t)records;
        state[TD_SMALL_STATE_RECORDS_END] = (uintptr_t)records_end;
        if ((kinds & TD_SMALL_K_POINTWISE) && channels == 8 && kh == 1 && kw == 1 && params->stride.h == 1 && params->stride.w == 1 &&
            params->padding.h == 0 && params->padding.w == 0 && output_dims->h == input_dims->h &&
            output_dims->w == input_dims->w) {
            state[TD_SMALL_STATE_START] = (uintptr_t)input;
            state[TD_SMALL_STATE_ROW_STEP] = td_pack16(params->input_offset, params->input_offset);
            state[TD_SMALL_STATE_END] = (uintptr_t)(input + output_dims->n * output_dims->h * output_dims->w * 8);
            state[TD_SMALL_STATE_ENTRY] = (uintptr_t)(output_c & 3);
            if (form == TD_SMALL_FORM_FULL) {
                td_small_pointwise8_full(state, output);
            } else if (form == TD_SMALL_FORM_MIN) {
                td_small_pointwise8_min(state, output);
            } else {
                td_small_pointwise8_range(state, output);
            }
            return TD_OK;
        }
        if (pointwise4 && params->padding.h == 0 && params->padding.w == 0) {
            /* The records' whole groups of four filters, the clamp in every byte (td_small_pointwise4_*). */
            uintptr_t pw4[TD_PW4_STATE_WORDS];
            pw4[TD_PW4_RECORDS] = (uintptr_t)records;
            pw4[TD_PW4_GROUPS_END] = (uintptr_t)(records + (output_c & ~3) * record_words);
            pw4[TD_PW4_MIN] = (uint32_t)(uint8_t)params->activation.min * 0x01010101u;
            pw4[TD_PW4_MAX] = (uint32_t)(uint8_t)params->activation.max * 0x01010101u;
            if (params->stride.h == 1 && params->stride.w == 1 && output_dims->h == input_dims->h &&
                output_dims->w == input_dims->w) {
                /* The whole tensor one run: every pixel C_in bytes after the last. */
                td_small_pointwise4_run(pw4, input, output_dims->n * output_dims->h * output_dims->w, channels, channels,
                                        input + output_dims->n * output_dims->h * output_dims->w * channels,
                                        td_pack16(params->input_offset, params->input_offset), output, output_c, form);
                return TD_OK;
            }
            if ((output_dims->h - 1) * params->stride.h < input_dims->h &&
                (output_dims->w - 1) * params->stride.w < input_dims->w) {
                /* A stride above 1: each output row a run of pixels stride * C_in bytes apart. */
                const int8_t *const input_end = input + input_dims->n * input_dims->h * input_dims->w * channels;
                for (batch = 0; batch < output_dims->n; ++batch) {
                    for (out_y = 0; out_y < output_dims->h; ++out_y) {
                        td_small_pointwise4_run(
                            pw4, input + (batch * input_dims->h + out_y * params->stride.h) * input_dims->w * channels,
                            output_dims->w, params->stride.w * channels, channels, input_end,
                            td_pack16(params->input_offset, params->input_offset), output, output_c, form);
                        output += output_dims->w * output_c;
                    }
                }
                return TD_OK;
            }
        }
        if (kh * kw > 1 && ((layout == TD_SMALL_IN_ORDER && (kinds & TD_SMALL_K_ROWS3X3)) ||
                            (layout == TD_SMALL_BY_ROWS && (kinds & TD_SMALL_K_PATCH)) ||
                            (layout == TD_SMALL_BY_COLUMNS && regs))) {
            const int32_t stride_w = params->stride.w;
            /* The widened row's values: every tap of the row's pixels, plus the lane past an odd row's last tap (dilated
             * across: one channel, the taps D apart). */
            const int32_t row_length = (output_dims->w - 1) * stride_w * channels + (2 * row_words - 1) * params->dilation.w + 1;
            const int32_t row_step = td_small_row_values(input_dims, filter_dims);
            uint32_t *patch = (uint32_t *)(void *)records_end;
            int16_t *rows = (int16_t *)(void *)(records_end + words);
            /* A band of output rows whose input rows fit the scratch's: widened once for the band. */
            const int32_t band = (td_small_band_rows(filter_dims) - kh) / params->stride.h + 1;
            uintptr_t chunks_state[5];
            chunks_state[0] = (uintptr_t)records;
            chunks_state[1] = (uintptr_t)records_end;
            chunks_state[2] = (uintptr_t)patch;
            chunks_state[3] = (uintptr_t)(words / 4);
            chunks_state[4] = 0;
            if (layout == TD_SMALL_BY_ROWS) {
                for (k = kh * row_words; k < words; ++k) {
                    patch[k] = 0;
                }
            }
            if (regs) {
                /* Four filters or more: the loop that clamps and stores four at a time (unclamped, six to eight words
                 * measured no faster). */
                const int quad = output_c >= 4 && (words <= 5 || form != TD_SMALL_FORM_FULL);
                if (row_length <= row_step &&
                    td_small_regs_rows(params, input_dims, input, output_dims, output, records, records_end, words, kh,
                                       row_words, row_length, row_step,
                                       ctx->size - (int32_t)((int8_t *)(void *)records_end - (int8_t *)ctx->buf),
                                       quad ? (form == TD_SMALL_FORM_FULL  ? td_small_regs_quad_full
                                               : form == TD_SMALL_FORM_MIN ? td_small_regs_quad_min
                                                                          : td_small_regs_quad_range)
                                            : form == TD_SMALL_FORM_FULL  ? td_small_regs_full
                                            : form == TD_SMALL_FORM_MIN ? td_small_regs_min
                                                                       : td_small_regs_range)) {
                    return TD_OK;
                }
            } else if (row_length <= row_step) {
                for (batch = 0; batch < output_dims->n; ++batch) {
                    for (out_y = 0; out_y < output_dims->h; ++out_y) {
                        const int32_t in_band = out_y % band;
                        const int16_t *start = rows + in_band * params->stride.h * row_step;
                        int8_t *row_output = output + (batch * output_dims->h + out_y) * output_dims->w * output_c;
                        if (in_band == 0) {
                            const int32_t count = td_min_i32(band, output_dims->h - out_y);
                            td_small_widen_rows(params, input_dims, input, (count - 1) * params->stride.h + kh, batch,
                                                out_y, row_length, row_step, rows);
                        }
                        if ((kinds & TD_SMALL_K_ROWS3X3) && layout == TD_SMALL_IN_ORDER) {
                            state[TD_SMALL_STATE_START] = (uintptr_t)start;
                            state[TD_SMALL_STATE_STEP] = (uintptr_t)(stride_w * 2);
                            state[TD_SMALL_STATE_ROW_STEP] = (uintptr_t)(row_step * 2);
                            state[TD_SMALL_STATE_END] = (uintptr_t)(start + output_dims->w * stride_w);
                            state[TD_SMALL_STATE_ENTRY] = (uintptr_t)(output_c & 3);
                            if (form == TD_SMALL_FORM_FULL) {
                                td_small_row_3x3_full(state, row_output);
                            } else if (form == TD_SMALL_FORM_MIN) {
                                td_small_row_3x3_min(state, row_output);
                            } else {
                                td_small_row_3x3_range(state, row_output);
                            }
                            continue;
                        }
                        if (kinds & TD_SMALL_K_PATCH) {
                            td_small_row_by_rows(chunks_state, start, output_dims->w, stride_w * channels, kh, row_words,
                                             row_step, row_output, output_c,
                                             form == TD_SMALL_FORM_FULL  ? td_small_chunks_full
                                             : form == TD_SMALL_FORM_MIN ? td_small_chunks_min
                                                                    : td_small_chunks_range);
                        }
                    }
                }
                return TD_OK;
            }
        }
    }
    if (kinds & TD_SMALL_K_REFERENCE) {
        return td_conv2d_s8_reference(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                      output);
    }
    return TD_ERROR_ARGUMENT;
#else
    (void)kh;
    (void)kw;
    (void)row_words;
    (void)k;
    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            int32_t out_x;
            for (out_x = 0; out_x < output_dims->w; ++out_x) {
                td_small_pixel(params, input_dims, input, filter_dims, records, records_end, words, layout, doubled,
                               batch, out_y, out_x,
                               output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_c);
            }
        }
    }
    return TD_OK;
#endif
}

#define TD_SMALL_ENTRY_POINT(name, kinds)                                                                            \
    td_status name(const td_context *ctx, const td_conv_params *params, const td_per_channel_quant *quant,           \
                   const td_dims *input_dims, const int8_t *input, const td_dims *filter_dims, const int8_t *filter,   \
                   const int32_t *bias, const td_dims *output_dims, int8_t *output)                                   \
    {                                                                                                                 \
        return td_small_conv(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,  \
                             kinds);                                                                                  \
    }

TD_SMALL_ENTRY_POINT(td_conv2d_s8_small, TD_SMALL_K_ALL)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_3x3, TD_SMALL_K_ROWS3X3 | TD_SMALL_K_CLAMPED)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x8, TD_SMALL_K_POINTWISE | TD_SMALL_K_CLAMPED)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x4, TD_SMALL_K_POINTWISE4 | TD_SMALL_K_CLAMPED)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_patch, TD_SMALL_K_PATCH | TD_SMALL_K_CLAMPED)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_3x3_full, TD_SMALL_K_ROWS3X3 | TD_SMALL_K_FULL_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x8_full, TD_SMALL_K_POINTWISE | TD_SMALL_K_FULL_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x4_full, TD_SMALL_K_POINTWISE4 | TD_SMALL_K_FULL_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_patch_full, TD_SMALL_K_PATCH | TD_SMALL_K_FULL_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_3x3_min, TD_SMALL_K_ROWS3X3 | TD_SMALL_K_MIN_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x8_min, TD_SMALL_K_POINTWISE | TD_SMALL_K_MIN_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_1x1x4_min, TD_SMALL_K_POINTWISE4 | TD_SMALL_K_MIN_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_patch_min, TD_SMALL_K_PATCH | TD_SMALL_K_MIN_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_regs, TD_SMALL_K_REGS | TD_SMALL_K_CLAMPED)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_regs_full, TD_SMALL_K_REGS | TD_SMALL_K_FULL_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_regs_min, TD_SMALL_K_REGS | TD_SMALL_K_MIN_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_few, TD_SMALL_K_FEW | TD_SMALL_K_CLAMPED)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_few_full, TD_SMALL_K_FEW | TD_SMALL_K_FULL_ONLY)
TD_SMALL_ENTRY_POINT(td_conv2d_s8_small_few_min, TD_SMALL_K_FEW | TD_SMALL_K_MIN_ONLY)

#else /* no DSP extension: the portable kernel */

#include "../../conv/td_conv2d_s8_small.c"

#endif
