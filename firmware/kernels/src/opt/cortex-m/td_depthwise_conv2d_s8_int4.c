/*
 * DEPTHWISE_CONV_2D, int8 activations, packed int4 weights, Cortex-M DSP variant: overrides
 * src/conv/td_depthwise_conv2d_s8_int4.c by name with the same bits.
 *
 * The weights stay packed in flash; the kernel runs blocks of four output channels, block
 * outermost, and unpacks only the block's K_h * K_w taps, once per call:
 *  - each tap's four nibbles become two int16 words (w0, w2) and (w1, w3), scaled by 2 (so the
 *    sums come out as 2 * acc, what the fast requantization's SMMLAR takes), 8 bytes per tap;
 *  - the input rows a window reads are widened into rows of the same layout, the input offset
 *    added (SXTAB16: (x0, x2) and (x1, x3) + offset), positions outside the image 0 (what the
 *    reference's skipped taps add). The rows sit in a ring of K_h slots (input row y in slot
 *    (y + padding) mod K_h), so every input row is widened once per block, 5.5 instructions per
 *    position for whole blocks (two positions a turn);
 *  - every output pixel then runs all K_h * K_w taps without bounds checks: per tap two LDRD and
 *    SMLABB/SMLATT into the four channels (td_int4_dw_pixels, in assembly on the target: the
 *    filter row's taps are an unrolled run of eight entered at the width's place; a 3x3 filter
 *    in the fast form keeps its three rows in registers instead: td_int4_dw_pixels_3x3), then per
 *    channel SMMLAR and ASR with the output offset folded into the rounding
 *    (td_channel_requant_folded_of), the four bytes packed, clamped at once (SSUB8/SEL) and
 *    stored with one STR. Channels whose shift is >= 0 (effective scales of 1/2 and more: int4
 *    filters' scales are some 18 times int8's) have their taps and bias scaled by 2^(shift + 1)
 *    instead and no rounding division (td_int4_dw_form).
 * A depth multiplier M > 1 gathers each lane's input channel o / M (M = 2: both words are the
 * same pair). A channel count that is not a multiple of four runs its last block with the
 * missing lanes' weights 0 and its outputs through a staging row, of which only the real
 * channels are copied out. A channel in neither form (a right shift above 21, sums too large
 * for the scaled form), more than 16 filter rows or 8 columns, dilation, a short scratch or an
 * output over the input that is not a whole number of pixels away (the memory plan's contract
 * for channel blocks) take the portable kernel's per-pixel loop over all channels
 * (td_depthwise_conv2d_s8_int4_reference.h: taps outer, channels inner, two weights a byte).
 *
 * Scratch (get_buffer_size): the larger of the per-pixel loop's (4 bytes per output channel)
 * and the block path's: 8 bytes per tap, a staging row of 4 bytes per input column, and the ring,
 * K_h rows of 8 bytes per position of the span a row of windows sweeps (W + K_w - 1).
 */
#include "../../internal/td_int4.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** The most filter rows and columns the block path takes. */
#define TD_INT4_DW_MAX_ROWS 16
#define TD_INT4_DW_MAX_COLUMNS 8

/** Bytes of the per-pixel loop's scratch: a sum per output channel. */
TD_INLINE int32_t td_int4_dw_sums_bytes(int32_t channels)
{
    return 4 * channels;
}

/** Bytes of the block path's scratch for K_h x K_w taps, `columns` output columns at most and rows of `span` positions. */
TD_INLINE int32_t td_int4_dw_block_bytes(int32_t filter_h, int32_t filter_w, int32_t columns, int32_t span)
{
    return 8 * filter_h * filter_w + 4 * columns + 8 * filter_h * span;
}

int32_t td_depthwise_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return td_max_i32(td_int4_dw_sums_bytes(filter_dims->c),
                      td_int4_dw_block_bytes(filter_dims->h, filter_dims->w, input_dims->w, input_dims->w + filter_dims->w - 1));
}

/* td_int4_dw_pixel_sums: the portable loop (td_depthwise_conv2d_s8_int4_reference.h), out of line:
 * its frame stays off the block path's stack. */
#define TD_DEPTHWISE_INT4_REFERENCE TD_NOINLINE static td_status td_int4_dw_pixel_sums
#include "../../conv/td_depthwise_conv2d_s8_int4_reference.h"

/**
 * What td_int4_dw_pixels reads (its assembly uses these offsets): the block's doubled biases,
 * the window's ring rows (at the output row's first pixel), the doubled taps, the output and
 * its pixel count (advanced as it goes), the bytes between two pixels' ring positions and
 * between two outputs, the filter size, the entry into the unrolled taps (written by the
 * assembly), per channel the fast requantization, and the activation's bounds in every byte.
 */
typedef struct {
    int32_t bias[4];                /* 0 */
    const td_word *const *rows;     /* 16 */
    const td_word *taps;            /* 20 */
    int8_t *out;                    /* 24 */
    int32_t pixels;                 /* 28 */
    int32_t input_step;             /* 32 */
    int32_t output_step;            /* 36 */
    int32_t filter_h;               /* 40 */
    int32_t filter_w;               /* 44 */
    uint32_t entry;                 /* 48 */
    int32_t requant[4][4];          /* 52: td_int4_dw_form's multiplier, right shift, rounding, sign per channel */
    uint32_t low;                   /* 116: activation.min in each byte */
    uint32_t high;                  /* 120: activation.max in each byte */
    uint32_t tail;                  /* 124: the requantization's entry (written by the assembly) */
    int32_t unsigned_rounding;      /* 128: a channel takes no sign term (sign 0): the masked requantization */
} td_int4_dw_job;

/**
 * A channel's requantization in the block path: taps and bias are scaled by 2^scale, so the sum S
 * is 2^scale * acc, and the output is SMMLAR(S, multiplier, rounding + (S >> 31 & sign)) >>
 * right_shift. The fast form (td_channel_requant_folded_of) has scale 1 and sign -1. A shift >= 0
 * (effective scales of 1/2 and more, which int4 filters' larger scales reach) has no rounding
 * division: TFLite's SaturatingRoundingDoublingHighMul(acc * 2^shift, m) is SMMULR(acc *
 * 2^(shift + 1), m) while |acc| * 2^shift < 2^30, so scale shift + 1, right shift 0, sign 0 and the
 * output offset as the rounding (the int16 taps hold 8 * 2^(shift + 1) up to shift 10).
 */
typedef struct {
    int32_t scale;
    int32_t multiplier;
    int32_t right_shift;
    int32_t rounding;
    int32_t sign;
} td_int4_dw_form;

/** Channel c's form for K_h * K_w taps; 0 when the block path cannot take it (the per-pixel loop then). */
static int td_int4_dw_form_of(const td_depthwise_conv_params *params,
                              const td_per_channel_quant *quant,
                              const int32_t *bias,
                              int32_t c,
                              int32_t taps,
                              td_int4_dw_form *form)
{
    const int32_t b = bias != NULL ? bias[c] : 0;
    const int32_t multiplier = quant->multiplier[c];
    const int32_t shift = quant->shift[c];
    const td_channel_requant folded = td_channel_requant_folded_of(b, multiplier, shift, params->output_offset, taps);
    form->multiplier = multiplier;
    if (folded.right_shift != 0) {
        form->scale = 1;
        form->right_shift = folded.right_shift;
        form->rounding = folded.rounding;
        form->sign = -1;
        return 1;
    }
    if (shift >= 0 && shift <= 10 && multiplier >= 0 &&
        (((b < 0 ? -(int64_t)b : (int64_t)b) + (int64_t)taps * 8 * 255) << shift) < ((int64_t)1 << 30)) {
        form->scale = shift + 1;
        form->right_shift = 0;
        form->rounding = params->output_offset;
        form->sign = 0;
        return 1;
    }
    return 0;
}

#if TD_DSP_ASM
/*
 * td_int4_dw_pixels(job): `pixels` (>= 1) output pixels of a block along an output row. Per
 * pixel r5-r8 start at the scaled biases; per filter row r4 walks the ring row from the
 * pixel's position (r1 bytes in) and r3 the taps, entering the unrolled run of eight taps
 * where K_w taps remain (24 bytes a tap); then per channel SMMLAR (rounding + sign of the sum,
 * masked by the channel's sign in the second form, which only blocks with a channel of right
 * shift 0 take: the form's entry is chosen once per call) and ASR, SSAT to int8, the four bytes packed (BFI), clamped (SSUB8/SEL) and
 * stored by one STR (unaligned for odd channel counts, which the M4, M7 and M55 allow).
 */
void td_int4_dw_pixels(td_int4_dw_job *job);

#define TD_INT4_DW_TAP                                                                     \
    "ldrd    r9, r10, [r4], #8\n\t"                                                        \
    "ldrd    r11, r12, [r3], #8\n\t"                                                       \
    "smlabb  r5, r9, r11, r5\n\t"                                                          \
    "smlatt  r7, r9, r11, r7\n\t"                                                          \
    "smlabb  r6, r10, r12, r6\n\t"                                                         \
    "smlatt  r8, r10, r12, r8\n\t"
#define TD_INT4_DW_REQUANT(acc)                                                            \
    "ldmia   r2!, {r9, r10, r11, r12}\n\t"                                                      \
    "add     r11, r11, " acc ", asr #31\n\t"                                               \
    "smmlar  " acc ", " acc ", r9, r11\n\t"                                                \
    "asr     " acc ", " acc ", r10\n\t"                                                    \
    "ssat    " acc ", #8, " acc "\n\t"
#define TD_INT4_DW_REQUANT_AT(acc)                                                         \
    "ldmia   r4!, {r9, r10, r11, r12}\n\t"                                                 \
    "add     r11, r11, " acc ", asr #31\n\t"                                               \
    "smmlar  " acc ", " acc ", r9, r11\n\t"                                                \
    "asr     " acc ", " acc ", r10\n\t"                                                    \
    "ssat    " acc ", #8, " acc "\n\t"
#define TD_INT4_DW_REQUANT_MASKED(acc)                                                     \
    "ldmia   r2!, {r9, r10, r11, r12}\n\t"                                                 \
    "and     r12, r12, " acc ", asr #31\n\t"                                               \
    "add     r11, r11, r12\n\t"                                                            \
    "smmlar  " acc ", " acc ", r9, r11\n\t"                                                \
    "asr     " acc ", " acc ", r10\n\t"                                                    \
    "ssat    " acc ", #8, " acc "\n\t"
__asm__(".section .text.td_int4_dw_pixels,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_int4_dw_pixels\n\t"
        ".thumb_func\n\t"
        ".type td_int4_dw_pixels, %function\n"
        "td_int4_dw_pixels:\n\t"
        "push    {r4-r11, lr}\n\t"
        "ldr     r1, [r0, #128]\n\t"
        "adr.w   r2, 5f\n\t"
        "cbz     r1, 7f\n\t"
        "adr.w   r2, 4f\n"
        "7:\n\t"
        "orr     r2, r2, #1\n\t"
        "str     r2, [r0, #124]\n\t"
        "ldr     r1, [r0, #44]\n\t"
        "movs    r2, #24\n\t"
        "muls    r1, r2, r1\n\t"
        "adr.w   r2, 3f\n\t"
        "subs    r2, r2, r1\n\t"
        "orr     r2, r2, #1\n\t"
        "str     r2, [r0, #48]\n\t"
        "movs    r1, #0\n"
        "1:\n\t"
        "ldm     r0, {r5-r8}\n\t"
        "ldrd    r2, r3, [r0, #16]\n\t"
        "ldr     lr, [r0, #40]\n"
        "2:\n\t"
        "ldr     r4, [r2], #4\n\t"
        "add     r4, r4, r1\n\t"
        "ldr     pc, [r0, #48]\n\t"
        ".p2align 2\n\t"
        TD_INT4_DW_TAP TD_INT4_DW_TAP TD_INT4_DW_TAP TD_INT4_DW_TAP
        TD_INT4_DW_TAP TD_INT4_DW_TAP TD_INT4_DW_TAP TD_INT4_DW_TAP
        "\n3:\n\t"
        "subs    lr, lr, #1\n\t"
        "bne     2b\n\t"
        "add     r2, r0, #52\n\t"
        "ldr     pc, [r0, #124]\n"
        "4:\n\t"
        TD_INT4_DW_REQUANT_MASKED("r5")
        TD_INT4_DW_REQUANT_MASKED("r6")
        TD_INT4_DW_REQUANT_MASKED("r7")
        TD_INT4_DW_REQUANT_MASKED("r8")
        "b       6f\n"
        "5:\n\t"
        TD_INT4_DW_REQUANT("r5")
        TD_INT4_DW_REQUANT("r6")
        TD_INT4_DW_REQUANT("r7")
        TD_INT4_DW_REQUANT("r8")
        "6:\n\t"
        "bfi     r5, r6, #8, #8\n\t"
        "bfi     r5, r7, #16, #8\n\t"
        "bfi     r5, r8, #24, #8\n\t"
        "ldrd    r9, r10, [r2]\n\t"
        "ssub8   r11, r5, r9\n\t"
        "sel     r5, r5, r9\n\t"
        "ssub8   r11, r10, r5\n\t"
        "sel     r5, r5, r10\n\t"
        "ldrd    r3, r4, [r0, #24]\n\t"
        "ldrd    r9, r10, [r0, #32]\n\t"
        "str     r5, [r3]\n\t"
        "add     r3, r3, r10\n\t"
        "add     r1, r1, r9\n\t"
        "subs    r4, r4, #1\n\t"
        "strd    r3, r4, [r0, #24]\n\t"
        "bne     1b\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_int4_dw_pixels, . - td_int4_dw_pixels\n\t"
        ".text");

/*
 * td_int4_dw_pixels_3x3(job): td_int4_dw_pixels for a 3x3 filter in the fast form (no channel of
 * right shift 0): the window's three ring rows in r1-r3, advanced by the input step per pixel, the
 * taps at fixed offsets from r4, so no per-row loop or entry; 96 instructions per pixel for 36
 * multiply-accumulates.
 */
void td_int4_dw_pixels_3x3(td_int4_dw_job *job);

#define TD_INT4_DW_TAP_AT(row, row_offset, tap_offset)                                    \
    "ldrd    r9, r10, [" row ", #" row_offset "]\n\t"                                       \
    "ldrd    r11, r12, [r4, #" tap_offset "]\n\t"                                           \
    "smlabb  r5, r9, r11, r5\n\t"                                                          \
    "smlatt  r7, r9, r11, r7\n\t"                                                          \
    "smlabb  r6, r10, r12, r6\n\t"                                                         \
    "smlatt  r8, r10, r12, r8\n\t"
__asm__(".section .text.td_int4_dw_pixels_3x3,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_int4_dw_pixels_3x3\n\t"
        ".thumb_func\n\t"
        ".type td_int4_dw_pixels_3x3, %function\n"
        "td_int4_dw_pixels_3x3:\n\t"
        "push    {r4-r11, lr}\n\t"
        "ldr     r3, [r0, #16]\n\t"
        "ldm     r3, {r1-r3}\n\t"
        "ldr     lr, [r0, #28]\n"
        "1:\n\t"
        "ldm     r0, {r5-r8}\n\t"
        "ldr     r4, [r0, #20]\n\t"
        TD_INT4_DW_TAP_AT("r1", "0", "0")
        TD_INT4_DW_TAP_AT("r1", "8", "8")
        TD_INT4_DW_TAP_AT("r1", "16", "16")
        TD_INT4_DW_TAP_AT("r2", "0", "24")
        TD_INT4_DW_TAP_AT("r2", "8", "32")
        TD_INT4_DW_TAP_AT("r2", "16", "40")
        TD_INT4_DW_TAP_AT("r3", "0", "48")
        TD_INT4_DW_TAP_AT("r3", "8", "56")
        TD_INT4_DW_TAP_AT("r3", "16", "64")
        "add     r4, r0, #52\n\t"
        TD_INT4_DW_REQUANT_AT("r5")
        TD_INT4_DW_REQUANT_AT("r6")
        TD_INT4_DW_REQUANT_AT("r7")
        TD_INT4_DW_REQUANT_AT("r8")
        "bfi     r5, r6, #8, #8\n\t"
        "bfi     r5, r7, #16, #8\n\t"
        "bfi     r5, r8, #24, #8\n\t"
        "ldrd    r9, r10, [r4]\n\t"
        "ssub8   r11, r5, r9\n\t"
        "sel     r5, r5, r9\n\t"
        "ssub8   r11, r10, r5\n\t"
        "sel     r5, r5, r10\n\t"
        "ldr     r9, [r0, #24]\n\t"
        "ldrd    r10, r11, [r0, #32]\n\t"
        "str     r5, [r9]\n\t"
        "add     r9, r9, r11\n\t"
        "str     r9, [r0, #24]\n\t"
        "add     r1, r1, r10\n\t"
        "add     r2, r2, r10\n\t"
        "add     r3, r3, r10\n\t"
        "subs    lr, lr, #1\n\t"
        "bne     1b\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_int4_dw_pixels_3x3, . - td_int4_dw_pixels_3x3\n\t"
        ".text");
#else
/** td_int4_dw_pixels's C twin (the same sums and requantization). */
static void td_int4_dw_pixels(td_int4_dw_job *job)
{
    int32_t offset = 0;
    for (; job->pixels > 0; --job->pixels) {
        int32_t acc[4];
        const td_word *taps = job->taps;
        int32_t ky, kx, c;
        for (c = 0; c < 4; ++c) {
            acc[c] = job->bias[c];
        }
        for (ky = 0; ky < job->filter_h; ++ky) {
            const td_word *lanes = job->rows[ky] + offset;
            for (kx = 0; kx < job->filter_w; ++kx, lanes += 2, taps += 2) {
                acc[0] = td_smlabb(lanes[0], taps[0], acc[0]);
                acc[2] = td_smlatt(lanes[0], taps[0], acc[2]);
                acc[1] = td_smlabb(lanes[1], taps[1], acc[1]);
                acc[3] = td_smlatt(lanes[1], taps[1], acc[3]);
            }
        }
        for (c = 0; c < 4; ++c) {
            const int32_t *requant = job->requant[c];
            const int32_t value = td_smmlar(acc[c], requant[0], requant[2] + ((acc[c] >> 31) & requant[3])) >> requant[1];
            job->out[c] = (int8_t)td_clamp_i32(td_ssat8(value), (int8_t)job->low, (int8_t)job->high);
        }
        job->out += job->output_step;
        offset += job->input_step / (int32_t)sizeof(td_word);
    }
}
#endif

/** How the block's input rows become ring rows (positions [first, first + count) inside the image). */
typedef struct {
    const int8_t *input; /* the batch's first row at position `first`, at the block's first input channel */
    int32_t row_size;    /* W * C_in */
    int32_t height;
    int32_t channels;    /* C_in: bytes between positions */
    int32_t first;
    int32_t count;
    uint32_t offsets;    /* the input offset in both int16 lanes */
    int32_t gather;      /* 0: four channels a word; 2: multiplier 2, a whole block; 1: the lanes' channels byte by byte */
    int32_t lane[4];     /* each lane's input channel, relative to `input` */
} td_int4_dw_rows;

/** Input row in_y (zeros outside the image) into a ring row's inside positions. */
TD_NOINLINE static void td_int4_dw_widen_row(const td_int4_dw_rows *rows, int32_t in_y, td_word *ring_row)
{
    td_word *lanes = ring_row + 2 * rows->first;
    td_word *const end = lanes + 2 * rows->count;
    const uint32_t offsets = rows->offsets;
    const int32_t channels = rows->channels;
    const int8_t *x;
    if (in_y < 0 || in_y >= rows->height) {
        for (; lanes != end; lanes += 2) {
            lanes[0] = 0;
            lanes[1] = 0;
        }
        return;
    }
    x = rows->input + in_y * rows->row_size;
    if (rows->gather == 2) {
        /* Depth multiplier 2, a whole block: channels c, c + 1, c + 2, c + 3 read x0, x0, x1, x1,
         * so both words are (x0, x1) + offset. */
        for (; lanes != end; lanes += 2, x += channels) {
            const uint32_t two = td_sadd16(td_pack16(x[0], x[1]), offsets);
            lanes[0] = two;
            lanes[1] = two;
        }
        return;
    }
    if (rows->gather) {
        const int32_t l0 = rows->lane[0], l1 = rows->lane[1], l2 = rows->lane[2], l3 = rows->lane[3];
        for (; lanes != end; lanes += 2, x += channels) {
            lanes[0] = td_sadd16(td_pack16(x[l0], x[l2]), offsets);
            lanes[1] = td_sadd16(td_pack16(x[l1], x[l3]), offsets);
        }
        return;
    }
    if (rows->count & 1) {
        const uint32_t four = td_read_u32(x);
        lanes[0] = td_sadd16(td_sxtb16(four), offsets);
        lanes[1] = td_sadd16(td_sxtb16_ror8(four), offsets);
        lanes += 2;
        x += channels;
    }
    if (lanes == end) {
        return;
    }
#if TD_DSP_ASM
    {
        /* Two positions a turn: SXTAB16 extends (x0, x2) and (x1, x3) and adds the offset. */
        uint32_t a, b, c, d;
        __asm__ volatile("1:\n\t"
                         "ldr     %[a], [%[x]]\n\t"
                         "ldr     %[c], [%[x], %[step]]\n\t"
                         "add     %[x], %[x], %[step], lsl #1\n\t"
                         "sxtab16 %[b], %[off], %[a], ror #8\n\t"
                         "sxtab16 %[a], %[off], %[a]\n\t"
                         "sxtab16 %[d], %[off], %[c], ror #8\n\t"
                         "sxtab16 %[c], %[off], %[c]\n\t"
                         "strd    %[a], %[b], [%[w]], #16\n\t"
                         "strd    %[c], %[d], [%[w], #-8]\n\t"
                         "cmp     %[w], %[end]\n\t"
                         "bne     1b"
                         : [x] "+r"(x), [w] "+r"(lanes), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d)
                         : [end] "r"(end), [off] "r"(offsets), [step] "r"(channels)
                         : "cc", "memory");
    }
#else
    for (; lanes != end; lanes += 2, x += channels) {
        const uint32_t four = td_read_u32(x);
        lanes[0] = td_sadd16(td_sxtb16(four), offsets);
        lanes[1] = td_sadd16(td_sxtb16_ror8(four), offsets);
    }
#endif
}

/**
 * The block of channels [channel, channel + valid) (valid <= 4) over every output pixel, through
 * the ring (every channel in a form of td_int4_dw_form_of: checked by the caller).
 */
TD_NOINLINE static void td_int4_dw_block(void *scratch,
                            const td_depthwise_conv_params *params,
                            const td_per_channel_quant *quant,
                            const td_dims *input_dims,
                            const int8_t *input,
                            const td_dims *filter_dims,
                            const int8_t *packed_filter,
                            const int32_t *bias,
                            const td_dims *output_dims,
                            int8_t *output,
                            int32_t channel,
                            int32_t valid,
                            int32_t span)
{
    const int32_t filter_h = filter_dims->h, filter_w = filter_dims->w;
    const int32_t taps = filter_h * filter_w;
    const int32_t output_c = output_dims->c;
    const int32_t output_w = output_dims->w;
    const int32_t row_words = 2 * span;
    const int32_t multiplier = params->depth_multiplier;
    td_word *const tap_words = (td_word *)scratch;
    int8_t *const staging = (int8_t *)(tap_words + 2 * taps);
    td_word *const ring = (td_word *)(void *)(staging + 4 * output_w);
    const td_word *window[TD_INT4_DW_MAX_ROWS];
    td_int4_dw_rows rows;
    td_int4_dw_job job;
    int32_t scale[4];
    int32_t lane, tap, batch, out_y;

    job.unsigned_rounding = 0;
    for (lane = 0; lane < 4; ++lane) {
        /* A missing lane: multiplier 0, right shift 1, its output never stored. */
        td_int4_dw_form form = {1, 0, 1, 0, -1};
        if (lane < valid) {
            (void)td_int4_dw_form_of(params, quant, bias, channel + lane, taps, &form);
        }
        scale[lane] = form.scale;
        job.bias[lane] = lane < valid && bias != NULL ? (int32_t)((uint32_t)bias[channel + lane] << form.scale) : 0;
        job.requant[lane][0] = form.multiplier;
        job.requant[lane][1] = form.right_shift;
        job.requant[lane][2] = form.rounding;
        job.requant[lane][3] = form.sign;
        job.unsigned_rounding |= form.sign == 0;
    }
    for (tap = 0; tap < taps; ++tap) {
        int32_t w[4];
        for (lane = 0; lane < 4; ++lane) {
            w[lane] = lane < valid ? td_int4_at(packed_filter, tap * output_c + channel + lane) * ((int32_t)1 << scale[lane]) : 0;
        }
        tap_words[2 * tap] = td_pack16(w[0], w[2]);
        tap_words[2 * tap + 1] = td_pack16(w[1], w[3]);
    }

    rows.first = td_min_i32(params->padding.w, span);
    rows.count = td_max_i32(td_min_i32(input_dims->w + params->padding.w, span) - rows.first, 0);
    rows.row_size = input_dims->w * input_dims->c;
    rows.height = input_dims->h;
    rows.channels = input_dims->c;
    rows.offsets = td_pack16(params->input_offset, params->input_offset);
    rows.gather = multiplier == 1 && valid == 4 ? 0 : multiplier == 2 && valid == 4 ? 2 : 1;
    for (lane = 0; lane < 4; ++lane) {
        rows.lane[lane] = td_min_i32(channel + lane, channel + valid - 1) / multiplier - channel / multiplier;
    }

    job.rows = window;
    job.taps = tap_words;
    job.input_step = params->stride.w * 2 * (int32_t)sizeof(td_word);
    job.output_step = valid == 4 ? output_c : 4;
    job.filter_h = filter_h;
    job.filter_w = filter_w;
    job.low = (uint32_t)(uint8_t)params->activation.min * 0x01010101u;
    job.high = (uint32_t)(uint8_t)params->activation.max * 0x01010101u;

    for (batch = 0; batch < output_dims->n; ++batch) {
        int32_t next_row = -params->padding.h;
        rows.input = input + batch * input_dims->h * rows.row_size + (rows.first - params->padding.w) * rows.channels +
                     channel / multiplier;
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride.h - params->padding.h;
            int8_t *const out = output + ((batch * output_dims->h + out_y) * output_w) * output_c + channel;
            int32_t in_y, ky;
            /* Input row y lives in slot (y + padding) mod K_h: a window's K_h rows never share one. */
            for (in_y = td_max_i32(next_row, in_y_origin); in_y < in_y_origin + filter_h; ++in_y) {
                td_int4_dw_widen_row(&rows, in_y, ring + ((in_y + params->padding.h) % filter_h) * row_words);
            }
            next_row = in_y_origin + filter_h;
            for (ky = 0; ky < filter_h; ++ky) {
                window[ky] = ring + ((in_y_origin + ky + params->padding.h) % filter_h) * row_words;
            }
            job.out = valid == 4 ? out : staging;
            job.pixels = output_w;
#if TD_DSP_ASM
            if (filter_h == 3 && filter_w == 3 && !job.unsigned_rounding) {
                td_int4_dw_pixels_3x3(&job);
            } else {
                td_int4_dw_pixels(&job);
            }
#else
            td_int4_dw_pixels(&job);
#endif
            if (valid < 4) {
                int32_t out_x;
                for (out_x = 0; out_x < output_w; ++out_x) {
                    for (lane = 0; lane < valid; ++lane) {
                        out[out_x * output_c + lane] = staging[4 * out_x + lane];
                    }
                }
            }
        }
    }
}

td_status td_depthwise_conv2d_s8_int4(const td_context *ctx,
                                      const td_depthwise_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *packed_filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output)
{
    const int32_t output_c = output_dims->c;
    const int32_t multiplier = params->depth_multiplier;
    const int32_t span = (output_dims->w - 1) * params->stride.w + filter_dims->w;
    int blocks;
    int32_t channel;
    if (multiplier <= 0 || input_dims->c * multiplier != output_c || filter_dims->c != output_c) {
        return TD_ERROR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_depthwise_conv2d_s8_int4_get_buffer_size(input_dims, filter_dims)) {
        return TD_ERROR_SCRATCH;
    }
    if (output_dims->n <= 0 || output_dims->h <= 0 || output_dims->w <= 0) {
        return TD_OK;
    }
    blocks = filter_dims->h <= TD_INT4_DW_MAX_ROWS && filter_dims->w <= TD_INT4_DW_MAX_COLUMNS && params->dilation.h == 1 &&
             params->dilation.w == 1 && params->padding.h >= 0 && params->padding.w >= 0 &&
             ctx->size >= td_int4_dw_block_bytes(filter_dims->h, filter_dims->w, output_dims->w, span);
    if (blocks) {
        /* Blocks of channels run outermost: an output over the input (the memory plan's in-place
         * depthwise) must put each channel over itself, a whole number of pixels away, with the
         * same pixel size (multiplier 1); otherwise the pixel order. */
        const uintptr_t input_start = (uintptr_t)input, input_end = input_start + (uintptr_t)td_dims_count(input_dims);
        const uintptr_t output_start = (uintptr_t)output, output_end = output_start + (uintptr_t)td_dims_count(output_dims);
        if (output_start < input_end && input_start < output_end &&
            (multiplier != 1 || (int32_t)((intptr_t)output_start - (intptr_t)input_start) % output_c != 0)) {
            blocks = 0;
        }
    }
    if (blocks) {
        /* Every channel in a form of the blocks (td_int4_dw_form_of), else the per-pixel loop. */
        td_int4_dw_form form;
        for (channel = 0; channel < output_c && blocks; ++channel) {
            blocks = td_int4_dw_form_of(params, quant, bias, channel, filter_dims->h * filter_dims->w, &form);
        }
    }
    if (!blocks) {
        return td_int4_dw_pixel_sums(ctx, params, quant, input_dims, input, filter_dims, packed_filter, bias, output_dims, output);
    }
    {
        /* The ring's padding positions stay 0: the blocks write only the positions inside the image. */
        td_word *word = (td_word *)ctx->buf;
        td_word *const end = word + td_int4_dw_block_bytes(filter_dims->h, filter_dims->w, output_dims->w, span) / 4;
        for (; word != end; ++word) {
            *word = 0;
        }
    }
    for (channel = 0; channel < output_c; channel += 4) {
        td_int4_dw_block(ctx->buf, params, quant, input_dims, input, filter_dims, packed_filter, bias, output_dims, output, channel,
                         td_min_i32(4, output_c - channel), span);
    }
    return TD_OK;
}

#else /* no DSP extension: the portable kernel's loop */

int32_t td_depthwise_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)input_dims;
    return 4 * filter_dims->c;
}

#define TD_DEPTHWISE_INT4_REFERENCE td_status td_depthwise_conv2d_s8_int4
#include "../../conv/td_depthwise_conv2d_s8_int4_reference.h"

#endif
