/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP variant for windows one row wide (K_h == 1) or one column wide (K_w == 1) of
 * up to 8 taps, and two rows or two columns wide of up to 4 (the generator's choice,
 * src/core/common/codegen/ops/depthwise-widened.ts: depthwiseWidened): the same bits as
 * td_depthwise_conv2d_s8. What it does not take runs the portable per-channel loop (td_depthwise_pixels_s8), so that
 * a model whose depthwise layers all come here does not link td_depthwise_conv2d_s8.
 *
 * Widened channel planes. A window one line wide reads one input line per output line: a row of the image (K_h ==
 * 1), or a column (K_w == 1, the plane then transposed, so that vertical taps become horizontal pairs). Per input
 * channel its plane — per output line the input line it reads, input offset added, padding at 0 (what the
 * reference's skipped taps contribute), an odd last tap against a zero value — is widened once into int16 values
 * (td_widened_fill), then each of the channel's M output channels runs every output of the plane with its doubled
 * tap pairs and requantization in registers (td_widened_run): per output and pair of taps one (halfword-aligned)
 * LDR and one SMLAD, the bias as the first SMLAD's accumulator, then the fast requantization (ADD, SMMLAR, ASR,
 * SSAT: td_requant_fast on the doubled sum, the output offset folded into the rounding), one STRB. At strides 1 and 2
 * along the line an assembly loop (TD_WIDENED_ASM) takes four outputs a pass, their tap pairs at immediate offsets,
 * and clamps them together when the activation is not the whole int8 range (BFI three times, SSUB8/SEL twice for the
 * four: about 10.75 instructions an output for one pair of taps with a clamp, 12.5 in the C loop of two a pass, which
 * other strides and the runs across the lines keep). The
 * widening (LDRB twice, ORR, SXTAB16 with the offset and STR per two values) is paid once per input channel and
 * shared by its M output channels; the set-up of an output channel (its taps, its requantization) once per band of
 * lines. Output lines less than half as long as the band has lines run across the lines instead (the same runs with
 * the two steps swapped: fewer, longer runs). A window of two lines (2xK, or Kx2 transposed; no dilation across them)
 * reads two neighbouring lines of the plane, which then holds every input line of the band (and the padding's):
 * one or two pairs along each line, the second line one register offset away (td_widened_sum's codes 5 and 6).
 *
 * Needs the output apart from the input and dilation 1 along the line; a channel outside the fast folded
 * requantization runs the portable loop alone. Lines that do not fit the scratch at once go in bands.
 *
 * Scratch (td_depthwise_conv2d_s8_widened_get_buffer_size): a band of lines of the plane, each of at most L + 2 P
 * int16 values (L the input line's length, P = ceil(K / 2) pairs), as many lines as the input has (one more for a
 * window of two lines) or as fit in TD_WIDENED_MAX_BYTES (at least one).
 */
#include "../../conv/td_depthwise_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** The most bytes of scratch the planes ask for (more lines than fit go in bands). */
#define TD_WIDENED_MAX_BYTES 6144
/** The most pairs of taps along the line (a window of up to 8 taps). */
#define TD_WIDENED_MAX_PAIRS 4

/** Whether the window runs down the columns (K_w == 1 < K_h, or K_w == 2 < K_h) rather than along the rows. */
TD_INLINE int td_widened_down(const td_dims *filter_dims)
{
    return (filter_dims->w == 1 && filter_dims->h > 1) || (filter_dims->w == 2 && filter_dims->h > 2);
}

/** Bytes of one widened line at most: the input line's values and room for the pairs of taps past its end. */
TD_INLINE int32_t td_widened_line_bound(const td_dims *input_dims, const td_dims *filter_dims)
{
    const int down = td_widened_down(filter_dims);
    const int32_t along = down ? filter_dims->h : filter_dims->w;
    return 2 * ((down ? input_dims->h : input_dims->w) + 2 * ((along + 1) >> 1));
}

int32_t td_depthwise_conv2d_s8_widened_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    const int32_t line = td_widened_line_bound(input_dims, filter_dims);
    const int down = td_widened_down(filter_dims);
    /* Two lines a window: the input lines of a band and one of padding. */
    const int32_t lines_in = (down ? input_dims->w : input_dims->h) + ((down ? filter_dims->w : filter_dims->h) == 2);
    const int32_t lines = td_max_i32(td_min_i32(lines_in, TD_WIDENED_MAX_BYTES / line), 1);
    return (lines * line + 3) & ~3;
}

/** One output channel over a band of widened lines (what td_widened_run reads). */
typedef struct {
    const uint8_t *plane; /* the band's first line */
    int8_t *out;          /* the band's first output of the channel */
    int32_t lines;        /* lines in the band */
    int32_t length;       /* outputs along a line */
    int32_t step;         /* bytes between two neighbouring outputs' first values (2 * stride) */
    int32_t line_bytes;   /* bytes between the first values of two neighbouring output lines */
    int32_t row_bytes;    /* two lines a window: bytes between its lines in the plane */
    int32_t out_step;     /* bytes between two neighbouring outputs along a line */
    int32_t out_line_step;
    uint32_t taps[TD_WIDENED_MAX_PAIRS]; /* doubled tap pairs (an odd last tap with 0; those past the window unread) */
    int32_t bias;                        /* doubled */
    int32_t multiplier;
    int32_t right_shift;
    int32_t rounding; /* the output offset folded in */
    uint32_t low;     /* activation.min in each byte */
    uint32_t high;    /* activation.max in each byte */
    int clamp;        /* 0 when the activation is the whole int8 range */
} td_widened_job;

/** The activation's clamp of a saturated output (its low byte; SSUB8/SEL twice on the target). */
TD_INLINE int32_t td_widened_clamp(int32_t value, uint32_t low, uint32_t high)
{
#if TD_DSP_ASM
    uint32_t result = (uint32_t)value, scratch;
    __asm__("ssub8   %1, %0, %2\n\t"
            "sel     %0, %0, %2\n\t"
            "ssub8   %1, %3, %0\n\t"
            "sel     %0, %0, %3"
            : "+r"(result), "=&r"(scratch)
            : "r"(low), "r"(high)
            : "cc");
    return (int32_t)result;
#else
    return td_clamp_i32(value, (int8_t)(uint8_t)low, (int8_t)(uint8_t)high);
#endif
}

/** Two saturated outputs clamped to the activation, the first in byte 0 and the second in byte 1 (BFI, SSUB8/SEL twice). */
TD_INLINE uint32_t td_widened_clamp2(int32_t first, int32_t second, uint32_t low, uint32_t high)
{
#if TD_DSP_ASM
    uint32_t result = (uint32_t)first, scratch;
    __asm__("bfi     %0, %4, #8, #8\n\t"
            "ssub8   %1, %0, %2\n\t"
            "sel     %0, %0, %2\n\t"
            "ssub8   %1, %3, %0\n\t"
            "sel     %0, %0, %3"
            : "+&r"(result), "=&r"(scratch)
            : "r"(low), "r"(high), "r"(second)
            : "cc");
    return result;
#else
    return (uint32_t)(uint8_t)td_widened_clamp(first, low, high) |
           (uint32_t)(uint8_t)td_widened_clamp(second, low, high) << 8;
#endif
}

/**
 * The doubled sum of one output from its first value `in`: `pairs` (1 to 4) pairs of taps along one line, or (5, 6)
 * one or two pairs along each of two lines `row` bytes apart (taps t0 and t1, or t0 t1 and t2 t3).
 */
__attribute__((always_inline)) static inline int32_t td_widened_sum(const uint8_t *in,
                                                                    const int32_t pairs,
                                                                    const int32_t row,
                                                                    uint32_t t0,
                                                                    uint32_t t1,
                                                                    uint32_t t2,
                                                                    uint32_t t3,
                                                                    int32_t bias)
{
    int32_t acc = td_smlad(td_read_u32(in), t0, bias);
    if (pairs == 5) {
        return td_smlad(td_read_u32(in + row), t1, acc);
    }
    if (pairs == 6) {
        acc = td_smlad(td_read_u32(in + 4), t1, acc);
        acc = td_smlad(td_read_u32(in + row), t2, acc);
        return td_smlad(td_read_u32(in + row + 4), t3, acc);
    }
    if (pairs > 1) {
        acc = td_smlad(td_read_u32(in + 4), t1, acc);
    }
    if (pairs > 2) {
        acc = td_smlad(td_read_u32(in + 8), t2, acc);
    }
    if (pairs > 3) {
        acc = td_smlad(td_read_u32(in + 12), t3, acc);
    }
    return acc;
}

/** Every output of a band for one channel; `step` and `pairs` constants where the callers below give them. */
__attribute__((always_inline)) static inline void td_widened_lines(const td_widened_job *job,
                                                                   const int32_t step,
                                                                   const int32_t pairs,
                                                                   const int clamp)
{
    const uint32_t t0 = job->taps[0], t1 = job->taps[1], t2 = job->taps[2], t3 = job->taps[3];
    const int32_t bias = job->bias, multiplier = job->multiplier, right_shift = job->right_shift;
    const int32_t rounding = job->rounding, out_step = job->out_step, row = job->row_bytes;
    const uint32_t low = job->low, high = job->high;
    const int32_t pairs_of_outputs = job->length >> 1;
    const uint8_t *line = job->plane;
    int8_t *out_line = job->out;
    int32_t remaining = job->lines;
    do {
        const uint8_t *in = line;
        int8_t *out = out_line;
        int32_t left = pairs_of_outputs;
        while (left != 0) {
            const int32_t acc0 = td_widened_sum(in, pairs, row, t0, t1, t2, t3, bias);
            const int32_t acc1 = td_widened_sum(in + step, pairs, row, t0, t1, t2, t3, bias);
            const int32_t value0 = td_ssat8(td_smmlar(acc0, multiplier, rounding + (acc0 >> 31)) >> right_shift);
            const int32_t value1 = td_ssat8(td_smmlar(acc1, multiplier, rounding + (acc1 >> 31)) >> right_shift);
            in += 2 * step;
            if (clamp) {
                const uint32_t both = td_widened_clamp2(value0, value1, low, high);
                out[0] = (int8_t)both;
                out[out_step] = (int8_t)(both >> 8);
            } else {
                out[0] = (int8_t)value0;
                out[out_step] = (int8_t)value1;
            }
            out += 2 * out_step;
            --left;
        }
        if ((job->length & 1) != 0) {
            const int32_t acc = td_widened_sum(in, pairs, row, t0, t1, t2, t3, bias);
            int32_t value = td_ssat8(td_smmlar(acc, multiplier, rounding + (acc >> 31)) >> right_shift);
            if (clamp) {
                value = td_widened_clamp(value, low, high);
            }
            *out = (int8_t)value;
        }
        line += job->line_bytes;
        out_line += job->out_line_step;
    } while (--remaining != 0);
}

#if TD_DSP_ASM
/*
 * td_widened_lines at a stride of 1 or 2 in assembly: four outputs a pass, each its tap pairs (one LDR and one SMLAD a
 * pair at immediate offsets), the fast requantization (ADD, SMMLAR, ASR) and SSAT; with a clamp the four bytes packed
 * by BFI and clamped together (SSUB8/SEL twice for four outputs), then stored by four STRB; without, each byte stored as
 * it comes. A line's last one to three outputs one at a time. Registers: r0 in, r1 out, r2 the pass count, r3 the
 * packed word, r4/r5 scratch, r6 bias, r7 multiplier, r8 rounding, r9 right shift, r10-lr the tap pairs; the output
 * step, the clamp's bounds, the second line's pointer (two lines a window) in the tap registers a code leaves free, or
 * on the stack where none is (the frame below: first input and output, lines left, passes, rest, the line steps less
 * a line's outputs, output step, bounds, count, row bytes).
 */
#define TD_WIDENED_ASM_BODY                                                                                        \
    "push    {r4-r11, lr}\n\t"                                                                                     \
    "sub     sp, sp, #48\n\t"                                                                                      \
    "w_in .req r0\n\tw_out .req r1\n\tw_word .req r3\n\tw_acc .req r4\n\tw_tmp .req r5\n\t"                        \
    "w_bias .req r6\n\tw_mult .req r7\n\tw_round .req r8\n\tw_shift .req r9\n\t"                                   \
    "w_t0 .req r10\n\tw_t1 .req r11\n\tw_t2 .req r12\n\tw_t3 .req lr\n\t"                                          \
    ".set STEP_MEM, 0\n\t.set LOW_MEM, 0\n\t.set HIGH_MEM, 0\n\t.set COUNT_MEM, 0\n\t.set IN2, 0\n\t"              \
    ".if CODE == 1\n\tw_step .req r11\n\t.if CLAMP\n\tw_low .req r12\n\tw_high .req lr\n\t.endif\n\t.endif\n\t"    \
    ".if CODE == 2\n\tw_step .req r12\n\t.if CLAMP\n\tw_low .req lr\n\t.set HIGH_MEM, 1\n\t.endif\n\t.endif\n\t"   \
    ".if CODE == 3\n\tw_step .req lr\n\t.set LOW_MEM, CLAMP\n\t.set HIGH_MEM, CLAMP\n\t.endif\n\t"                 \
    ".if CODE == 4\n\t.if CLAMP\n\t.set STEP_MEM, 1\n\t.set LOW_MEM, 1\n\t.set HIGH_MEM, 1\n\t.else\n\t"           \
    "w_step .req r3\n\t.endif\n\t.endif\n\t"                                                                       \
    ".if CODE == 5\n\t.set IN2, 1\n\tw_in2 .req r12\n\tw_step .req lr\n\t.set LOW_MEM, CLAMP\n\t"                  \
    ".set HIGH_MEM, CLAMP\n\t.endif\n\t"                                                                           \
    ".if CODE == 6\n\t.set IN2, 1\n\t.set COUNT_MEM, 1\n\t.if CLAMP\n\tw_in2 .req r2\n\t.set STEP_MEM, 1\n\t"      \
    ".set LOW_MEM, 1\n\t.set HIGH_MEM, 1\n\t.else\n\tw_in2 .req r3\n\tw_step .req r2\n\t.endif\n\t.endif\n\t"      \
    ".if COUNT_MEM == 0\n\tw_count .req r2\n\t.endif\n\t"                                                          \
    /* output k of the pass: its doubled sum, requantized and saturated into dst */                                                         \
    ".macro w_sum k, dst=w_acc\n\t"                                                                                           \
    "ldr     w_acc, [w_in, #(\\k*S)]\n\t"                                                                          \
    "smlad   w_acc, w_acc, w_t0, w_bias\n\t"                                                                       \
    ".if CODE == 2 || CODE == 3 || CODE == 4 || CODE == 6\n\t"                                                     \
    "ldr     w_tmp, [w_in, #(\\k*S+4)]\n\tsmlad   w_acc, w_tmp, w_t1, w_acc\n\t.endif\n\t"                          \
    ".if CODE == 3 || CODE == 4\n\t"                                                                               \
    "ldr     w_tmp, [w_in, #(\\k*S+8)]\n\tsmlad   w_acc, w_tmp, w_t2, w_acc\n\t.endif\n\t"                          \
    ".if CODE == 4\n\t"                                                                                            \
    "ldr     w_tmp, [w_in, #(\\k*S+12)]\n\tsmlad   w_acc, w_tmp, w_t3, w_acc\n\t.endif\n\t"                         \
    ".if CODE == 5\n\t"                                                                                            \
    "ldr     w_tmp, [w_in2, #(\\k*S)]\n\tsmlad   w_acc, w_tmp, w_t1, w_acc\n\t.endif\n\t"                           \
    ".if CODE == 6\n\t"                                                                                            \
    "ldr     w_tmp, [w_in2, #(\\k*S)]\n\tsmlad   w_acc, w_tmp, w_t2, w_acc\n\t"                                     \
    "ldr     w_tmp, [w_in2, #(\\k*S+4)]\n\tsmlad   w_acc, w_tmp, w_t3, w_acc\n\t.endif\n\t"                         \
    "add     w_tmp, w_round, w_acc, asr #31\n\t"                                                                   \
    "smmlar  w_acc, w_acc, w_mult, w_tmp\n\t"                                                                      \
    "asr     w_acc, w_acc, w_shift\n\t"                                                                            \
    "ssat    \\dst, #8, w_acc\n\t"                                                                                \
    ".endm\n\t"                                                                                                    \
    /* the pass count down (flags set) */                                                                          \
    ".macro w_down\n\t"                                                                                            \
    ".if COUNT_MEM\n\tldr     w_tmp, [sp, #40]\n\tsubs    w_tmp, w_tmp, #1\n\tstr     w_tmp, [sp, #40]\n\t"         \
    ".else\n\tsubs    w_count, w_count, #1\n\t.endif\n\t"                                                          \
    ".endm\n\t"                                                                                                    \
    /* the activation's clamp of the bytes of reg (bounds from the stack through spare) */                         \
    ".macro w_clamp reg, spare\n\t"                                                                                \
    ".if LOW_MEM\n\tldr     \\spare, [sp, #32]\n\tssub8   w_tmp, \\reg, \\spare\n\tsel     \\reg, \\reg, \\spare\n\t" \
    ".else\n\tssub8   w_tmp, \\reg, w_low\n\tsel     \\reg, \\reg, w_low\n\t.endif\n\t"                              \
    ".if HIGH_MEM\n\tldr     \\spare, [sp, #36]\n\tssub8   w_tmp, \\spare, \\reg\n\tsel     \\reg, \\reg, \\spare\n\t" \
    ".else\n\tssub8   w_tmp, w_high, \\reg\n\tsel     \\reg, \\reg, w_high\n\t.endif\n\t"                            \
    ".endm\n\t"                                                                                                    \
    /* the set-up: the job's values into the frame and the registers */                                            \
    "ldrd    r1, r2, [r0, #0]\n\tstrd    r1, r2, [sp, #0]\n\t"                                                     \
    "ldrd    r1, r2, [r0, #8]\n\tstr     r1, [sp, #8]\n\t"                                                         \
    "lsr     r3, r2, #2\n\tand     r4, r2, #3\n\tstrd    r3, r4, [sp, #12]\n\t"                                    \
    /* the line steps less a line's outputs (where in and out stand after them) */                                 \
    "ldrd    r3, r4, [r0, #20]\n\tsub     r3, r3, r2, lsl #(S / 2)\n\tstr     r3, [sp, #20]\n\t"                  \
    "str     r4, [sp, #44]\n\t"                                                                                  \
    "ldrd    r3, r4, [r0, #28]\n\tstr     r3, [sp, #28]\n\tmls     r4, r2, r3, r4\n\tstr     r4, [sp, #24]\n\t"    \
    "ldrd    r1, r2, [r0, #68]\n\tstrd    r1, r2, [sp, #32]\n\t"                                                   \
    "ldrd    w_t0, w_t1, [r0, #36]\n\tldrd    w_t2, w_t3, [r0, #44]\n\t"                                           \
    "ldrd    w_bias, w_mult, [r0, #52]\n\tldrd    w_shift, w_round, [r0, #60]\n\t"                                 \
    ".if STEP_MEM == 0\n\tldr     w_step, [sp, #28]\n\t.endif\n\t"                                                 \
    ".if CLAMP && LOW_MEM == 0\n\tldr     w_low, [sp, #32]\n\t.endif\n\t"                                          \
    ".if CLAMP && HIGH_MEM == 0\n\tldr     w_high, [sp, #36]\n\t.endif\n\t"                                        \
    "ldrd    w_in, w_out, [sp, #0]\n\t"                                                                            \
    /* per line */                                                                                                 \
    "1:\n\t"                                                                                                       \
    ".if IN2\n\tldr     w_tmp, [sp, #44]\n\tadd     w_in2, w_in, w_tmp\n\t.endif\n\t"                              \
    ".if COUNT_MEM\n\tldr     w_tmp, [sp, #12]\n\tstr     w_tmp, [sp, #40]\n\tcmp     w_tmp, #0\n\t"               \
    ".else\n\tldr     w_count, [sp, #12]\n\tcmp     w_count, #0\n\t.endif\n\t"                                     \
    "beq     3f\n\t"                                                                                               \
    /* four outputs a pass */                                                                                      \
    "2:\n\t"                                                                                                       \
    ".if CLAMP\n\t"                                                                                                \
    "w_sum 0, w_word\n\t"                                                                         \
    "w_sum 1\n\tbfi     w_word, w_acc, #8, #8\n\t"                                                                 \
    "w_sum 2\n\tbfi     w_word, w_acc, #16, #8\n\t"                                                                \
    "w_sum 3\n\tbfi     w_word, w_acc, #24, #8\n\t"                                                                \
    "w_clamp w_word, w_acc\n\t"                                                                                    \
    ".if STEP_MEM\n\tldr     w_acc, [sp, #28]\n\tw_put .req w_acc\n\t.else\n\tw_put .req w_step\n\t.endif\n\t"      \
    "strb    w_word, [w_out]\n\t"                                                                                  \
    "lsr     w_tmp, w_word, #8\n\tstrb    w_tmp, [w_out, w_put]\n\t"                                               \
    "lsr     w_tmp, w_word, #16\n\tstrb    w_tmp, [w_out, w_put, lsl #1]\n\t"                                      \
    "lsr     w_tmp, w_word, #24\n\tadd     w_out, w_out, w_put, lsl #1\n\t"                                        \
    "strb    w_tmp, [w_out, w_put]\n\tadd     w_out, w_out, w_put, lsl #1\n\t"                                     \
    ".unreq w_put\n\t"                                                                                             \
    ".else\n\t"                                                                                                    \
    "w_sum 0\n\tstrb    w_acc, [w_out]\n\t"                                                                        \
    "w_sum 1\n\tstrb    w_acc, [w_out, w_step]\n\t"                                                                \
    "w_sum 2\n\tstrb    w_acc, [w_out, w_step, lsl #1]\n\t"                                                        \
    "w_sum 3\n\tadd     w_out, w_out, w_step, lsl #1\n\t"                                                          \
    "strb    w_acc, [w_out, w_step]\n\tadd     w_out, w_out, w_step, lsl #1\n\t"                                   \
    ".endif\n\t"                                                                                                   \
    "add     w_in, w_in, #(4*S)\n\t"                                                                               \
    ".if IN2\n\tadd     w_in2, w_in2, #(4*S)\n\t.endif\n\t"                                                        \
    "w_down\n\t"                                                                                                   \
    "bne     2b\n\t"                                                                                               \
    /* the line's last one to three outputs */                                                                     \
    "3:\n\t"                                                                                                       \
    "ldr     w_tmp, [sp, #16]\n\tcmp     w_tmp, #0\n\tbeq     5f\n\t"                                              \
    ".if COUNT_MEM\n\tstr     w_tmp, [sp, #40]\n\t.else\n\tmov     w_count, w_tmp\n\t.endif\n\t"                   \
    "4:\n\t"                                                                                                       \
    "w_sum 0\n\t"                                                                                                  \
    ".if CLAMP\n\tw_clamp w_acc, w_word\n\t.endif\n\t"                                                             \
    "strb    w_acc, [w_out]\n\t"                                                                                   \
    "add     w_in, w_in, #S\n\t"                                                                                   \
    ".if IN2\n\tadd     w_in2, w_in2, #S\n\t.endif\n\t"                                                            \
    ".if STEP_MEM\n\tldr     w_tmp, [sp, #28]\n\tadd     w_out, w_out, w_tmp\n\t"                                  \
    ".else\n\tadd     w_out, w_out, w_step\n\t.endif\n\t"                                                          \
    "w_down\n\t"                                                                                                   \
    "bne     4b\n\t"                                                                                               \
    /* the next line */                                                                                            \
    "5:\n\t"                                                                                                       \
    "ldr     w_acc, [sp, #20]\n\tadd     w_in, w_in, w_acc\n\t"                                                    \
    "ldr     w_acc, [sp, #24]\n\tadd     w_out, w_out, w_acc\n\t"                                                  \
    "ldr     w_acc, [sp, #8]\n\tsubs    w_acc, w_acc, #1\n\tstr     w_acc, [sp, #8]\n\t"                           \
    "bne     1b\n\t"                                                                                               \
    "add     sp, sp, #48\n\t"                                                                                      \
    "pop     {r4-r11, pc}\n\t"                                                                                     \
    ".purgem w_sum\n\t.purgem w_down\n\t.purgem w_clamp\n\t"                                                       \
    ".unreq w_in\n\t.unreq w_out\n\t.unreq w_word\n\t.unreq w_acc\n\t.unreq w_tmp\n\t.unreq w_bias\n\t"            \
    ".unreq w_mult\n\t.unreq w_round\n\t.unreq w_shift\n\t.unreq w_t0\n\t.unreq w_t1\n\t.unreq w_t2\n\t"           \
    ".unreq w_t3\n\t"                                                                                              \
    ".if STEP_MEM == 0\n\t.unreq w_step\n\t.endif\n\t"                                                             \
    ".if CLAMP && LOW_MEM == 0\n\t.unreq w_low\n\t.endif\n\t"                                                      \
    ".if CLAMP && HIGH_MEM == 0\n\t.unreq w_high\n\t.endif\n\t"                                                    \
    ".if IN2\n\t.unreq w_in2\n\t.endif\n\t"                                                                        \
    ".if COUNT_MEM == 0\n\t.unreq w_count\n\t.endif\n\t"

/** td_widened_lines in assembly for code `pairs` (td_widened_sum's), a stride of `stride` (1 or 2), with or without the clamp. */
#define TD_WIDENED_ASM(stride, pairs, clamp)                                                                       \
    __attribute__((naked)) static void td_widened_asm_##stride##_##pairs##_##clamp(const td_widened_job *job __attribute__((unused)))            \
    {                                                                                                              \
        __asm__(".set CODE, " #pairs "\n\t.set S, 2 * " #stride "\n\t.set CLAMP, " #clamp "\n\t" TD_WIDENED_ASM_BODY); \
    }
#endif

/** td_widened_lines for `pairs` pairs at a stride of `stride` (0: any), the clamp chosen once. */
#define TD_WIDENED_RUN(stride, pairs)                                                                              \
    TD_NOINLINE static void td_widened_run_##stride##_##pairs(const td_widened_job *job)                           \
    {                                                                                                              \
        if (job->clamp) {                                                                                          \
            td_widened_lines(job, (stride) != 0 ? 2 * (stride) : job->step, pairs, 1);                             \
        } else {                                                                                                   \
            td_widened_lines(job, (stride) != 0 ? 2 * (stride) : job->step, pairs, 0);                             \
        }                                                                                                          \
    }
#if TD_DSP_ASM
/** The assembly's form of td_widened_lines for `pairs` pairs at a stride of `stride` (1 or 2), the clamp chosen once. */
#define TD_WIDENED_RUN_FIXED(stride, pairs)                                                                        \
    TD_WIDENED_ASM(stride, pairs, 0)                                                                               \
    TD_WIDENED_ASM(stride, pairs, 1)                                                                               \
    static void td_widened_run_##stride##_##pairs(const td_widened_job *job)                                       \
    {                                                                                                              \
        if (job->clamp) {                                                                                          \
            td_widened_asm_##stride##_##pairs##_1(job);                                                            \
        } else {                                                                                                   \
            td_widened_asm_##stride##_##pairs##_0(job);                                                            \
        }                                                                                                          \
    }
#else
#define TD_WIDENED_RUN_FIXED(stride, pairs) TD_WIDENED_RUN(stride, pairs)
#endif
TD_WIDENED_RUN_FIXED(1, 1)
TD_WIDENED_RUN_FIXED(1, 2)
TD_WIDENED_RUN_FIXED(1, 3)
TD_WIDENED_RUN_FIXED(1, 4)
TD_WIDENED_RUN_FIXED(2, 1)
TD_WIDENED_RUN_FIXED(2, 2)
TD_WIDENED_RUN_FIXED(2, 3)
TD_WIDENED_RUN_FIXED(2, 4)
TD_WIDENED_RUN(0, 1)
TD_WIDENED_RUN(0, 2)
TD_WIDENED_RUN(0, 3)
TD_WIDENED_RUN(0, 4)
TD_WIDENED_RUN_FIXED(1, 5)
TD_WIDENED_RUN_FIXED(1, 6)
TD_WIDENED_RUN_FIXED(2, 5)
TD_WIDENED_RUN_FIXED(2, 6)
TD_WIDENED_RUN(0, 5)
TD_WIDENED_RUN(0, 6)

typedef void (*td_widened_runner)(const td_widened_job *job);
/** [stride 1, 2, other][pairs - 1: one line of 1-4 pairs, then two lines of 1 or 2] */
static const td_widened_runner td_widened_runs[3][6] = {
    {td_widened_run_1_1, td_widened_run_1_2, td_widened_run_1_3, td_widened_run_1_4, td_widened_run_1_5,
     td_widened_run_1_6},
    {td_widened_run_2_1, td_widened_run_2_2, td_widened_run_2_3, td_widened_run_2_4, td_widened_run_2_5,
     td_widened_run_2_6},
    {td_widened_run_0_1, td_widened_run_0_2, td_widened_run_0_3, td_widened_run_0_4, td_widened_run_0_5,
     td_widened_run_0_6},
};

/**
 * Input values `from_step` apart widened (offset added) into `count` consecutive int16 values from `to`: an odd first
 * position alone, then two values a word (LDRB twice, ORR, SXTAB16 with the offset in both lanes, STR).
 */
TD_NOINLINE static void td_widened_fill(int16_t *to, const int8_t *from, int32_t from_step, int32_t count, int32_t offset)
{
    const uint32_t offsets = td_pack16(offset, offset);
    int32_t words;
    if (count > 0 && ((uintptr_t)to & 2) != 0) {
        *to++ = (int16_t)(*from + offset);
        from += from_step;
        --count;
    }
    for (words = count >> 1; words != 0; --words) {
        /* Bytes 0 and 2 sign-extended with the offset added in one SXTAB16. */
        const uint32_t bytes = (uint32_t)(uint8_t)from[0] | (uint32_t)(uint8_t)from[from_step] << 16;
        const uint32_t word = td_sxtab16(offsets, bytes);
        memcpy(to, &word, sizeof(word));
        to += 2;
        from += 2 * from_step;
    }
    if ((count & 1) != 0) {
        *to = (int16_t)(*from + offset);
    }
}

/** The layer through widened planes (see the top); 0, having written nothing, when it cannot take it. */
static int td_widened(const td_context *ctx,
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
    const int down = td_widened_down(filter_dims);
    const int32_t in_c = input_dims->c, out_c = output_dims->c, multiplier = params->depth_multiplier;
    /* a: across the lines (rows, or columns going down); b: along a line. */
    const int32_t along = down ? filter_dims->h : filter_dims->w, pairs = (along + 1) >> 1;
    const int32_t window_lines = down ? filter_dims->w : filter_dims->h;
    const int32_t dilation_a = down ? params->dilation.w : params->dilation.h;
    const int32_t stride_a = down ? params->stride.w : params->stride.h;
    const int32_t stride_b = down ? params->stride.h : params->stride.w;
    const int32_t dilation_b = down ? params->dilation.h : params->dilation.w;
    const int32_t pad_a = down ? params->padding.w : params->padding.h;
    const int32_t pad_b = down ? params->padding.h : params->padding.w;
    const int32_t lines_in = down ? input_dims->w : input_dims->h, length_in = down ? input_dims->h : input_dims->w;
    const int32_t lines_out = down ? output_dims->w : output_dims->h, length_out = down ? output_dims->h : output_dims->w;
    const int32_t in_line_step = down ? in_c : input_dims->w * in_c, in_value_step = down ? input_dims->w * in_c : in_c;
    const int32_t out_line_step = down ? out_c : output_dims->w * out_c;
    const int32_t out_pixel_step = down ? output_dims->w * out_c : out_c;
    /* A line's values: every output's taps, and the value after an odd last tap (read against a zero tap); an even
     * count, so that every line starts on a word. */
    const int32_t length = ((length_out - 1) * stride_b + 2 * pairs + 1) & ~1;
    const int32_t first = td_min_i32(pad_b, length);
    const int32_t count = td_max_i32(td_min_i32(length_in + pad_b, length) - first, 0);
    /* Plane lines the scratch holds; one window line: one a band's output line, two: the band's input lines. */
    const int32_t slots = ctx != NULL && ctx->buf != NULL ? ctx->size / (2 * length) : 0;
    const int32_t band_lines =
        td_min_i32(window_lines == 1 ? slots : slots < 2 ? 0 : (slots - 2) / stride_a + 1, lines_out);
    const uintptr_t input_start = (uintptr_t)input, output_start = (uintptr_t)output;
    const int32_t code = window_lines == 1 ? pairs : 4 + pairs;
    int16_t *const plane = ctx != NULL ? (int16_t *)ctx->buf : NULL;
    td_widened_job job;
    int32_t batch, c, value, band;

    if (!(window_lines == 1 ? pairs <= TD_WIDENED_MAX_PAIRS : window_lines == 2 && pairs <= 2 && dilation_a == 1) ||
        dilation_b != 1 ||
        band_lines < 1 || lines_out < 1 || length_out < 1 || filter_dims->c != out_c ||
        !(output_start >= input_start + (uintptr_t)td_dims_count(input_dims) ||
          input_start >= output_start + (uintptr_t)td_dims_count(output_dims))) {
        return 0;
    }
    job.taps[0] = job.taps[1] = job.taps[2] = job.taps[3] = 0;
    job.low = (uint32_t)(uint8_t)params->activation.min * 0x01010101u;
    job.high = (uint32_t)(uint8_t)params->activation.max * 0x01010101u;
    job.clamp = params->activation.min != -128 || params->activation.max != 127;
    /* Positions outside the image (and lines outside it) stay 0. */
    for (value = 0; value < (window_lines == 1 ? band_lines : (band_lines - 1) * stride_a + 2) * length; ++value) {
        plane[value] = 0;
    }
    for (batch = 0; batch < output_dims->n; ++batch) {
        const int8_t *const image = input + batch * input_dims->h * input_dims->w * in_c;
        int8_t *const image_out = output + batch * output_dims->h * output_dims->w * out_c;
        for (band = 0; band < lines_out; band += band_lines) {
            const int32_t lines = td_min_i32(band_lines, lines_out - band);
            const int across = 2 * length_out <= lines;
            /* Plane lines: one window line, an output line each; two, the input lines from the band's first. */
            const int32_t filled = window_lines == 1 ? lines : (lines - 1) * stride_a + 2;
            const int32_t line_step = 2 * length * (window_lines == 1 ? 1 : stride_a);
            const td_widened_runner run =
                td_widened_runs[across ? 2 : stride_b == 1 ? 0 : stride_b == 2 ? 1 : 2][code - 1];
            /* Along the lines, or across them (the same runs with the two steps swapped). */
            job.step = across ? line_step : 2 * stride_b;
            job.line_bytes = across ? 2 * stride_b : line_step;
            job.row_bytes = 2 * length;
            job.lines = across ? length_out : lines;
            job.length = across ? lines : length_out;
            job.out_step = across ? out_line_step : out_pixel_step;
            job.out_line_step = across ? out_pixel_step : out_line_step;
            for (c = 0; c < in_c; ++c) {
                int32_t line, m;
                for (line = 0; line < filled; ++line) {
                    const int32_t a =
                        window_lines == 1 ? (band + line) * stride_a - pad_a : band * stride_a - pad_a + line;
                    if (a >= 0 && a < lines_in) {
                        td_widened_fill(plane + line * length + first,
                                        image + a * in_line_step + (first - pad_b) * in_value_step + c,
                                        in_value_step, count, params->input_offset);
                    } else if (band_lines < lines_out) {
                        /* A slot another band's line filled. */
                        for (value = 0; value < count; ++value) {
                            plane[line * length + first + value] = 0;
                        }
                    }
                }
                for (m = 0; m < multiplier; ++m) {
                    const int32_t o = c * multiplier + m;
                    const td_channel_requant requant =
                        td_channel_requant_folded_of(bias != NULL ? bias[o] : 0, quant->multiplier[o], quant->shift[o],
                                                     params->output_offset, window_lines * along);
                    int32_t r, j;
                    if (requant.right_shift == 0) {
                        /* Outside the fast requantization: this channel through the portable loop (once). */
                        if (band == 0) {
                            td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias,
                                                   output_dims, output, batch, batch + 1, o, o + 1);
                        }
                        continue;
                    }
                    for (r = 0; r < window_lines; ++r) {
                        /* Tap k of window line r: filter [1, K_h, K_w, C] at (k, r) going down, (r, k) along rows. */
                        const int8_t *const taps = filter + (down ? r : r * filter_dims->w) * out_c + o;
                        const int32_t tap_step = (down ? filter_dims->w : 1) * out_c;
                        for (j = 0; j < pairs; ++j) {
                            const int32_t w1 = 2 * j + 1 < along ? taps[(2 * j + 1) * tap_step] : 0;
                            job.taps[r * pairs + j] = td_pack16(2 * taps[2 * j * tap_step], 2 * w1);
                        }
                    }
                    job.bias = (int32_t)((uint32_t)requant.bias << 1); /* doubled, as the taps */
                    job.multiplier = requant.multiplier;
                    job.right_shift = requant.right_shift;
                    job.rounding = requant.rounding;
                    job.plane = (const uint8_t *)plane;
                    job.out = image_out + band * out_line_step + o;
                    run(&job);
                }
            }
        }
    }
    return 1;
}

td_status td_depthwise_conv2d_s8_widened(const td_context *ctx,
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
    if (!td_widened(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output)) {
        td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                               output_dims->n, 0, output_dims->c);
    }
    return TD_OK;
}

#else /* no DSP extension: the portable entry */

#include "../../conv/td_depthwise_conv2d_s8_widened.c"

#endif
