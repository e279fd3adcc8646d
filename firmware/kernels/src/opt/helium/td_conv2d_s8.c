/*
 * CONV_2D, int8, Helium (MVE) variant for the Cortex-M55: the same bits as TFLite's
 * reference_integer_ops::ConvPerChannel (src/conv/td_conv2d_s8.c).
 *
 * sum((x + input_offset) * w) = sum(x * w) + input_offset * sum(w): the second term and the
 * bias are folded once per call into one start value per output channel (scratch), so the inner
 * loop is a plain int8 dot product, sixteen MACs per VMLADAVA.S8, each sixteen input bytes loaded
 * once for four output channels. A receptive field inside the input with no dilation is read
 * where it lies (one run of K_w * C_in bytes per kernel row); one that crosses the padding, a
 * dilated or a grouped one is first gathered into a column whose padded taps hold the input zero
 * point (x + input_offset = 0 there, so the folded sum stays right). Four channels are
 * requantized at once: where every channel's right shift is 1 to 21 and its accumulator under
 * 2^30 in magnitude (td_conv_mve_fast_channel), in the fast form td_dsp.h derives from TFLite's
 * double rounding, (VQRDMULH(acc, m) + rounding + (acc >> 31)) >> right with the output offset
 * in the rounding, the blocks of four channels in assembly (td_conv_mve_blocks); otherwise in
 * the exact form (td_mve.h's steps).
 *
 * Receptive fields under 16 bytes (1x1 layers over fewer than 16 channels) leave too few MACs per
 * output for the vector loop to pay for its set-up, and run the DSP kernel, included here under
 * another name: bench/helium measured it faster on those and slower on all the others (one
 * input channel through a 10x4 window: 449,781 instructions against 333,156).
 */
#include "td_mve.h"

#define td_conv2d_s8 td_conv2d_s8_dsp
#define td_conv2d_s8_get_buffer_size td_conv2d_s8_dsp_get_buffer_size
#include "../cortex-m/td_conv2d_s8.c"
#undef td_conv2d_s8
#undef td_conv2d_s8_get_buffer_size

/** Whether the Helium loop runs this convolution (else the DSP kernel does). */
TD_INLINE int td_conv_mve_pays(const td_dims *filter_dims)
{
    return filter_dims->h * filter_dims->w * filter_dims->c >= 16;
}

/**
 * What the Helium loop prepares once per call (scratch, td_conv_mve_buffer_size): per output channel four words,
 * in the order td_conv_mve_channels visits the channels (per group its blocks of four, then the channels past
 * the last four), so that a block's words are one walk of a pointer. A block of four: their folded start values
 * (bias + input_offset * the sum of their weights), then three vectors of their requantization: on the fast
 * form the multipliers, the roundings (the output offset folded in) and the negated right shifts; on the exact
 * form the multipliers, the left shifts and the negated right shifts. A channel past the last four: its folded
 * start value, then three unused words. Then one column of the receptive field.
 */
typedef struct {
    /** The first block of the first group; each group takes 4 * per_group words. */
    int32_t *words;
    /** Every channel's requantization in the fast form (td_conv_mve_fast_channel). */
    int fast;
    int32_t output_offset;
    int32_t min;
    int32_t max;
} td_conv_mve_table;

/**
 * Whether a channel's requantization takes the fast form td_dsp.h derives (with |acc| < 2^30 and 1 <= right
 * shift <= 21, TFLite's MultiplyByQuantizedMultiplier plus the output offset is (VQRDMULH(acc, m) + rounding +
 * (acc >> 31)) >> right, rounding = 2^(right - 1) + offset * 2^right): its accumulator is the bias plus `length`
 * products of an int8 weight and an input plus its offset (each at most TD_PRODUCT_MAX_ABS).
 */
TD_INLINE int td_conv_mve_fast_channel(int32_t bias, int32_t multiplier, int32_t shift, int32_t length)
{
    const int32_t right = multiplier == 0 ? 1 : -shift;
    const int64_t bound = (bias < 0 ? -(int64_t)bias : (int64_t)bias) + (int64_t)length * TD_PRODUCT_MAX_ABS;
    return right >= 1 && right <= TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT && bound < ((int64_t)1 << 30);
}

/** The Helium loop's scratch: four words per output channel (td_conv_mve_table), then one column of the receptive field. */
TD_INLINE int32_t td_conv_mve_buffer_size(const td_dims *filter_dims)
{
    const int32_t length = filter_dims->h * filter_dims->w * filter_dims->c;
    return 16 * filter_dims->n + ((length + 15) & ~15);
}

int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return td_conv_mve_pays(filter_dims) ? td_conv_mve_buffer_size(filter_dims) : td_conv2d_s8_dsp_get_buffer_size(input_dims, filter_dims);
}

/**
 * Four output channels' sums += their dot products with one run of `run` input bytes (at least
 * one): per sixteen bytes one VLDRB of the input, one of each channel's weights and four
 * VMLADAVA, in a tail-predicated low-overhead loop (DLSTP / LETP: the last sixteen take only the
 * bytes left). VMLADAVA accumulates into even registers, hence the sums' fixed registers. The
 * pointers move on by `run` rounded up to sixteen (the loads' writeback is not predicated): the
 * caller takes the excess back.
 */
#define TD_CONV_MVE_RUN(x, w0, w1, w2, w3, run)                                                      \
    __asm__("dlstp.8 lr, %[count]\n"                                                                 \
            "1:\n\t"                                                                                 \
            "vldrb.u8    q0, [%[xp]], #16\n\t"                                                       \
            "vldrb.u8    q1, [%[p0]], #16\n\t"                                                       \
            "vmladava.s8 %[s0], q0, q1\n\t"                                                          \
            "vldrb.u8    q1, [%[p1]], #16\n\t"                                                       \
            "vmladava.s8 %[s1], q0, q1\n\t"                                                          \
            "vldrb.u8    q1, [%[p2]], #16\n\t"                                                       \
            "vmladava.s8 %[s2], q0, q1\n\t"                                                          \
            "vldrb.u8    q1, [%[p3]], #16\n\t"                                                       \
            "vmladava.s8 %[s3], q0, q1\n\t"                                                          \
            "letp    lr, 1b"                                                                        \
            : [s0] "+r"(td_s0_), [s1] "+r"(td_s1_), [s2] "+r"(td_s2_), [s3] "+r"(td_s3_), [xp] "+r"(x), \
              [p0] "+r"(w0), [p1] "+r"(w1), [p2] "+r"(w2), [p3] "+r"(w3)                              \
            : [count] "r"(run)                                                                      \
            : "lr", "q0", "q1", "memory")

/** Copies `count` bytes (none when count <= 0), sixteen a step, the last step predicated to those left. */
TD_INLINE void td_mve_copy(int8_t *destination, const int8_t *source, int32_t count)
{
    for (; count > 0; count -= 16, destination += 16, source += 16) {
        const mve_pred16_t lanes = vctp8q((uint32_t)count);
        vstrbq_p_s8(destination, vldrbq_z_s8(source, lanes), lanes);
    }
}

/** Sets `count` bytes to `value` (none when count <= 0), sixteen a step. */
TD_INLINE void td_mve_fill(int8_t *destination, int8_t value, int32_t count)
{
    const int8x16_t values = vdupq_n_s8(value);
    for (; count > 0; count -= 16, destination += 16) vstrbq_p_s8(destination, values, vctp8q((uint32_t)count));
}

/**
 * One pass of td_conv_mve_blocks over a pixel's blocks of four output channels: where the pixel's receptive field
 * is (`runs` runs of `run` bytes from `source` on, each `run` rounded up to sixteen plus `x_skip` after the one
 * before), the weights' `length` per channel and the pointers' `excess` past a run (`run` rounded up to sixteen, less
 * `run`), where the input pointer stands after the last run (`x_end`), the clamp, and where the blocks' table words
 * end. The offsets are td_conv_mve_blocks's.
 */
typedef struct {
    const int8_t *source; /* 0 */
    int32_t length;       /* 4 */
    int32_t excess;       /* 8 */
    int32_t x_skip;       /* 12 */
    const int8_t *x_end;  /* 16 */
    int32_t run;          /* 20 */
    const int32_t *end;   /* 24 */
    int32_t min;          /* 28 */
    int32_t max;          /* 32 */
    /** 0: one run; 1: runs with no excess; 2: any runs (td_conv_mve_blocks's three loops). */
    int32_t runs;         /* 36 */
} td_conv_mve_pass;

/**
 * Blocks of four output channels of one pixel, on the fast form, from table words `words` (r1) and weights
 * `filter` (r2) on, to `out` (r3) on, until `pass->end` (r0), in assembly (gcc's code of the same steps spilled
 * the pointers the dot products hold to the stack). Per block: the four sums start from the table's folded values
 * (two LDRD); per run, per sixteen bytes one VLDRB of the input, one of each channel's weights and four VMLADAVA
 * (accumulating into r0, r2, r4, r6) in a tail-predicated low-overhead loop (DLSTP / LETP: the last sixteen take
 * only the bytes left), the loads' writeback being by sixteen whatever the bytes left, so that between runs the
 * input moves on by x_skip and the weights come back by the excess; then two VMOVs put the sums in a vector, and
 * (VQRDMULH(acc, m) + rounding + (acc >> 31)) >> right with the block's vectors, the clamp and one VSTRB of four
 * bytes. Three copies of the block loop (`pass->runs`): one run (1x1 windows, the gathered column: 30 instructions a
 * block besides the dot products' nine per sixteen bytes; gcc's code took 67), runs with no excess (six more a run
 * after the first), any runs (eleven more).
 */
/* A block's start: its four sums from the table (bias), the four filters' rows from r3, the input column from the pass. */
#define TD_CONV_MVE_BLOCK_START                                                                     \
    "ldrd        r0, r2, [r10]\n\t"                                                                 \
    "ldrd        r4, r6, [r10, #8]\n\t"                                                             \
    "ldr         lr, [r12, #4]\n\t"                                                                 \
    "add         r5, r3, lr\n\t"                                                                    \
    "add         r11, r5, lr\n\t"                                                                   \
    "add         r8, r11, lr\n\t"                                                                   \
    "ldr         r1, [r12]\n\t"
/* One run's dot products, sixteen bytes a turn, tail-predicated (the loop's label `turn`, opened by DLSTP). */
#define TD_CONV_MVE_DOT(turn)                                                                       \
    "vldrb.u8    q0, [r1], #16\n\t"                                                                 \
    "vldrb.u8    q1, [r3], #16\n\t"                                                                 \
    "vmladava.s8 r0, q0, q1\n\t"                                                                    \
    "vldrb.u8    q1, [r5], #16\n\t"                                                                 \
    "vmladava.s8 r2, q0, q1\n\t"                                                                    \
    "vldrb.u8    q1, [r11], #16\n\t"                                                                \
    "vmladava.s8 r4, q0, q1\n\t"                                                                    \
    "vldrb.u8    q1, [r8], #16\n\t"                                                                 \
    "vmladava.s8 r6, q0, q1\n\t"                                                                    \
    "letp        lr, " turn "b\n\t"
/* The four sums in a vector, requantized, clamped and stored; then the next block (label `block`) until the table's end. */
#define TD_CONV_MVE_REQUANT_STORE(block)                                                            \
    "vmov        q2[2], q2[0], r0, r4\n\t"                                                          \
    "vmov        q2[3], q2[1], r2, r6\n\t"                                                          \
    "vldrw.32    q0, [r10, #16]\n\t"                                                                \
    "vqrdmulh.s32 q1, q2, q0\n\t"                                                                   \
    "vldrw.32    q0, [r10, #32]\n\t"                                                                \
    "vadd.i32    q1, q1, q0\n\t"                                                                    \
    "vshr.s32    q2, q2, #31\n\t"                                                                   \
    "vadd.i32    q1, q1, q2\n\t"                                                                    \
    "vldrw.32    q0, [r10, #48]\n\t"                                                                \
    "vshl.s32    q1, q1, q0\n\t"                                                                    \
    "vmax.s32    q1, q1, q4\n\t"                                                                    \
    "vmin.s32    q1, q1, q5\n\t"                                                                    \
    "vstrb.32    q1, [r7], #4\n\t"                                                                  \
    "add         r10, r10, #64\n\t"                                                                 \
    "ldr         lr, [r12, #24]\n\t"                                                                \
    "cmp         r10, lr\n\t"                                                                       \
    "bne         " block "b\n\t"
/* Parameters the assembly reads from r0-r3 (the procedure call standard's), never named in C. */
#define TD_CONV_MVE_ARGUMENT __attribute__((unused))
__attribute__((naked, noipa)) static void td_conv_mve_blocks(const td_conv_mve_pass *pass TD_CONV_MVE_ARGUMENT,
                                                             const int32_t *words TD_CONV_MVE_ARGUMENT,
                                                             const int8_t *filter TD_CONV_MVE_ARGUMENT,
                                                             int8_t *out TD_CONV_MVE_ARGUMENT)
{
    __asm__("push        {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
            "vpush       {d8, d9, d10, d11}\n\t"
            "mov         r12, r0\n\t"
            "mov         r10, r1\n\t"
            "mov         r7, r3\n\t"
            "mov         r3, r2\n\t"
            "ldr         r9, [r12, #20]\n\t"
            "ldr         lr, [r12, #28]\n\t"
            "vdup.32     q4, lr\n\t"
            "ldr         lr, [r12, #32]\n\t"
            "vdup.32     q5, lr\n\t"
            "ldr         lr, [r12, #36]\n\t"
            "cmp         lr, #1\n\t"
            "beq         20f\n\t"
            "bhi         40f\n\t"
            "10:\n"
            TD_CONV_MVE_BLOCK_START
            "dlstp.8     lr, r9\n\t"
            "11:\n"
            TD_CONV_MVE_DOT("11")
            "ldr         lr, [r12, #8]\n\t"
            "sub         r3, r8, lr\n\t"
            TD_CONV_MVE_REQUANT_STORE("10")
            "b           90f\n\t"
            "20:\n"
            TD_CONV_MVE_BLOCK_START
            "22:\n"
            "dlstp.8     lr, r9\n\t"
            "21:\n"
            TD_CONV_MVE_DOT("21")
            "ldr         lr, [r12, #16]\n\t"
            "cmp         r1, lr\n\t"
            "beq         23f\n\t"
            "ldr         lr, [r12, #12]\n\t"
            "add         r1, r1, lr\n\t"
            "b           22b\n\t"
            "23:\n"
            "mov         r3, r8\n\t"
            TD_CONV_MVE_REQUANT_STORE("20")
            "b           90f\n\t"
            "40:\n"
            TD_CONV_MVE_BLOCK_START
            "42:\n"
            "dlstp.8     lr, r9\n\t"
            "41:\n"
            TD_CONV_MVE_DOT("41")
            "ldr         lr, [r12, #16]\n\t"
            "cmp         r1, lr\n\t"
            "beq         43f\n\t"
            "ldr         lr, [r12, #12]\n\t"
            "add         r1, r1, lr\n\t"
            "ldr         lr, [r12, #8]\n\t"
            "sub         r3, r3, lr\n\t"
            "sub         r5, r5, lr\n\t"
            "sub         r11, r11, lr\n\t"
            "sub         r8, r8, lr\n\t"
            "b           42b\n\t"
            "43:\n"
            "ldr         lr, [r12, #8]\n\t"
            "sub         r3, r8, lr\n\t"
            TD_CONV_MVE_REQUANT_STORE("40")
            "90:\n"
            "vpop        {d8, d9, d10, d11}\n\t"
            "pop         {r4, r5, r6, r7, r8, r9, r10, r11, pc}");
}

/**
 * Four output channels' requantization on the exact form from their block of the table (`block`: their sums'
 * words, then the multipliers, the left shifts and the negated right shifts), clamped and stored as four bytes:
 * td_mve_requant_store's steps with the mask made from the right shift.
 */
TD_INLINE void td_conv_mve_exact_store(int8_t *out, int32x4_t acc, const int32_t *block, const td_conv_mve_table *table)
{
    const int32x4_t right_negated = vldrwq_s32(block + 12);
    const int32x4_t high = vqrdmulhq_s32(vshlq_s32(acc, vldrwq_s32(block + 8)), vldrwq_s32(block + 4));
    const int32x4_t mask = vsubq_n_s32(vshlq_s32(vdupq_n_s32(1), vnegq_s32(right_negated)), 1);
    const int32x4_t remainder = vandq_s32(high, mask);
    const int32x4_t threshold = vaddq_s32(vshrq_n_s32(mask, 1), vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(high), 31)));
    const int32x4_t quotient = vshlq_s32(high, right_negated);
    int32x4_t value = vaddq_m_n_s32(quotient, quotient, 1, vcmpgtq_s32(remainder, threshold));
    value = vaddq_n_s32(value, table->output_offset);
    value = vminq_s32(vmaxq_s32(value, vdupq_n_s32(table->min)), vdupq_n_s32(table->max));
    vstrbq_s32(out, value);
}

/**
 * Output channels first..first + count of one pixel, `words` their first table words: each channel's dot product
 * over `runs` runs of `run` bytes (`source_step` apart in the input, one after the other in the filter row). Blocks
 * of four on the fast form go to td_conv_mve_blocks; on the exact form four channels a pass (TD_CONV_MVE_RUN per run)
 * and td_conv_mve_exact_store; the channels past the last four one at a time.
 */
TD_NOINLINE static void td_conv_mve_channels(const int8_t *source,
                                             int32_t runs,
                                             int32_t run,
                                             int32_t source_step,
                                             const int8_t *filter,
                                             int32_t length,
                                             int32_t first,
                                             int32_t count,
                                             const int32_t *words,
                                             const td_conv_mve_table *table,
                                             const td_per_channel_quant *quant,
                                             int8_t *out)
{
    const int32_t excess = ((run + 15) & ~15) - run;
    const int32_t x_skip = source_step - run - excess;
    const int32_t blocks = count >> 2;
    const int8_t *w0 = filter + first * length;
    int32_t block, oc;
    out += first;
    if (blocks > 0 && table->fast) {
        td_conv_mve_pass pass;
        pass.source = source;
        pass.length = length;
        pass.excess = excess;
        pass.x_skip = x_skip;
        pass.x_end = source + (runs - 1) * source_step + run + excess;
        pass.run = run;
        pass.end = words + 16 * blocks;
        pass.min = table->min;
        pass.max = table->max;
        pass.runs = runs == 1 ? 0 : excess == 0 ? 1 : 2;
        td_conv_mve_blocks(&pass, words, w0, out);
        words += 16 * blocks;
        w0 += 4 * blocks * length;
        out += 4 * blocks;
    } else {
        for (block = 0; block < blocks; ++block, words += 16, out += 4) {
            register int32_t td_s0_ __asm__("r0") = words[0];
            register int32_t td_s1_ __asm__("r2") = words[1];
            register int32_t td_s2_ __asm__("r4") = words[2];
            register int32_t td_s3_ __asm__("r6") = words[3];
            const int8_t *w1 = w0 + length, *w2 = w1 + length, *w3 = w2 + length;
            const int8_t *x = source;
            int32_t r = runs;
            int32x4_t acc;
            do {
                TD_CONV_MVE_RUN(x, w0, w1, w2, w3, run);
                x += x_skip;
                w0 -= excess;
                w1 -= excess;
                w2 -= excess;
                w3 -= excess;
            } while (--r > 0);
            /* w3 ends where the next four channels' weights start. */
            w0 = w3;
            acc = vdupq_n_s32(td_s0_);
            acc = vsetq_lane_s32(td_s1_, acc, 1);
            acc = vsetq_lane_s32(td_s2_, acc, 2);
            acc = vsetq_lane_s32(td_s3_, acc, 3);
            td_conv_mve_exact_store(out, acc, words, table);
        }
    }
    for (oc = 0; oc < (count & 3); ++oc, words += 4, w0 += length) {
        const int32_t channel = first + 4 * blocks + oc;
        int32_t acc = words[0], r;
        for (r = 0; r < runs; ++r) acc = td_mve_dot_s8(acc, source + r * source_step, w0 + r * run, run);
        out[oc] = td_mve_output_one(acc, quant->multiplier[channel], quant->shift[channel], table->output_offset, table->min,
                                    table->max);
    }
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
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, filter_c = filter_dims->c, out_c = filter_dims->n;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    const int32_t stride_h = params->stride.h, stride_w = params->stride.w;
    const int32_t dilation_h = params->dilation.h, dilation_w = params->dilation.w;
    const int32_t length = k_h * k_w * filter_c;
    const int8_t pad = (int8_t)(-params->input_offset);
    int32_t groups, per_group, oc, batch, out_y, out_x, group;
    td_conv_mve_table table;
    td_conv_mve_pass in_place, gathered;
    int32_t x_end_offset;
    int8_t *column;
    if (params == NULL || quant == NULL || input_dims == NULL || input == NULL || filter_dims == NULL || filter == NULL ||
        output_dims == NULL || output == NULL || filter_c <= 0 || in_c % filter_c != 0) {
        return TD_ERROR_ARGUMENT;
    }
    if (!td_conv_mve_pays(filter_dims)) {
        return td_conv2d_s8_dsp(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
    }
    groups = in_c / filter_c;
    per_group = out_c / groups;
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_conv2d_s8_get_buffer_size(input_dims, filter_dims)) return TD_ERROR_SCRATCH;
    table.words = (int32_t *)ctx->buf;
    table.output_offset = params->output_offset;
    table.min = params->activation.min;
    table.max = params->activation.max;
    table.fast = 1;
    for (oc = 0; oc < out_c; ++oc) {
        table.fast &= td_conv_mve_fast_channel(bias != NULL ? bias[oc] : 0, quant->multiplier[oc], quant->shift[oc], length);
    }
    column = (int8_t *)(table.words + 4 * out_c);
    for (oc = 0; oc < out_c; ++oc) {
        /* Wrapping, as the reference's int32 accumulator: the same value modulo 2^32. */
        const uint32_t start = bias != NULL ? (uint32_t)bias[oc] : 0u;
        const int32_t in_group = oc % per_group, blocked = per_group & ~3;
        const int32_t multiplier = quant->multiplier[oc], shift = quant->shift[oc];
        int32_t *const group_words = table.words + 4 * (oc - in_group);
        const int32_t folded = (int32_t)(start + (uint32_t)params->input_offset * (uint32_t)td_mve_sum_s8(filter + oc * length, length));
        if (in_group >= blocked) {
            group_words[4 * in_group] = folded;
        } else {
            int32_t *const block = group_words + 4 * (in_group & ~3) + (in_group & 3);
            block[0] = folded;
            block[4] = multiplier;
            if (table.fast) {
                const int32_t right = multiplier == 0 ? 1 : -shift;
                block[8] = ((int32_t)1 << (right - 1)) + params->output_offset * ((int32_t)1 << right);
                block[12] = -right;
            } else {
                block[8] = shift > 0 ? shift : 0;
                block[12] = shift < 0 ? shift : 0;
            }
        }
    }
    {
        /* td_conv_mve_blocks's passes for the receptive fields read in place and those gathered, on the fast form and
         * without groups (else `end` is the table's start: td_conv_mve_channels runs them). */
        const int32_t run = k_w * in_c, excess = ((run + 15) & ~15) - run;
        in_place.source = input;
        in_place.x_end = input;
        in_place.length = length;
        in_place.excess = excess;
        in_place.x_skip = in_w * in_c - run - excess;
        in_place.run = run;
        in_place.end = table.words + (table.fast && groups == 1 ? 16 * (out_c >> 2) : 0);
        in_place.min = table.min;
        in_place.max = table.max;
        in_place.runs = k_h == 1 ? 0 : excess == 0 ? 1 : 2;
        x_end_offset = (k_h - 1) * in_w * in_c + run + excess;
        /* And for the gathered column: one run of the whole receptive field. */
        gathered = in_place;
        gathered.source = column;
        gathered.excess = ((length + 15) & ~15) - length;
        gathered.x_skip = 0;
        gathered.x_end = column + length + gathered.excess;
        gathered.run = length;
        gathered.runs = 0;
    }
    for (batch = 0; batch < input_dims->n; ++batch) {
        const int8_t *const image = input + batch * in_h * in_w * in_c;
        for (out_y = 0; out_y < out_h; ++out_y) {
            const int32_t in_y0 = out_y * stride_h - params->padding.h;
            for (out_x = 0; out_x < out_w; ++out_x) {
                const int32_t in_x0 = out_x * stride_w - params->padding.w;
                int8_t *const out = output + ((batch * out_h + out_y) * out_w + out_x) * out_c;
                /* Read in place: K_h runs of K_w * C_in bytes, one input row apart, when they are long enough to fill vectors. */
                const int contiguous = groups == 1 && dilation_w == 1;
                if (contiguous && dilation_h == 1 && k_w * in_c >= 16 && in_y0 >= 0 && in_x0 >= 0 && in_y0 + k_h <= in_h &&
                    in_x0 + k_w <= in_w) {
                    const int8_t *const source = image + (in_y0 * in_w + in_x0) * in_c;
                    if (in_place.end != table.words) {
                        /* The blocks of four straight from here (the pass made once per call), the rest after. */
                        in_place.source = source;
                        in_place.x_end = source + x_end_offset;
                        td_conv_mve_blocks(&in_place, table.words, filter, out);
                        if ((out_c & 3) != 0) {
                            td_conv_mve_channels(source, k_h, k_w * in_c, in_w * in_c, filter, length, out_c & ~3, out_c & 3,
                                                 in_place.end, &table, quant, out);
                        }
                    } else {
                        td_conv_mve_channels(source, k_h, k_w * in_c, in_w * in_c, filter, length, 0, out_c, table.words, &table,
                                             quant, out);
                    }
                    continue;
                }
                for (group = 0; group < groups; ++group) {
                    int8_t *cell = column;
                    int32_t ky, kx;
                    for (ky = 0; ky < k_h; ++ky) {
                        const int32_t in_y = in_y0 + ky * dilation_h;
                        if (in_y < 0 || in_y >= in_h) {
                            td_mve_fill(cell, pad, k_w * filter_c);
                            cell += k_w * filter_c;
                        } else if (contiguous) {
                            /* The taps inside the row in one copy, the padding on either side in one fill each. */
                            const int32_t first = in_x0 < 0 ? -in_x0 : 0;
                            const int32_t end = in_x0 + k_w > in_w ? in_w - in_x0 : k_w;
                            if (end <= first) {
                                td_mve_fill(cell, pad, k_w * in_c);
                            } else {
                                td_mve_fill(cell, pad, first * in_c);
                                td_mve_copy(cell + first * in_c, image + (in_y * in_w + in_x0 + first) * in_c, (end - first) * in_c);
                                td_mve_fill(cell + end * in_c, pad, (k_w - end) * in_c);
                            }
                            cell += k_w * in_c;
                        } else {
                            for (kx = 0; kx < k_w; ++kx, cell += filter_c) {
                                const int32_t in_x = in_x0 + kx * dilation_w;
                                if (in_x < 0 || in_x >= in_w) {
                                    td_mve_fill(cell, pad, filter_c);
                                } else {
                                    td_mve_copy(cell, image + (in_y * in_w + in_x) * in_c + group * filter_c, filter_c);
                                }
                            }
                        }
                    }
                    if (gathered.end != table.words) {
                        td_conv_mve_blocks(&gathered, table.words, filter, out);
                        if ((out_c & 3) != 0) {
                            td_conv_mve_channels(column, 1, length, 0, filter, length, out_c & ~3, out_c & 3, gathered.end,
                                                 &table, quant, out);
                        }
                    } else {
                        td_conv_mve_channels(column, 1, length, 0, filter, length, group * per_group, per_group,
                                             table.words + 4 * group * per_group, &table, quant, out);
                    }
                }
            }
        }
    }
    return TD_OK;
}

