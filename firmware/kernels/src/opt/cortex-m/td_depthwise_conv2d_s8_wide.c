/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP variant for small images: the generator's choice for 5x5
 * filters at stride 1 or 2 and for 3x3 filters at stride 1 with a depth multiplier above 1 (the
 * same bits as td_depthwise_conv2d_s8 and TFLite's reference, see
 * td_depthwise_conv2d_s8_reference.h). The portable twin is src/conv/td_depthwise_conv2d_s8_wide.c.
 *
 * Instead of one SMLABB/SMLATT per tap on four channels (td_depthwise_conv2d_s8), each SMLAD
 * here does two multiply-accumulates of one channel:
 *  - input channels go four at a time; their padded image is widened once into four planes of
 *    int16 pair words P_k = (x[2k], x[2k + 1]) of one channel (two LDR, PKHBT/PKHTB and four
 *    SXTB16 per two pixels), rows TD_WIDE_ROW_BYTES apart so that every tap of a window is an
 *    immediate offset from one pointer. Padding holds -input_offset (the input's zero point) and
 *    the input offset is folded into the bias (bias + input_offset * sum of the taps), so that
 *    every position is an ordinary tap: x + input_offset is 0 exactly where the reference skips
 *    a tap. The padding is written once per call (every block widens the same positions);
 *  - per output channel, its taps are paired and doubled (int16 words (2w_i, 2w_{i+1})) with its
 *    folded bias doubled, so the sums are td_requant_fast's 2 * acc, which the fast requantization
 *    with the output offset folded in takes directly (ADD, SMMLAR, ASR, SSAT per output);
 *  - the assembly runs a channel's whole image: per step four outputs (5x5 stride 1: twelve SMLAD
 *    and friends per filter row for twenty MACs, the pairs P_j..P_{j+3} in two LDRD, the row's
 *    four tap words in one LDM), two outputs (5x5 stride 2: six for ten) or four outputs (3x3
 *    stride 1: eight for twelve), then the requantization and four byte stores;
 *  - a depth multiplier M > 1 runs the M output channels of an input channel over its plane.
 * Outputs past the last whole step of a row, channels outside the fast requantization (a right
 * shift of 1-21 and |bias| + taps * 255 * 128 < 2^30), input channels past a multiple of four,
 * rows wider than the planes' stride, dilation and an output placed over its input in another
 * order than the blocks' take the portable per-pixel loop (td_depthwise_channels_s8) or a scalar
 * loop over the planes (the same sums).
 *
 * Scratch (get_buffer_size): four planes of H + K_h - 1 rows of TD_WIDE_ROW_BYTES, and one
 * output channel's prepared taps and requantization (TD_WIDE_CHANNEL_WORDS words).
 */
#include "../../conv/td_depthwise_conv2d_s8_reference.h"
#include "td_dsp.h"

/** Bytes between two plane rows: 16 pair words, so positions 0-31 of a padded row. */
#define TD_WIDE_ROW_BYTES 64
#define TD_WIDE_ROW_WORDS (TD_WIDE_ROW_BYTES / 4)
/**
 * Words of one output channel's prepared block: up to 4 biases, 5 rows of 4 tap words, multiplier,
 * shift and rounding, and the same three again at TD_WIDE_REQUANT_AT.
 */
#define TD_WIDE_CHANNEL_WORDS 32
#define TD_WIDE_REQUANT_AT 28

int32_t td_depthwise_conv2d_s8_wide_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
#if TD_KERNELS_DSP
    return 4 * TD_WIDE_ROW_BYTES * (input_dims->h + filter_dims->h - 1) + 4 * TD_WIDE_CHANNEL_WORDS;
#else
    (void)input_dims;
    (void)filter_dims;
    return 0;
#endif
}

/** Output channels [first, last) of every pixel of one batch, pixel by pixel (the reference loop). */
static void td_wide_reference(const td_depthwise_conv_params *params,
                              const td_per_channel_quant *quant,
                              const td_dims *input_dims,
                              const int8_t *input,
                              const td_dims *filter_dims,
                              const int8_t *filter,
                              const int32_t *bias,
                              const td_dims *output_dims,
                              int8_t *output,
                              int32_t batch,
                              int32_t first,
                              int32_t last)
{
    int32_t out_y, out_x;
    for (out_y = 0; out_y < output_dims->h; ++out_y) {
        for (out_x = 0; out_x < output_dims->w; ++out_x) {
            const td_depthwise_window window = td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
            int8_t *out = output + ((batch * output_dims->h + out_y) * output_dims->w + out_x) * output_dims->c;
            td_depthwise_channels_s8(params, quant, &window, first, last, input, filter, bias, out);
        }
    }
}

#if TD_KERNELS_DSP

/** The loops with assembly: 5x5 stride 1 (four outputs a step), 5x5 stride 2 (two), 3x3 stride 1 (four). */
enum { TD_WIDE_SCALAR = 0, TD_WIDE_5X5_S1 = 1, TD_WIDE_5X5_S2 = 2, TD_WIDE_3X3_S1 = 3 };

/**
 * What the assembly reads (offsets fixed there; it copies the job onto its stack and keeps
 * `cursor` and `end` there): one output channel over every output row.
 */
typedef struct {
    const td_word *in;    /* 0: the channel's plane at output row 0's first plane row (advanced per row) */
    const td_word *block; /* 4: the channel's prepared biases, taps and requantization */
    int8_t *cursor;       /* 8: the next output (the assembly's) */
    int32_t out_c;        /* 12: bytes between output pixels */
    int32_t rows;         /* 16: output rows (>= 1) */
    int32_t in_step;      /* 20: bytes between output rows' first plane rows (stride_h * TD_WIDE_ROW_BYTES) */
    int32_t out_step;     /* 24: bytes between output rows */
    int32_t span;         /* 28: bytes the plane pointer moves over a row's whole steps (> 0) */
    int32_t low;          /* 32: activation.min */
    int32_t high;         /* 36: activation.max */
    int8_t *out;          /* 40: output row 0 at the channel (advanced per row) */
    int32_t end;          /* 44: the assembly's */
} td_wide_job;

#if TD_DSP_ASM
/*
 * Frame: the job copied to [sp, #0..47]; r12 the channel block, lr the plane pointer of the step.
 * Per output row: the step loop from `in` to in + span, outputs from `out`; then `in`, `out` and
 * `rows` advance.
 */
#define TD_WIDE_ASM_BEGIN(name)                                                                    \
    ".section .text." name ",\"ax\",%progbits\n\t"                                                 \
    ".syntax unified\n\t"                                                                          \
    ".thumb\n\t"                                                                                   \
    ".p2align 2\n\t"                                                                               \
    ".global " name "\n\t"                                                                         \
    ".thumb_func\n\t"                                                                              \
    ".type " name ", %function\n" name ":\n\t"                                                     \
    "push    {r4-r11, lr}\n\t"                                                                     \
    "sub     sp, sp, #48\n\t"                                                                      \
    "ldm     r0, {r1-r12}\n\t"                                                                     \
    "stm     sp, {r1-r12}\n\t"                                                                     \
    "ldr     r12, [sp, #4]\n"                                                                      \
    "2:\n\t"                                                                                       \
    "ldr     lr, [sp, #0]\n\t"                                                                     \
    "ldr     r4, [sp, #28]\n\t"                                                                    \
    "add     r4, lr, r4\n\t"                                                                       \
    "str     r4, [sp, #44]\n\t"                                                                    \
    "ldr     r4, [sp, #40]\n\t"                                                                    \
    "str     r4, [sp, #8]\n"                                                                       \
    "1:\n\t"
#define TD_WIDE_ASM_END(name)                                                                      \
    "add     lr, lr, #8\n\t"                                                                       \
    "ldr     r4, [sp, #44]\n\t"                                                                    \
    "cmp     lr, r4\n\t"                                                                           \
    "bne     1b\n\t"                                                                               \
    "ldr     r4, [sp, #0]\n\t"                                                                     \
    "ldr     r5, [sp, #20]\n\t"                                                                    \
    "add     r4, r4, r5\n\t"                                                                       \
    "str     r4, [sp, #0]\n\t"                                                                     \
    "ldr     r4, [sp, #40]\n\t"                                                                    \
    "ldr     r5, [sp, #24]\n\t"                                                                    \
    "add     r4, r4, r5\n\t"                                                                       \
    "str     r4, [sp, #40]\n\t"                                                                    \
    "ldr     r4, [sp, #16]\n\t"                                                                    \
    "subs    r4, r4, #1\n\t"                                                                       \
    "str     r4, [sp, #16]\n\t"                                                                    \
    "bne     2b\n\t"                                                                               \
    "add     sp, sp, #48\n\t"                                                                      \
    "pop     {r4-r11, pc}\n\t"                                                                     \
    ".size " name ", . - " name "\n\t"                                                             \
    ".text"
/* Requantization of one doubled sum (multiplier r8, shift r9, rounding r10, scratch r4). */
#define TD_WIDE_ASM_REQUANT(acc)                                                                   \
    "add     r4, r10, " acc ", asr #31\n\t"                                                        \
    "smmlar  " acc ", " acc ", r8, r4\n\t"                                                         \
    "asr     " acc ", " acc ", r9\n\t"                                                             \
    "ssat    " acc ", #8, " acc "\n\t"
/* The activation's bounds (r5, r6) on one output. */
#define TD_WIDE_ASM_CLAMP(acc)                                                                     \
    "cmp     " acc ", r5\n\t"                                                                      \
    "it      lt\n\t"                                                                               \
    "movlt   " acc ", r5\n\t"                                                                      \
    "cmp     " acc ", r6\n\t"                                                                      \
    "it      gt\n\t"                                                                               \
    "movgt   " acc ", r6\n\t"
#define TD_WIDE_ASM_BOUNDS "ldrd    r5, r6, [sp, #32]\n\t"
/* Four outputs r0-r3, out_c apart, at the cursor (advanced). */
#define TD_WIDE_ASM_STORE4                                                                         \
    "ldrd    r4, r5, [sp, #8]\n\t"                                                                 \
    "strb    r0, [r4]\n\t"                                                                         \
    "strb    r1, [r4, r5]\n\t"                                                                     \
    "add     r4, r4, r5, lsl #1\n\t"                                                               \
    "strb    r2, [r4]\n\t"                                                                         \
    "strb    r3, [r4, r5]\n\t"                                                                     \
    "add     r4, r4, r5, lsl #1\n\t"                                                               \
    "str     r4, [sp, #8]\n\t"
#define TD_WIDE_ASM_STORE2                                                                         \
    "ldrd    r4, r5, [sp, #8]\n\t"                                                                 \
    "strb    r0, [r4]\n\t"                                                                         \
    "strb    r1, [r4, r5]\n\t"                                                                     \
    "add     r4, r4, r5, lsl #1\n\t"                                                               \
    "str     r4, [sp, #8]\n\t"

/*
 * 5x5, stride 1: outputs 2j..2j+3 from pairs P_j..P_{j+3} (r4-r7) of a filter row and its tap
 * words W01, W23, W12, W34 (r8-r11):
 *   o0 = P_j.W01 + P_{j+1}.W23 + lo(P_{j+2}) hi(W34)    o1 = hi(P_j) lo(W01) + P_{j+1}.W12 + P_{j+2}.W34
 *   o2, o3: the same one pair on.
 */
#define TD_WIDE_ASM_ROW_5X5_S1(offset, offset8)                                                    \
    "ldrd    r4, r5, [lr, #" offset "]\n\t"                                                        \
    "ldrd    r6, r7, [lr, #" offset8 "]\n\t"                                                       \
    "ldm     r12!, {r8-r11}\n\t"                                                                   \
    "smlad   r0, r4, r8, r0\n\t"                                                                   \
    "smlad   r0, r5, r9, r0\n\t"                                                                   \
    "smlabt  r0, r6, r11, r0\n\t"                                                                  \
    "smlatb  r1, r4, r8, r1\n\t"                                                                   \
    "smlad   r1, r5, r10, r1\n\t"                                                                  \
    "smlad   r1, r6, r11, r1\n\t"                                                                  \
    "smlad   r2, r5, r8, r2\n\t"                                                                   \
    "smlad   r2, r6, r9, r2\n\t"                                                                   \
    "smlabt  r2, r7, r11, r2\n\t"                                                                  \
    "smlatb  r3, r5, r8, r3\n\t"                                                                   \
    "smlad   r3, r6, r10, r3\n\t"                                                                  \
    "smlad   r3, r7, r11, r3\n\t"
#define TD_WIDE_ASM_5X5_S1(name, clamp)                                                            \
    TD_WIDE_ASM_BEGIN(name)                                                                        \
    "ldm     r12!, {r0-r3}\n\t"                                                                    \
    TD_WIDE_ASM_ROW_5X5_S1("0", "8")                                                               \
    TD_WIDE_ASM_ROW_5X5_S1("64", "72")                                                             \
    TD_WIDE_ASM_ROW_5X5_S1("128", "136")                                                           \
    TD_WIDE_ASM_ROW_5X5_S1("192", "200")                                                           \
    TD_WIDE_ASM_ROW_5X5_S1("256", "264")                                                           \
    "ldm     r12, {r8-r10}\n\t"                                                                    \
    "sub     r12, r12, #96\n\t"                                                                    \
    TD_WIDE_ASM_REQUANT("r0") TD_WIDE_ASM_REQUANT("r1") TD_WIDE_ASM_REQUANT("r2") TD_WIDE_ASM_REQUANT("r3") \
    clamp                                                                                          \
    TD_WIDE_ASM_STORE4                                                                             \
    TD_WIDE_ASM_END(name)

/*
 * 5x5, stride 2: outputs q, q+1 from pairs P_{2q}..P_{2q+3} (r4-r7) and tap words W01, W23,
 * W4 = (w4, 0) (r8-r10): o0 = P_{2q}.W01 + P_{2q+1}.W23 + lo(P_{2q+2}) w4, o1 one pair on.
 */
#define TD_WIDE_ASM_ROW_5X5_S2(offset, offset8)                                                    \
    "ldrd    r4, r5, [lr, #" offset "]\n\t"                                                        \
    "ldrd    r6, r7, [lr, #" offset8 "]\n\t"                                                       \
    "ldm     r12!, {r8-r10}\n\t"                                                                   \
    "smlad   r0, r4, r8, r0\n\t"                                                                   \
    "smlad   r0, r5, r9, r0\n\t"                                                                   \
    "smlabb  r0, r6, r10, r0\n\t"                                                                  \
    "smlad   r1, r5, r8, r1\n\t"                                                                   \
    "smlad   r1, r6, r9, r1\n\t"                                                                   \
    "smlabb  r1, r7, r10, r1\n\t"
#define TD_WIDE_ASM_5X5_S2(name, clamp)                                                            \
    TD_WIDE_ASM_BEGIN(name)                                                                        \
    "ldm     r12!, {r0, r1}\n\t"                                                                   \
    TD_WIDE_ASM_ROW_5X5_S2("0", "8")                                                               \
    TD_WIDE_ASM_ROW_5X5_S2("64", "72")                                                             \
    TD_WIDE_ASM_ROW_5X5_S2("128", "136")                                                           \
    TD_WIDE_ASM_ROW_5X5_S2("192", "200")                                                           \
    TD_WIDE_ASM_ROW_5X5_S2("256", "264")                                                           \
    "ldm     r12, {r8-r10}\n\t"                                                                    \
    "sub     r12, r12, #68\n\t"                                                                    \
    TD_WIDE_ASM_REQUANT("r0") TD_WIDE_ASM_REQUANT("r1")                                            \
    clamp                                                                                          \
    TD_WIDE_ASM_STORE2                                                                             \
    TD_WIDE_ASM_END(name)

/*
 * 3x3, stride 1: outputs 2j..2j+3 from pairs P_j..P_{j+2} (r4-r6) and tap words W01, W12 (r8, r9):
 *   o0 = P_j.W01 + lo(P_{j+1}) hi(W12)    o1 = hi(P_j) lo(W01) + P_{j+1}.W12, o2, o3 one pair on.
 */
#define TD_WIDE_ASM_ROW_3X3_S1(offset, offset8)                                                    \
    "ldrd    r4, r5, [lr, #" offset "]\n\t"                                                        \
    "ldr     r6, [lr, #" offset8 "]\n\t"                                                           \
    "ldm     r12!, {r8, r9}\n\t"                                                                   \
    "smlad   r0, r4, r8, r0\n\t"                                                                   \
    "smlabt  r0, r5, r9, r0\n\t"                                                                   \
    "smlatb  r1, r4, r8, r1\n\t"                                                                   \
    "smlad   r1, r5, r9, r1\n\t"                                                                   \
    "smlad   r2, r5, r8, r2\n\t"                                                                   \
    "smlabt  r2, r6, r9, r2\n\t"                                                                   \
    "smlatb  r3, r5, r8, r3\n\t"                                                                   \
    "smlad   r3, r6, r9, r3\n\t"
#define TD_WIDE_ASM_3X3_S1(name, clamp)                                                            \
    TD_WIDE_ASM_BEGIN(name)                                                                        \
    "ldm     r12!, {r0-r3}\n\t"                                                                    \
    TD_WIDE_ASM_ROW_3X3_S1("0", "8")                                                               \
    TD_WIDE_ASM_ROW_3X3_S1("64", "72")                                                             \
    TD_WIDE_ASM_ROW_3X3_S1("128", "136")                                                           \
    "ldm     r12, {r8-r10}\n\t"                                                                    \
    "sub     r12, r12, #40\n\t"                                                                    \
    TD_WIDE_ASM_REQUANT("r0") TD_WIDE_ASM_REQUANT("r1") TD_WIDE_ASM_REQUANT("r2") TD_WIDE_ASM_REQUANT("r3") \
    clamp                                                                                          \
    TD_WIDE_ASM_STORE4                                                                             \
    TD_WIDE_ASM_END(name)

#define TD_WIDE_ASM_CLAMP4                                                                         \
    TD_WIDE_ASM_BOUNDS TD_WIDE_ASM_CLAMP("r0") TD_WIDE_ASM_CLAMP("r1") TD_WIDE_ASM_CLAMP("r2") TD_WIDE_ASM_CLAMP("r3")
#define TD_WIDE_ASM_CLAMP2 TD_WIDE_ASM_BOUNDS TD_WIDE_ASM_CLAMP("r0") TD_WIDE_ASM_CLAMP("r1")

void td_wide_5x5_s1_full(td_wide_job *job);
void td_wide_5x5_s1_clamp(td_wide_job *job);
void td_wide_5x5_s2_full(td_wide_job *job);
void td_wide_5x5_s2_clamp(td_wide_job *job);
void td_wide_3x3_s1_full(td_wide_job *job);
void td_wide_3x3_s1_clamp(td_wide_job *job);
__asm__(TD_WIDE_ASM_5X5_S1("td_wide_5x5_s1_full", ""));
__asm__(TD_WIDE_ASM_5X5_S1("td_wide_5x5_s1_clamp", TD_WIDE_ASM_CLAMP4));
__asm__(TD_WIDE_ASM_5X5_S2("td_wide_5x5_s2_full", ""));
__asm__(TD_WIDE_ASM_5X5_S2("td_wide_5x5_s2_clamp", TD_WIDE_ASM_CLAMP2));
__asm__(TD_WIDE_ASM_3X3_S1("td_wide_3x3_s1_full", ""));
__asm__(TD_WIDE_ASM_3X3_S1("td_wide_3x3_s1_clamp", TD_WIDE_ASM_CLAMP4));
#endif

/** Outputs per assembly step of each loop (0: none, the scalar loop only). */
static int32_t td_wide_step(int32_t loop)
{
#if TD_DSP_ASM
    return loop == TD_WIDE_5X5_S2 ? 2 : loop == TD_WIDE_SCALAR ? 0 : 4;
#else
    (void)loop;
    return 0;
#endif
}

/**
 * Input rows of input channels [channel, channel + 4) into the four planes' inside positions
 * (the padding is already there): per two positions two LDR, PKHBT/PKHTB and four SXTB16; a pair
 * with one position outside the image takes its bytes one by one.
 */
static void td_wide_widen(const int8_t *input,
                          const td_dims *input_dims,
                          int32_t channel,
                          int32_t pad_top,
                          int32_t pad_left,
                          int32_t plane_rows,
                          int32_t pairs,
                          int32_t pad_value,
                          td_word *planes)
{
    const int32_t width = input_dims->w, channels = input_dims->c;
    const int32_t plane_words = plane_rows * TD_WIDE_ROW_WORDS;
    /* Pairs k with both positions inside: 2k - pad_left >= 0 and 2k + 1 - pad_left <= W - 1. */
    const int32_t first = (pad_left + 1) / 2;
    const int32_t last = td_min_i32((width + pad_left - 2) >= 0 ? (width + pad_left - 2) / 2 : -1, pairs - 1);
    int32_t y;
    for (y = td_max_i32(pad_top, 0); y < td_min_i32(plane_rows, input_dims->h + pad_top); ++y) {
        const int8_t *row = input + (y - pad_top) * width * channels + channel;
        td_word *const d0 = planes + y * TD_WIDE_ROW_WORDS;
        td_word *const d1 = d0 + plane_words;
        td_word *const d2 = d1 + plane_words;
        td_word *const d3 = d2 + plane_words;
        const int8_t *source = row + (2 * first - pad_left) * channels;
        int32_t k, c;
        for (k = first; k <= last; ++k) {
            const uint32_t a = td_read_u32(source), b = td_read_u32(source + channels);
            const uint32_t low = (a & 0xffffu) | (b << 16), high = (b & 0xffff0000u) | (a >> 16);
            d0[k] = td_sxtb16(low);
            d1[k] = td_sxtb16_ror8(low);
            d2[k] = td_sxtb16(high);
            d3[k] = td_sxtb16_ror8(high);
            source += 2 * channels;
        }
        /* The pairs with one position inside (the left border with an odd padding, the right one). */
        for (k = first - 1; k <= last + 1; k += td_max_i32(last + 2 - first, 1)) {
            const int32_t x0 = 2 * k - pad_left, x1 = x0 + 1;
            if (k < 0 || k >= pairs || x1 < 0 || x0 >= width || (x0 >= 0 && x1 < width)) {
                continue;
            }
            for (c = 0; c < 4; ++c) {
                const int32_t v0 = x0 >= 0 ? row[x0 * channels + c] : pad_value;
                const int32_t v1 = x1 < width ? row[x1 * channels + c] : pad_value;
                planes[c * plane_words + y * TD_WIDE_ROW_WORDS + k] = td_pack16(v0, v1);
            }
        }
    }
}

/**
 * One output channel's prepared block for `loop` (see the assembly: doubled folded biases, the
 * filter rows' tap words doubled, multiplier, shift, rounding) and its doubled folded bias; 0 when
 * the channel is outside the fast requantization.
 */
static int td_wide_prepare(const td_depthwise_conv_params *params,
                           const td_per_channel_quant *quant,
                           const td_dims *filter_dims,
                           const int8_t *filter,
                           const int32_t *bias,
                           int32_t out_c,
                           int32_t loop,
                           td_word *block)
{
    const int32_t filter_h = filter_dims->h, filter_w = filter_dims->w, channels = filter_dims->c;
    const int32_t taps = filter_h * filter_w;
    const td_channel_requant requant = td_channel_requant_folded_of(bias != NULL ? bias[out_c] : 0, quant->multiplier[out_c],
                                                                   quant->shift[out_c], params->output_offset, taps);
    const int32_t biases = loop == TD_WIDE_5X5_S2 ? 2 : 4;
    uint32_t sum = 0, doubled;
    td_word *words = block + biases;
    int32_t tap, r;
    if (requant.right_shift == 0) {
        return 0;
    }
    for (tap = 0; tap < taps; ++tap) {
        sum += (uint32_t)(int32_t)filter[tap * channels + out_c];
    }
    doubled = ((uint32_t)requant.bias + (uint32_t)params->input_offset * sum) << 1;
    for (tap = 0; tap < biases; ++tap) {
        block[tap] = doubled;
    }
    for (r = 0; r < filter_h && loop != TD_WIDE_SCALAR; ++r) {
        const int8_t *w = filter + r * filter_w * channels + out_c;
#define TD_WIDE_TAP(i) (2 * (int32_t)w[(i) * channels])
        if (loop == TD_WIDE_5X5_S1) {
            words[0] = td_pack16(TD_WIDE_TAP(0), TD_WIDE_TAP(1));
            words[1] = td_pack16(TD_WIDE_TAP(2), TD_WIDE_TAP(3));
            words[2] = td_pack16(TD_WIDE_TAP(1), TD_WIDE_TAP(2));
            words[3] = td_pack16(TD_WIDE_TAP(3), TD_WIDE_TAP(4));
            words += 4;
        } else if (loop == TD_WIDE_5X5_S2) {
            words[0] = td_pack16(TD_WIDE_TAP(0), TD_WIDE_TAP(1));
            words[1] = td_pack16(TD_WIDE_TAP(2), TD_WIDE_TAP(3));
            words[2] = td_pack16(TD_WIDE_TAP(4), 0);
            words += 3;
        } else {
            words[0] = td_pack16(TD_WIDE_TAP(0), TD_WIDE_TAP(1));
            words[1] = td_pack16(TD_WIDE_TAP(1), TD_WIDE_TAP(2));
            words += 2;
        }
#undef TD_WIDE_TAP
    }
    /* The assembly's copy after the taps, the scalar loop's at a fixed place. */
    words[0] = block[TD_WIDE_REQUANT_AT] = (uint32_t)requant.multiplier;
    words[1] = block[TD_WIDE_REQUANT_AT + 1] = (uint32_t)requant.right_shift;
    words[2] = block[TD_WIDE_REQUANT_AT + 2] = (uint32_t)requant.rounding;
    return 1;
}

/**
 * Output (out_y, out_x) of one channel from its plane (the scalar loop: the sums the assembly
 * makes, in another order), requantized and clamped.
 */
static int8_t td_wide_output(const td_depthwise_conv_params *params,
                             const td_dims *filter_dims,
                             const int8_t *filter,
                             int32_t out_c,
                             const td_word *plane,
                             const td_word *block,
                             int32_t out_y,
                             int32_t out_x)
{
    const int32_t channels = filter_dims->c;
    int32_t acc = (int32_t)block[0];
    int32_t r, k;
    for (r = 0; r < filter_dims->h; ++r) {
        const int16_t *row = (const int16_t *)(const void *)(plane + (out_y * params->stride.h + r) * TD_WIDE_ROW_WORDS);
        const int8_t *w = filter + r * filter_dims->w * channels + out_c;
        for (k = 0; k < filter_dims->w; ++k) {
            acc = (int32_t)((uint32_t)acc + (uint32_t)(2 * (int32_t)w[k * channels] * (int32_t)row[out_x * params->stride.w + k]));
        }
    }
    {
        const int32_t multiplier = (int32_t)block[TD_WIDE_REQUANT_AT];
        const int32_t right_shift = (int32_t)block[TD_WIDE_REQUANT_AT + 1];
        const int32_t rounding = (int32_t)block[TD_WIDE_REQUANT_AT + 2];
        const int32_t value = td_smmlar(acc, multiplier, rounding + (acc >> 31)) >> right_shift;
        return (int8_t)td_clamp_i32(td_ssat8(value), params->activation.min, params->activation.max);
    }
}

td_status td_depthwise_conv2d_s8_wide(const td_context *ctx,
                                      const td_depthwise_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output)
{
    const int32_t multiplier = params->depth_multiplier;
    const int32_t filter_h = filter_dims->h, filter_w = filter_dims->w;
    const int32_t stride_h = params->stride.h, stride_w = params->stride.w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t plane_rows = (out_h - 1) * stride_h + filter_h;
    const int32_t positions = (out_w - 1) * stride_w + filter_w;
    const int32_t pairs = (positions + 1) / 2;
    const int32_t blocked = input_dims->c & ~3;
    const int32_t plane_words = plane_rows * TD_WIDE_ROW_WORDS;
    const int32_t needed = (4 * plane_words + TD_WIDE_CHANNEL_WORDS) * (int32_t)sizeof(td_word);
    const int32_t loop = params->dilation.h != 1 || params->dilation.w != 1 ? TD_WIDE_SCALAR
                         : filter_h == 5 && filter_w == 5 && stride_h == 1 && stride_w == 1 ? TD_WIDE_5X5_S1
                         : filter_h == 5 && filter_w == 5 && stride_h == 2 && stride_w == 2 ? TD_WIDE_5X5_S2
                         : filter_h == 3 && filter_w == 3 && stride_h == 1 && stride_w == 1 ? TD_WIDE_3X3_S1
                                                                                              : TD_WIDE_SCALAR;
    const int32_t step = td_wide_step(loop);
    const int32_t steps = step > 0 ? out_w / step : 0;
    /* Pairs the assembly reads beyond `pairs` (its last step's last pair). */
    const int32_t read_pairs = steps > 0 ? (steps - 1) * 2 + (loop == TD_WIDE_3X3_S1 ? 3 : 4) : 0;
    int fits = params->dilation.h == 1 && params->dilation.w == 1 && pairs <= TD_WIDE_ROW_WORDS &&
               read_pairs <= TD_WIDE_ROW_WORDS && ctx != NULL && ctx->buf != NULL && ctx->size >= needed &&
               blocked > 0 && filter_dims->c == input_dims->c * multiplier;
    int32_t batch, channel;

    /* An output over its input: the blocks write channel by channel, which is the reference's
     * order only with multiplier 1 and the output a whole number of pixels from the input. */
    if (fits) {
        const uintptr_t input_start = (uintptr_t)input, input_end = input_start + (uintptr_t)td_dims_count(input_dims);
        const uintptr_t output_start = (uintptr_t)output, output_end = output_start + (uintptr_t)td_dims_count(output_dims);
        if (output_start < input_end && input_start < output_end &&
            (multiplier != 1 || (int32_t)((intptr_t)output_start - (intptr_t)input_start) % out_c != 0)) {
            fits = 0;
        }
    }
    for (batch = 0; batch < output_dims->n; ++batch) {
        td_word *const planes = fits ? (td_word *)ctx->buf : NULL;
        td_word *const block = fits ? planes + 4 * plane_words : NULL;
        const int8_t *const batch_input = input + batch * input_dims->h * input_dims->w * input_dims->c;
        int8_t *const batch_output = output + batch * out_h * out_w * out_c;
        if (!fits) {
            td_wide_reference(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, batch, 0,
                              out_c);
            continue;
        }
        {
            const uint32_t pad = td_pack16(-params->input_offset, -params->input_offset);
            td_word *word;
            for (word = planes; word != planes + 4 * plane_words; ++word) {
                *word = pad;
            }
        }
        for (channel = 0; channel < blocked; channel += 4) {
            int32_t lane, m;
            td_wide_widen(batch_input, input_dims, channel, params->padding.h, params->padding.w, plane_rows, pairs,
                          -params->input_offset, planes);
            for (lane = 0; lane < 4; ++lane) {
                const td_word *const plane = planes + lane * plane_words;
                for (m = 0; m < multiplier; ++m) {
                    const int32_t o = (channel + lane) * multiplier + m;
                    int8_t *const out = batch_output + o;
                    int32_t out_y, out_x;
                    if (!td_wide_prepare(params, quant, filter_dims, filter, bias, o, loop, block)) {
                        td_wide_reference(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                                          batch, o, o + 1);
                        continue;
                    }
#if TD_DSP_ASM
                    if (steps > 0) {
                        const int full = params->activation.min == -128 && params->activation.max == 127;
                        td_wide_job job;
                        job.in = plane;
                        job.block = block;
                        job.cursor = out;
                        job.out_c = out_c;
                        job.rows = out_h;
                        job.in_step = stride_h * TD_WIDE_ROW_BYTES;
                        job.out_step = out_w * out_c;
                        job.span = steps * 8;
                        job.low = params->activation.min;
                        job.high = params->activation.max;
                        job.out = out;
                        job.end = 0;
                        if (loop == TD_WIDE_5X5_S1) {
                            (full ? td_wide_5x5_s1_full : td_wide_5x5_s1_clamp)(&job);
                        } else if (loop == TD_WIDE_5X5_S2) {
                            (full ? td_wide_5x5_s2_full : td_wide_5x5_s2_clamp)(&job);
                        } else {
                            (full ? td_wide_3x3_s1_full : td_wide_3x3_s1_clamp)(&job);
                        }
                    }
#endif
                    for (out_y = 0; out_y < out_h; ++out_y) {
                        for (out_x = steps * step; out_x < out_w; ++out_x) {
                            out[(out_y * out_w + out_x) * out_c] =
                                td_wide_output(params, filter_dims, filter, o, plane, block, out_y, out_x);
                        }
                    }
                }
            }
        }
        if (blocked * multiplier < out_c) {
            td_wide_reference(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, batch,
                              blocked * multiplier, out_c);
        }
    }
    return TD_OK;
}

#else /* no DSP extension: the portable loop */

td_status td_depthwise_conv2d_s8_wide(const td_context *ctx,
                                      const td_depthwise_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output)
{
    int32_t batch;
    (void)ctx;
    for (batch = 0; batch < output_dims->n; ++batch) {
        td_wide_reference(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, batch, 0,
                          output_dims->c);
    }
    return TD_OK;
}

#endif
